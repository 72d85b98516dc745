// HTTP routes of the alerts feature (docs/alerts.md "HTTP API"): rules with their state,
// enable/disable (admin), test a rule without notifying, the history, and the in-app message center.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { QueryError } from '../../query/errors.js';
import { queryTimezone } from '../../cli/flags.js';
import { UserError } from '../../cli/errors.js';
import { ruleSummaries } from '../../alerts/api.js';
import { testRule } from '../../alerts/engine.js';
import { windowAt } from '../../alerts/schedule.js';
import { loadConfiguredRules, stateStoreOf } from '../../alerts/service.js';
import type { Problem, Rule } from '../../alerts/rule.js';
import { durationSeconds } from '../../alerts/schedule.js';
import { jsonBody, type RouteContext } from './context.js';

/** Rule files are re-read at most this often (edits show up without a restart of the API). */
const RULES_TTL_MS = 30_000;
const MAX_TEST_HOURS = 24 * 31;

export async function registerAlertsRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const state = stateStoreOf(() => ctx.store());
  let cache: { at: number; rules: Rule[]; problems: Problem[] } | null = null;
  const rules = async () => {
    if (!cache || Date.now() - cache.at > RULES_TTL_MS) {
      const loaded = await loadConfiguredRules(ctx.config.alerts);
      cache = { at: Date.now(), ...loaded };
    }
    return cache;
  };
  const timezone = () => {
    try {
      return queryTimezone({}, ctx.config.timezone);
    } catch {
      return 'UTC';
    }
  };
  const notFound = (reply: FastifyReply, id: string) =>
    reply.code(404).send({ error: `there is no alert rule "${id}"; GET /api/v1/alerts/rules lists them` });

  app.get('/api/v1/alerts/rules', { preHandler: ctx.guard('read') }, async () => {
    const r = await rules();
    return { rules: await ruleSummaries(r.rules, state), problems: r.problems };
  });

  for (const action of ['enable', 'disable'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/alerts/rules/:id/${action}`,
      { preHandler: ctx.guard('admin') },
      async (req, reply) => {
        const { id } = req.params;
        if (!(await rules()).rules.some((r) => r.id === id)) return notFound(reply, id);
        await state.setEnabled(id, action === 'enable');
        await ctx.store().recordSelfAudit({
          actor: req.principal!.name,
          role: req.principal!.role,
          remote: req.ip,
          action: `alert-rule-${action}`,
          detail: id,
        });
        return { id, enabled: action === 'enable' };
      },
    );
  }

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/rules/:id/test',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      const rule = (await rules()).rules.find((r) => r.id === req.params.id);
      if (!rule) return notFound(reply, req.params.id);
      const body = jsonBody(req) ?? {};
      const now = Math.floor(Date.now() / 1000);
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      let range: { from: number; to: number };
      const hours = num(body.hours);
      if (body.hours !== undefined && (hours === undefined || hours <= 0 || hours > MAX_TEST_HOURS)) {
        return reply
          .code(400)
          .send({ error: `hours must be a number between 0 and ${MAX_TEST_HOURS}; send {"hours": 24}` });
      }
      if (num(body.from) !== undefined || num(body.to) !== undefined) {
        range = { from: num(body.from) ?? 0, to: num(body.to) ?? now };
      } else if (hours !== undefined) {
        range = { from: now - Math.round(hours * 3600), to: now };
      } else {
        range = windowAt(rule.window, now, timezone());
      }
      try {
        const result = await testRule(
          rule,
          {
            store: ctx.store(),
            timezone: timezone(),
            queryTimeoutMs: durationSeconds(ctx.config.alerts.queryTimeout, 'alerts.queryTimeout') * 1000,
          },
          range,
          now,
        );
        return JSON.parse(
          JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        ) as unknown;
      } catch (e) {
        if (e instanceof QueryError || e instanceof UserError)
          return reply.code(400).send({ error: e.message });
        throw e;
      }
    },
  );

  app.get<{ Querystring: { rule?: string; limit?: string } }>(
    '/api/v1/alerts/history',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        return reply
          .code(400)
          .send({ error: 'limit must be a whole number from 1 to 10000, e.g. ?limit=100' });
      }
      return {
        history: await state.history({ ...(req.query.rule ? { ruleId: req.query.rule } : {}), limit }),
      };
    },
  );

  app.get('/api/v1/messages', { preHandler: ctx.guard('read') }, async () => state.messages());

  app.post<{ Params: { id: string } }>(
    '/api/v1/messages/:id/read',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      if (!(await state.markRead(req.params.id))) {
        return reply
          .code(404)
          .send({ error: `there is no message "${req.params.id}"; GET /api/v1/messages lists them` });
      }
      return { id: req.params.id, read: true };
    },
  );

  app.post('/api/v1/messages/read-all', { preHandler: ctx.guard('read') }, async () => ({
    marked: await state.markAllRead(),
  }));
}
