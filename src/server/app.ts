// The HTTP API of `kaudit serve` (DESIGN.md "HTTP"): query, webhook, health, metrics, self-audit.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { QueryError } from '../query/errors.js';
import { runQuery } from '../query/run.js';
import { UserError } from '../cli/errors.js';
import { BackpressureError, type IngestSink } from '../ingest/sink.js';
import type { EventTransforms } from '../ingest/prepare.js';
import type { KauditStore } from '../cli/store.js';
import { permits, type Principal, type TokenAuth } from './auth.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { BadBodyError, parseWebhookBody, type ParsedBody } from './webhook.js';
import { registerAlertsRoutes } from './routes/alerts.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerReportsRoutes } from './routes/reports.js';

export interface AppContext {
  config: ServerConfig;
  store: () => KauditStore;
  sink: IngestSink;
  auth: TokenAuth;
  metrics: Metrics;
  transforms: EventTransforms;
  /**
   * Parses a webhook body into rows (serve.ts passes a worker-thread pool, webhook-pool.ts); by default
   * on this thread with `transforms`.
   */
  parseWebhook?: (body: string, cluster: string, source: string) => Promise<ParsedBody>;
  /** false while the store is being recreated. */
  ready: () => boolean;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A token bucket per client address, for the webhook. */
class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perSecond: number) {}
  take(key: string): boolean {
    if (this.perSecond <= 0) return true;
    const now = Date.now() / 1000;
    const burst = this.perSecond * 2;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * this.perSecond);
    b.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

