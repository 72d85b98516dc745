// `kaudit serve` as a running process: the store it owns, the ingest sink, the HTTP API, the
// `<db>.serve.json` handshake file, background retention and metrics, and recreating the store
// when its file is deleted while it runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { openStoreAt, type KauditStore } from '../cli/store.js';
import type { StoreLocation } from '../cli/flags.js';
import { IngestSink } from '../ingest/sink.js';
import { ingestTransforms } from '../cli/transforms.js';
import { WebhookParserPool } from './webhook-pool.js';
import { parseWebhookBody } from './webhook.js';
import { applyRetention, configuredRetention, setRetention } from '../store/retention.js';
import { TokenAuth } from './auth.js';
import { checkExposure, isLoopback, type ServerConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { buildApp } from './app.js';
import { defaultMemoryLimit } from '../store/duckdb/sandbox.js';
import { FileSource, SettingsCheckpointStore, type FileSourceStats } from '../ingest/tail/index.js';
import { AlertService } from '../alerts/service.js';
import { queryTimezone } from '../cli/flags.js';

export interface ServeOptions {
  dbPath: string;
  /** The store, when not the DuckDB file `dbPath` (a ClickHouse store: docs/scale-out.md). */
  location?: StoreLocation;
  config: ServerConfig;
  /** Where log lines go (structured JSON, one per line). */
  logStream?: NodeJS.WritableStream;
  /** How often to look for a deleted store file and refresh gauges, ms. */
  housekeepingMs?: number;
}

export interface RunningServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export function serveInfoPath(dbPath: string): string {
  return `${dbPath}.serve.json`;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { config, dbPath } = opts;
  checkExposure(config);
  const logStream = opts.logStream ?? process.stderr;
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) => {
    logStream.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
  };
  const metrics = createMetrics();
  const location: StoreLocation = opts.location ?? { kind: 'duckdb', path: dbPath };
  // Only a DuckDB file has one owning process (the serve.json handshake) and can be deleted under us.
  const fileStore = location.kind === 'duckdb';
  const open = () =>
    openStoreAt(location, { onNotice: (m) => log('info', m), memoryLimit: defaultMemoryLimit() });
  let store: KauditStore = await open();
  let ready = true;
  if (config.retention) await setRetention(store, config.retention);
  const transforms = await ingestTransforms({ policy: config.policy, redact: config.redact });

  const sink = new IngestSink(
    { ingest: (rows) => store.ingest(rows) },
    {
      onBatch: (r) => metrics.batchSeconds.observe(r.ms / 1000),
    },
  );
  // File sources: follow the apiserver's log files; checkpoints live in the store's settings.
  let files: FileSource | null = null;
  let lastFileStats: FileSourceStats | null = null;
  if (config.watch.length) {
    files = new FileSource({
      patterns: config.watch,
      startAt: config.startAt,
      cluster: config.cluster,
      sink,
      checkpoints: new SettingsCheckpointStore({
        getSetting: (k) => store.getSetting(k),
        setSetting: (k, v) => store.setSetting(k, v),
      }),
      transforms,
      onRejects: (r) => store.addRejects(r),
      onError: (msg) => log('warn', msg, { source: 'file' }),
      onNotice: (msg) => log('info', msg, { source: 'file' }),
    });
  }
  const fileMetrics = () => {
    if (!files) return;
    const st = files.status();
    const prev = lastFileStats;
    const d = (k: keyof FileSourceStats) => st.stats[k] - (prev ? prev[k] : 0);
    metrics.received.inc({ source: 'file' }, d('eventsRead'));
    metrics.stored.inc({ source: 'file' }, d('stored'));
    metrics.duplicates.inc({ source: 'file' }, d('duplicates'));
    metrics.rejected.inc({ source: 'file', reason: 'not-an-event' }, d('rejected'));
    lastFileStats = st.stats;
    for (const f of st.files) metrics.checkpoint.set({ file: f.path }, f.offset);
  };
  const localToken = randomBytes(24).toString('hex');
  const auth = new TokenAuth(
    [...config.tokens, { name: 'local', token: localToken, role: 'admin' }],
    isLoopback(config.bind) && config.tokens.length === 0,
  );
  // Webhook bodies are parsed in worker threads (webhook-pool.ts).
  const parsers = config.webhook.enabled
    ? new WebhookParserPool({ policy: config.policy, redact: config.redact }, undefined, (b, c, s) =>
        parseWebhookBody(b, c, s, transforms),
      )
    : null;
  const app = await buildApp({
    config,
    store: () => store,
    sink,
    auth,
    metrics,
    transforms,
    ...(parsers ? { parseWebhook: (b: string, c: string, s: string) => parsers.parse(b, c, s) } : {}),
    ready: () => ready,
    log,
  });
  await app.listen({ port: config.port, host: config.bind });
  const addr = app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${addr.port}`;
  const infoPath = serveInfoPath(dbPath);
  if (fileStore) {
    writeFileSync(infoPath, JSON.stringify({ pid: process.pid, url, token: localToken, db: dbPath }) + '\n', {
      mode: 0o600,
    });
    chmodSync(infoPath, 0o600);
  }
  log('info', 'kaudit serve started', {
    url,
    db: dbPath,
    webhook: config.webhook.enabled,
    auth: auth.isOpen ? 'open (loopback, no tokens)' : 'tokens',
  });

  if (files) await files.start();
  // Alert rules are evaluated in this process (docs/alerts.md).
  const alerts = config.alerts.enabled
    ? new AlertService({
        store: () => store,
        config: config.alerts,
        timezone: queryTimezone({}, config.timezone),
        log,
      })
    : null;
  // Loading and compiling the rules takes a moment: do not hold up the server's start for it.
  const alertsStarted = alerts
    ?.start()
    .catch((e: Error) => log('error', 'alerts failed to start', { error: e.message }));

  let recreating = false;
  const housekeeping = async () => {
    if (recreating) return;
    if (fileStore && !existsSync(dbPath)) {
      recreating = true;
      ready = false;
      log('warn', 'the store file was deleted while kaudit serve ran; recreating it', { db: dbPath });
      try {
        // Close first: two DuckDB instances must never hold the same partition files. A batch in
        // flight fails and its sender retries (the webhook answers 503, a file source re-reads).
        await store.close().catch(() => {});
        store = await open();
        metrics.storeRecreated.inc();
        writeFileSync(
          infoPath,
          JSON.stringify({ pid: process.pid, url, token: localToken, db: dbPath }) + '\n',
          { mode: 0o600 },
        );
        log('info', 'store recreated; collection goes on', { db: dbPath });
      } catch (e) {
        log('error', 'recreating the store failed', { error: (e as Error).message });
      } finally {
        recreating = false;
        ready = true;
      }
    }
    try {
      fileMetrics();
      metrics.storeBytes.set(await store.sizeBytes());
      metrics.queuedRows.set(sink.pending);
      const newest = await store.newestEventTime();
      if (newest !== null) {
        metrics.newestEventTime.set(newest);
        metrics.newestEventAge.set(Math.max(0, Date.now() / 1000 - newest));
      }
    } catch (e) {
      log('warn', 'metrics refresh failed', { error: (e as Error).message });
    }
  };
  const houseTimer = setInterval(() => void housekeeping(), opts.housekeepingMs ?? 2000);
  const retentionTimer = setInterval(
    () =>
      void (async () => {
        const r = await configuredRetention(store);
        const dropped = await applyRetention(store, r.seconds);
        if (dropped.partitions.length) log('info', 'retention dropped partitions', dropped);
      })().catch((e) => log('warn', 'retention failed', { error: (e as Error).message })),
    3600_000,
  );
  void housekeeping();

  let closed = false;
  return {
    url,
    token: localToken,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(houseTimer);
      clearInterval(retentionTimer);
      await app.close();
      if (alerts) await alertsStarted?.then(() => alerts.stop());
      if (files) await files.stop();
      await sink.close();
      await parsers?.close();
      await store.close();
      if (fileStore) rmSync(infoPath, { force: true });
      log('info', 'kaudit serve stopped');
    },
  };
}