function clientCertAuthorized(req: FastifyRequest): boolean {
  const socket = req.raw.socket as { authorized?: boolean };
  return socket.authorized === true;
}

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const { config, metrics } = ctx;
  const https = config.tls
    ? {
        cert: readFileSync(config.tls.cert),
        key: readFileSync(config.tls.key),
        ...(config.tls.clientCA
          ? { ca: readFileSync(config.tls.clientCA), requestCert: true, rejectUnauthorized: false }
          : {}),
      }
    : null;
  const app = (https ? Fastify({ https, logger: false }) : Fastify({ logger: false })) as FastifyInstance;
  const limiter = new RateLimiter(config.webhook.rateLimit);

  // Bodies are read as text: the webhook parses them itself to answer 400 with the reason.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: config.webhook.maxBodyBytes },
    (_req, body, done) => {
      done(null, body);
    },
  );

  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unknown', code: String(reply.statusCode) });
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (req.url.startsWith('/audit/webhook')) metrics.webhookRequests.inc({ code: String(status) });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: `the body is larger than ${config.webhook.maxBodyBytes} bytes; lower --audit-webhook-batch-max-size or raise webhook.maxBodyBytes`,
      });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: 'send the body as Content-Type: application/json' });
    }
    if (status >= 500) ctx.log('error', 'request failed', { url: req.url, error: err.message });
    return reply
      .code(status)
      .send({ error: status >= 500 ? 'internal error; see the server log' : err.message });
  });

  /** Authenticates and checks the role for `action`; replies 401/403 itself. */
  const guard = (action: 'read' | 'admin' | 'ingest') => async (req: FastifyRequest, reply: FastifyReply) => {
    let p = ctx.auth.authenticate(req.headers.authorization);
    if (!p && action === 'ingest' && config.tls?.clientCA && clientCertAuthorized(req)) {
      p = { name: 'client-cert', role: 'ingest', via: 'client-cert' };
    }
    if (!p) {
      if (req.url.startsWith('/audit/webhook')) metrics.webhookRequests.inc({ code: '401' });
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'a valid token is required: send Authorization: Bearer <token>' });
    }
    if (!permits(p.role, action)) {
      return reply.code(403).send({ error: `the token "${p.name}" (role ${p.role}) may not ${action}` });
    }
    req.principal = p;
  };

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!ctx.ready()) return reply.code(503).send({ status: 'recreating the store' });
    return { status: 'ready', queued: ctx.sink.pending };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.post('/api/v1/query', { preHandler: guard('read') }, async (req, reply) => {
    const body = (typeof req.body === 'string' && req.body ? safeJson(req.body) : null) as Record<
      string,
      unknown
    > | null;
    if (!body || typeof body.query !== 'string') {
      return reply.code(400).send({
        error: 'send {"query": "…", "from"?: unix seconds, "to"?: unix seconds, "timezone"?, "cluster"?}',
      });
    }
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const started = process.hrtime.bigint();
    try {
      const out = await runQuery(
        ctx.store(),
        body.query,
        {
          from: num(body.from),
          to: num(body.to),
          cluster: typeof body.cluster === 'string' ? body.cluster : undefined,
          timezone:
            typeof body.timezone === 'string' ? body.timezone : (config.timezone ?? process.env.TZ ?? 'UTC'),
          limit: num(body.limit),
          offset: num(body.offset),
        },
        { timeoutMs: config.queryTimeoutMs },
      );
      await ctx.store().recordSelfAudit({
        actor: req.principal!.name,
        role: req.principal!.role,
        remote: req.ip,
        action: 'query',
        detail: body.query.slice(0, 4000),
      });
      if (out.kind === 'search') {
        return {
          kind: 'search',
          columns: [{ name: 'event', type: 'JSON' }],
          rows: out.events.map((e) => [e]),
        };
      }
      return JSON.parse(
        JSON.stringify({ kind: 'sql', columns: out.columns, rows: out.rows }, (_k, v) =>
          typeof v === 'bigint' ? v.toString() : v,
        ),
      );
    } catch (e) {
      if (e instanceof QueryError) {
        return reply
          .code(400)
          .send({ error: e.message, position: e.position ?? null, suggestion: e.suggestion ?? null });
      }
      if (e instanceof UserError) return reply.code(400).send({ error: e.message });
      throw e;
    } finally {
      metrics.queryLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  });

  // Rejected input found by a client that imports through this server (kaudit import on a served store).
  app.post('/api/v1/rejects', { preHandler: guard('ingest') }, async (req, reply) => {
    const body = (typeof req.body === 'string' ? safeJson(req.body) : null) as { rejects?: unknown } | null;
    const list = Array.isArray(body?.rejects) ? body.rejects : null;
    const valid = list?.every(
      (r) =>
        r &&
        typeof r === 'object' &&
        typeof (r as RejectLike).source === 'string' &&
        Number.isInteger((r as RejectLike).line) &&
        typeof (r as RejectLike).reason === 'string' &&
        typeof (r as RejectLike).raw === 'string',
    );
    if (!list || !valid) {
      return reply.code(400).send({ error: 'send {"rejects": [{"source", "line", "reason", "raw"}]}' });
    }
    await ctx.store().addRejects(list as RejectLike[]);
    metrics.rejected.inc({ source: 'import', reason: 'not-an-event' }, list.length);
    return { recorded: list.length };
  });

  app.get('/api/v1/self-audit', { preHandler: guard('admin') }, async () => {
    const r = await ctx.store().listSelfAudit();
    return { columns: r.columns, rows: r.rows };
  });

  const parseBody =
    ctx.parseWebhook ??
    (async (body: string, cluster: string, source: string) =>
      parseWebhookBody(body, cluster, source, ctx.transforms));
  const webhook = async (req: FastifyRequest<{ Params: { cluster?: string } }>, reply: FastifyReply) => {
    const code = (c: number) => metrics.webhookRequests.inc({ code: String(c) });
    if (!limiter.take(req.ip)) {
      code(429);
      return reply
        .code(429)
        .header('Retry-After', '1')
        .send({ error: 'rate limit exceeded; retry after 1 s' });
    }
    const cluster = req.params.cluster ?? config.cluster;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(cluster)) {
      code(400);
      return reply
        .code(400)
        .send({ error: `cluster id "${cluster}" is not valid; use letters, digits, ".", "_" and "-"` });
    }
    const node = req.headers['x-kaudit-node'];
    const path = req.headers['x-kaudit-source'];
    const source =
      typeof node === 'string' && node
        ? `${node}:${typeof path === 'string' ? path : 'agent'}`
        : `webhook:${req.ip}`;
    const kind = typeof node === 'string' && node ? 'agent' : 'webhook';
    let parsed;
    try {
      parsed = await parseBody(typeof req.body === 'string' ? req.body : '', cluster, source);
    } catch (e) {
      if (e instanceof BadBodyError) {
        code(400);
        metrics.rejected.inc({ source: kind, reason: 'malformed-body' });
        return reply.code(400).send({ error: e.message });
      }
      ctx.log('error', 'webhook batch not parsed', { error: (e as Error).message });
      code(503);
      return reply
        .code(503)
        .header('Retry-After', '5')
        .send({ error: 'the server could not read the batch; retry' });
    }
    metrics.received.inc({ source: kind }, parsed.received);
    if (parsed.rejects.length) {
      metrics.rejected.inc({ source: kind, reason: 'not-an-event' }, parsed.rejects.length);
      await ctx.store().addRejects(parsed.rejects);
    }
    let r;
    try {
      r = await ctx.sink.write(parsed.rows);
      metrics.stored.inc({ source: kind }, r.stored);
      metrics.duplicates.inc({ source: kind }, r.duplicates);
    } catch (e) {
      if (e instanceof BackpressureError) {
        code(429);
        return reply.code(429).header('Retry-After', String(e.retryAfterSeconds)).send({ error: e.message });
      }
      ctx.log('error', 'webhook batch not stored', { error: (e as Error).message });
      code(503);
      return reply
        .code(503)
        .header('Retry-After', '5')
        .send({ error: 'the store could not take the batch; retry' });
    }
    code(200);
    return {
      received: parsed.received,
      stored: r.stored,
      duplicates: r.duplicates,
      rejected: parsed.rejects.length,
    };
  };
  if (config.webhook.enabled) {
    const opts = { preHandler: guard('ingest'), bodyLimit: config.webhook.maxBodyBytes };
    app.post<{ Params: { cluster?: string } }>('/audit/webhook', opts, webhook);
    app.post<{ Params: { cluster?: string } }>('/audit/webhook/:cluster', opts, webhook);
  }
  const routeCtx = { ...ctx, guard };
  await registerReportsRoutes(app, routeCtx);
  await registerAlertsRoutes(app, routeCtx);
  // Last: the console answers every other GET with the single-page app.
  await registerConsoleRoutes(app, routeCtx);
  return app;
}

interface RejectLike {
  source: string;
  line: number;
  reason: string;
  raw: string;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
