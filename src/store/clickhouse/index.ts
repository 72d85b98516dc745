// The ClickHouse store (scale-out backend, docs/scale-out.md), over HTTP with the official
// @clickhouse/client. Same Store interface and the same row values as the DuckDB store.
//
// Exactly once (DESIGN.md "Identity of an event"), on every server release:
//  1. before an insert, the identities of the batch already stored in the batch's time range are
//     read back (an identical event has the identical time) and left out;
//  2. a failed insert is retried — and step 1 runs again first, because a request that failed on
//     the client side may have been stored by the server;
//  3. two writers racing with the same event (two `kaudit serve`/`agent` instances) can both pass
//     step 1: the table is a ReplacingMergeTree keyed by the identity, and every query reads it with
//     FINAL, so the copies are one row to every reader before and after the background merge;
//  4. on servers with insert deduplication tokens (22.2+) the retried block also carries a token
//     derived from its identities, so the server drops a repeated block by itself.
// A batch resolves only when ClickHouse acknowledged it; while the server is down, inserts are
// retried for `retryForMs`, then the batch fails (the ingest sink's callers retry: the webhook
// answers 503, a file source keeps its checkpoint and reads again).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createClient, ClickHouseError, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { UserError } from '../../cli/errors.js';
import { QueryError } from '../../query/errors.js';
import type { Dialect } from '../../query/dialect.js';
import {
  clickHouseDialect,
  clickHouseResult,
  executePlannedSql,
  sandboxSettings,
  type ClickHouseJson,
} from './dialect/index.js';
import type {
  IngestResult,
  IngestRow,
  ListDocumentsOptions,
  QueryOptions,
  QueryResult,
  RejectRecord,
  Store,
  StoredDocument,
} from '../store.js';
import { EVENTS_RELATION } from '../store.js';
import { capabilitiesFor, type ClickHouseCapabilities } from './capabilities.js';
import { clickHouseJsonRows, idFromHex, idHex, type JsonRow } from './rows.js';
import { sandboxQuery } from './sandbox.js';
import {
  CH_SCHEMA_VERSION,
  DOCUMENTS_TABLE,
  EVENTS_LOCAL_TABLE,
  EVENTS_PARTITION_BY,
  META_TABLE,
  MIGRATIONS,
  REJECTS_TABLE,
  SELF_AUDIT_TABLE,
  createSchemaSql,
  insertTable,
  quoteIdent,
  quoteString,
  type SchemaOptions,
} from './schema.js';
import { parseClickHouseUrl, type ClickHouseLocation } from './url.js';

export interface ClickHouseStoreOptions {
  /** `clickhouse://user:pass@host:8123/db` (or `clickhouses://`). */
  url: string;
  /** ClickHouse cluster name (`--ch-cluster`): replicated local tables + a Distributed table. */
  cluster?: string;
  onNotice?: (message: string) => void;
  /** How long a failed insert is retried before the batch fails (default $KAUDIT_CH_RETRY_MS, else 20 s). */
  retryForMs?: number;
  /** Per-request timeout towards the server (default 300 s). */
  requestTimeoutMs?: number;
  /** Clock, for tests of retention. Unix seconds. */
  now?: () => number;
}

const DAY_SECONDS = 86400;

function dayStart(day: string): number {
  return Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8)) / 1000;
}

/**
 * The server's error code, or null for a network error. @clickhouse/client only recognises the
 * message format of current servers (`Code: 60. DB::Exception: … (UNKNOWN_TABLE)`); 18.x answers
 * `Code: 60, e.displayText() = DB::Exception: …, e.what() = DB::Exception` and reaches us as a
 * plain Error, so the code is read from the text as well.
 */
export function serverErrorCode(err: unknown): string | null {
  if (err instanceof ClickHouseError) return err.code;
  const m = /^Code: (\d+)[,.]/.exec(err instanceof Error ? err.message : String(err));
  return m ? m[1] : null;
}

/** Errors worth retrying: the server is away, restarting, overloaded or timed out. */
export function isTransient(err: unknown): boolean {
  const code = serverErrorCode(err);
  // TIMEOUT_EXCEEDED, TOO_MANY_SIMULTANEOUS_QUERIES, MEMORY_LIMIT_EXCEEDED, NETWORK_ERROR,
  // SOCKET_TIMEOUT, TABLE_IS_READ_ONLY (replica lost ZooKeeper), TOO_MANY_PARTS,
  // ALL_CONNECTION_TRIES_FAILED, KEEPER_EXCEPTION, ABORTED, UNEXPECTED_END_OF_FILE (a cut body).
  if (code !== null)
    return ['159', '202', '241', '210', '209', '242', '252', '279', '999', '236', '32'].includes(code);
  return err instanceof Error; // a network error: refused, reset, hung up, timed out
}

/** The server's message without the code and exception class decorations, or the network error. */
function errorText(err: unknown): string {
  const e = err as Error & { code?: string; cause?: { code?: string } };
  const text = (e.message || String(err)).split('\n')[0];
  if (serverErrorCode(err) !== null) {
    return text
      .replace(/^Code: \d+[,.]\s*(e\.displayText\(\) = )?(DB::Exception: )?/, '')
      .replace(/, e\.what\(\) = DB::Exception$/, '')
      .replace(/\s*\(version [^)]*\)\.?$/, '');
  }
  const code = e.cause?.code ?? (typeof e.code === 'string' ? e.code : '');
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

/** $KAUDIT_CH_RETRY_MS: how long a write waits for an unavailable server (tests, impatient senders). */
function retryFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.KAUDIT_CH_RETRY_MS);
  return env.KAUDIT_CH_RETRY_MS && Number.isFinite(n) && n >= 0 ? n : undefined;
}

let versionCounter = 0;
/** A version for ReplacingMergeTree rows: microseconds now, strictly increasing in this process. */
function nextVersion(): number {
  const v = Date.now() * 1000;
  versionCounter = Math.max(versionCounter + 1, v);
  return versionCounter;
}

interface EventKey {
  /** 32 hex digits. */
  id: string;
  time: number;
  cluster: string;
}

const keyOf = (r: Record<string, unknown>): EventKey => ({
  id: r._id as string,
  time: Number(r.__time__),
  cluster: String(r.cluster),
});

function batchToken(ids: string[]): string {
  const h = createHash('sha256');
  for (const id of ids) h.update(id);
  return h.digest('hex');
}

export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse' as const;
  private closed = false;
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly db: string;
  /** The ClickHouse cluster (`--ch-cluster`), or the one the store was created on. */
  private cluster: string | undefined;
  readonly dialect: Dialect;

  private constructor(
    private readonly loc: ClickHouseLocation,
    private readonly client: ClickHouseClient,
    readonly capabilities: ClickHouseCapabilities,
    private readonly opts: ClickHouseStoreOptions,
  ) {
    // The query side is src/store/clickhouse/dialect (its own author): what runs on this release.
    this.dialect = clickHouseDialect(capabilities);
    this.cluster = opts.cluster;
    this.db = quoteIdent(loc.database);
  }

  get location(): string {
    return this.loc.location + (this.cluster ? ` (cluster ${this.cluster})` : '');
  }

  private get schema(): SchemaOptions {
    return { database: this.loc.database, version: this.capabilities, cluster: this.cluster };
  }

  static async open(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const loc = parseClickHouseUrl(opts.url);
    const make = (database: string) =>
      createClient({
        url: loc.url,
        username: loc.username,
        password: loc.password,
        database,
        application: 'kaudit',
        request_timeout: opts.requestTimeoutMs ?? 300_000,
        max_open_connections: 8,
        log: { level: ClickHouseLogLevel.OFF },
      });
    // The database may not exist yet: the first statements go to `default`.
    const boot = make('default');
    let version: string;
    try {
      const rs = await boot.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
      version = ((await rs.json()) as { v: string }[])[0].v;
    } catch (e) {
      await boot.close();
      // UNKNOWN_USER, WRONG_PASSWORD (old servers), AUTHENTICATION_FAILED (new ones).
      if (['192', '193', '516'].includes(serverErrorCode(e) ?? '')) {
        throw new UserError(
          `ClickHouse at ${loc.location} refused the user "${loc.username}" (wrong user or password); fix the URL or $KAUDIT_CLICKHOUSE_PASSWORD`,
        );
      }
      throw new UserError(
        `cannot reach ClickHouse at ${loc.location} (${errorText(e)}); start the server or fix --store`,
      );
    }
    const caps = capabilitiesFor(version);
    try {
      const schema: SchemaOptions = { database: loc.database, version: caps, cluster: opts.cluster };
      const dbs = await boot.query({
        query: `SELECT count() AS n FROM system.databases WHERE name = ${quoteString(loc.database)}`,
        format: 'JSONEachRow',
      });
      if (Number(((await dbs.json()) as { n: string }[])[0]?.n ?? 0) === 0) {
        await boot.command({ query: createSchemaSql(schema)[0] });
      }
      const client = make(loc.database);
      const store = new ClickHouseStore(loc, client, caps, opts);
      try {
        await store.migrate();
      } catch (e) {
        await client.close();
        throw e;
      }
      return store;
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`cannot set up the kaudit schema in ${loc.location}: ${errorText(e)}`);
    } finally {
      await boot.close();
    }
  }

  private now(): number {
    return Math.floor(this.opts.now ? this.opts.now() : Date.now() / 1000);
  }

  private t(table: string): string {
    return `${this.db}.${quoteIdent(table)}`;
  }

  private async command(query: string, settings: Record<string, string | number> = {}): Promise<void> {
    await this.client.command({ query, clickhouse_settings: settings });
  }

  private async rows<T = Record<string, unknown>>(
    query: string,
    settings: Record<string, string | number> = {},
  ): Promise<T[]> {
    const rs = await this.client.query({ query, format: 'JSONEachRow', clickhouse_settings: settings });
    return (await rs.json()) as T[];
  }

  /**
   * Creates the schema of a new store, or checks and upgrades an existing one. A store remembers
   * the ClickHouse cluster it was created on, so a command without --ch-cluster still reads the
   * Distributed table (and not one shard's local part).
   */
  private async migrate(): Promise<void> {
    const metaExists = await this.rows<{ n: string }>(
      `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(this.loc.database)} AND name = ${quoteString(META_TABLE)}`,
    );
    const v = Number(metaExists[0]?.n ?? 0) > 0 ? await this.rawSetting('schema_version') : undefined;
    if (v !== undefined) {
      const created = (await this.rawSetting('ch_cluster')) || undefined;
      if (this.cluster !== undefined && created !== this.cluster) {
        throw new UserError(
          created
            ? `the ClickHouse store ${this.loc.location} was created on the ClickHouse cluster ${created}, not ${this.cluster}; use --ch-cluster ${created} or leave it out`
            : `the ClickHouse store ${this.loc.location} was created on a single server, not on the cluster ${this.cluster}; leave out --ch-cluster`,
        );
      }
      this.cluster = created;
    }
    if (v !== undefined && Number(v) > CH_SCHEMA_VERSION) {
      throw new UserError(
        `the ClickHouse store ${this.location} was written by a newer kaudit (schema ${v}, this one knows ${CH_SCHEMA_VERSION}); upgrade kaudit to use it`,
      );
    }
    if (v !== undefined && Number(v) === CH_SCHEMA_VERSION) return;
    // New (or interrupted while being created), or older: every statement is IF NOT EXISTS.
    const [createMeta, ...others] = createSchemaSql(this.schema).slice(1);
    await this.command(createMeta);
    let version = v === undefined ? CH_SCHEMA_VERSION : Number(v);
    while (version < CH_SCHEMA_VERSION) {
      const step = MIGRATIONS[version];
      if (!step) throw new Error(`no migration from ClickHouse schema ${version}`);
      for (const sql of step(this.schema)) await this.command(sql);
      version++;
      await this.writeSetting('schema_version', String(version));
      this.opts.onNotice?.(`migrated the ClickHouse store ${this.location} to schema ${version}`);
    }
    for (const sql of others) await this.command(sql);
    if (v === undefined) {
      if (this.cluster) await this.writeSetting('ch_cluster', this.cluster);
      await this.writeSetting('schema_version', String(CH_SCHEMA_VERSION));
      this.opts.onNotice?.(`created a kaudit store in ClickHouse at ${this.location}`);
    }
  }

  /** Runs `fn` after every earlier write of this process (exact per-batch counts, ordered settings). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => {});
    return run;
  }

  /** Retries `fn` on transient errors with backoff, for at most `retryForMs`. */
  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.opts.retryForMs ?? retryFromEnv() ?? 20_000);
    let wait = 100;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (!isTransient(e) || this.closed) throw e;
        if (Date.now() + wait > deadline) {
          throw new UserError(
            `ClickHouse at ${this.location} did not take ${what} (${errorText(e)}); nothing was lost — the sender retries, or run the command again`,
          );
        }
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 2000);
      }
    }
  }

  private get physicalEvents(): string {
    return this.t(insertTable(this.schema));
  }

  async querySql(sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
    if (this.closed) throw new UserError('the store is closed');
    // The dialect's text is a statement for the server or a plan finished in DuckDB (dialect/finish.ts).
    const settings = sandboxSettings(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {});
    return executePlannedSql(sql, (s) => this.serverQuery(s, settings, opts), opts);
  }

  /** One SELECT on the server, through the store's wall (sandbox.ts), read-only. */
  private async serverQuery(
    sql: string,
    settings: Record<string, string | number>,
    opts: QueryOptions,
  ): Promise<QueryResult> {
    const text = sandboxQuery(
      sql,
      this.capabilities.viewPredicatePushdown ? {} : { physicalEvents: this.physicalEvents },
    );
    try {
      const rs = await this.client.query({
        query: text,
        format: 'JSONCompact',
        clickhouse_settings: settings,
      });
      return clickHouseResult((await rs.json()) as ClickHouseJson);
    } catch (e) {
      const code = serverErrorCode(e);
      if (code !== null) {
        if (code === '159') {
          throw new QueryError(`the query ran longer than ${opts.timeoutMs ?? 0} ms and was stopped`);
        }
        throw new QueryError(errorText(e));
      }
      if (e instanceof QueryError || e instanceof UserError) throw e;
      throw new UserError(`ClickHouse at ${this.location} did not answer (${errorText(e)}); try again`);
    }
  }

  async ingest(rows: IngestRow[]): Promise<IngestResult> {
    return this.serial(async () => {
      if (rows.length === 0) return { stored: 0, duplicates: 0 };
      const receive = this.now();
      const seen = new Set<bigint>();
      const unique = rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
      unique.sort((a, b) => a.timeUs - b.timeUs);
      const keys = unique.map((r) => ({ id: idHex(r.id), time: r.time, cluster: r.cluster }));
      const known = await this.retrying('the batch', () => this.storedIds(keys));
      // Only new events are converted (a re-import is mostly known events).
      await this.insertOnce(
        await clickHouseJsonRows(
          unique.filter((r) => !known.has(idHex(r.id))),
          receive,
        ),
      );
      const alreadyStored = new Set([...known].map(idFromHex));
      const stored = unique.length - known.size;
      return { stored, duplicates: rows.length - stored, alreadyStored };
    });
  }

  /**
   * Copies typed rows (every catalogue column, `_id` as hex, as read from another store) keeping
   * their receive time: `kaudit migrate`. Exactly once like ingest.
   */
  async copyRows(rows: Record<string, unknown>[]): Promise<{ stored: number; duplicates: number }> {
    return this.serial(async () => {
      const seen = new Set<string>();
      const unique = rows.filter((r) =>
        seen.has(r._id as string) ? false : (seen.add(r._id as string), true),
      );
      const known = await this.retrying('the copied rows', () => this.storedIds(unique.map(keyOf)));
      await this.insertOnce(
        unique
          .filter((r) => !known.has(r._id as string))
          .map((r) => ({ ...keyOf(r), json: JSON.stringify(r) })),
      );
      return { stored: unique.length - known.size, duplicates: rows.length - unique.length + known.size };
    });
  }

  /**
   * Inserts rows none of which was stored when checked, retrying while the server is away. Before
   * each retry the check runs again: a request that failed on our side may have been stored.
   */
  private async insertOnce(rows: JsonRow[]): Promise<void> {
    let pending = rows;
    let attempt = 0;
    await this.retrying('the batch', async () => {
      if (attempt++ > 0 && pending.length) {
        const landed = await this.storedIds(pending);
        if (landed.size) pending = pending.filter((r) => !landed.has(r.id));
      }
      if (pending.length === 0) return;
      const settings: Record<string, string | number> = {};
      if (this.cluster) settings.insert_distributed_sync = 1; // durable on the shards when it returns
      if (this.capabilities.insertDeduplicationToken) {
        settings.insert_deduplication_token = batchToken(pending.map((r) => r.id));
      }
      const body = pending.map((r) => r.json).join('\n') + '\n';
      const res = await this.client.exec({
        query: `INSERT INTO ${this.physicalEvents} FORMAT JSONEachRow`,
        values: Readable.from([body]),
        clickhouse_settings: settings,
      });
      res.stream.resume();
      await finished(res.stream).catch(() => {});
    });
  }

  /** Hex identities among `keys` already stored (read in their time range and clusters). */
  private async storedIds(keys: EventKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    let min = Infinity;
    let max = -Infinity;
    const clusters = new Set<string>();
    for (const k of keys) {
      min = Math.min(min, k.time);
      max = Math.max(max, k.time);
      clusters.add(k.cluster);
    }
    // Chunks keep each statement well inside max_query_size (raised for the IN list).
    for (let i = 0; i < keys.length; i += 20_000) {
      const ids = keys.slice(i, i + 20_000).map((k) => `'${k.id}'`);
      const sql = `SELECT _id FROM ${this.physicalEvents}
        WHERE cluster IN (${[...clusters].map(quoteString).join(', ')})
          AND __time__ BETWEEN ${Math.floor(min)} AND ${Math.ceil(max)}
          AND _id IN (${ids.join(',')})`;
      const res = await this.rows<{ _id: string }>(sql, { max_query_size: sql.length + 1024 });
      for (const r of res) found.add(r._id);
    }
    return found;
  }

  async addRejects(rejects: RejectRecord[]): Promise<void> {
    if (!rejects.length) return;
    return this.serial(async () => {
      const now = this.now();
      // Kept once: the table collapses equal (source, line, reason, raw) and the listing reads FINAL.
      await this.retrying('the rejected lines', () =>
        this.client.insert({
          table: this.t(REJECTS_TABLE),
          values: rejects.map((r) => ({
            received: now,
            source: r.source,
            line: r.line,
            reason: r.reason,
            raw: r.raw,
          })),
          format: 'JSONEachRow',
        }),
      );
    });
  }

  async listRejects(limit = 1000): Promise<QueryResult> {
    const res = await this.rows<{
      received: string;
      source: string;
      line: string;
      reason: string;
      raw: string;
    }>(
      `SELECT received, source, line, reason, raw FROM ${this.t(REJECTS_TABLE)} FINAL
       ORDER BY received DESC, source, line LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    return {
      columns: [
        { name: 'received', type: 'VARCHAR' },
        { name: 'source', type: 'VARCHAR' },
        { name: 'line', type: 'BIGINT' },
        { name: 'reason', type: 'VARCHAR' },
        { name: 'raw', type: 'VARCHAR' },
      ],
      rows: res.map((r) => [utcText(Number(r.received)), r.source, Number(r.line), r.reason, r.raw]),
    };
  }

  async recordSelfAudit(r: { actor: string; role: string; remote: string; action: string; detail: string }) {
    return this.serial(async () => {
      await this.retrying('the self-audit record', () =>
        this.client.insert({
          table: this.t(SELF_AUDIT_TABLE),
          values: [{ time: this.now(), ...r }],
          format: 'JSONEachRow',
        }),
      );
    });
  }

  async listSelfAudit(sinceUnix = 0, limit = 1000): Promise<QueryResult> {
    const res = await this.rows<Record<string, string>>(
      `SELECT time, actor, role, remote, action, detail FROM ${this.t(SELF_AUDIT_TABLE)}
       WHERE time >= ${Math.floor(sinceUnix)} ORDER BY time DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    const names = ['time', 'actor', 'role', 'remote', 'action', 'detail'];
    return {
      columns: names.map((name) => ({ name, type: 'VARCHAR' })),
      rows: res.map((r) => [utcText(Number(r.time)), r.actor, r.role, r.remote, r.action, r.detail]),
    };
  }

  /**
   * Newest event time (unix seconds) of the store, or null when empty. The server asks every few
   * seconds (metrics): the recent receive-day partitions answer without reading the rest.
   */
  async newestEventTime(): Promise<number | null> {
    const recent = `\`__tag__:__receive_time__\` >= ${this.now() - 2 * DAY_SECONDS}`;
    for (const where of [`WHERE ${recent}`, '']) {
      const r = await this.rows<{ n: string; t: string }>(
        `SELECT count() AS n, max(__time__) AS t FROM ${this.physicalEvents} ${where}`,
      );
      if (Number(r[0]?.n ?? 0) > 0) return Number(r[0].t);
    }
    return null;
  }

  /** Number of stored events, each once. */
  async count(): Promise<number> {
    return Number((await this.querySql(`SELECT count() FROM ${EVENTS_RELATION}`)).rows[0][0]);
  }

  /** Bytes on disk of this store's tables (compressed, on the server answering; a shard on a cluster). */
  async sizeBytes(): Promise<number> {
    const r = await this.rows<{ b: string }>(
      `SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = ${quoteString(this.schema.database)} AND active`,
    );
    return Number(r[0]?.b ?? 0);
  }

  private async rawSetting(key: string): Promise<string | undefined> {
    const r = await this.rows<{ n: string; v: string }>(
      `SELECT count() AS n, argMax(value, version) AS v FROM ${this.t(META_TABLE)} WHERE key = ${quoteString(key)}`,
    );
    return Number(r[0]?.n ?? 0) === 0 ? undefined : r[0].v;
  }

  private async writeSetting(key: string, value: string): Promise<void> {
    await this.client.insert({
      table: this.t(META_TABLE),
      values: [{ key, value, version: nextVersion() }],
      format: 'JSONEachRow',
    });
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.serial(() => this.retrying('the setting', () => this.rawSetting(key)));
  }

  async setSetting(key: string, value: string): Promise<void> {
    return this.serial(() => this.retrying('the setting', () => this.writeSetting(key, value)));
  }

  async putDocument(kind: string, id: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`document ${kind}/${id}: the value cannot be stored as JSON`);
    return this.serial(() => this.writeDocument(kind, id, json, 0));
  }

  private async writeDocument(kind: string, id: string, value: string, deleted: 0 | 1): Promise<void> {
    const row = { kind, id, value, updated: this.now(), version: nextVersion(), deleted };
    await this.retrying('the document', () =>
      this.client.insert({ table: this.t(DOCUMENTS_TABLE), values: [row], format: 'JSONEachRow' }),
    );
  }

  /** The newest version of each document of `kind` (deleted ones included, marked). */
  private async documents(
    kind: string,
    where: string,
    tail = '',
  ): Promise<{ id: string; v: string; u: string }[]> {
    return this.rows(
      `SELECT id, argMax(value, version) AS v, argMax(updated, version) AS u, argMax(deleted, version) AS d
       FROM ${this.t(DOCUMENTS_TABLE)} WHERE kind = ${quoteString(kind)}${where}
       GROUP BY id HAVING d = 0 ${tail}`,
    );
  }

  async getDocument<T = unknown>(kind: string, id: string): Promise<T | undefined> {
    return this.serial(async () => {
      const r = await this.documents(kind, ` AND id = ${quoteString(id)}`);
      return r.length ? (JSON.parse(r[0].v) as T) : undefined;
    });
  }

  async listDocuments<T = unknown>(
    kind: string,
    opts: ListDocumentsOptions = {},
  ): Promise<StoredDocument<T>[]> {
    const where = opts.prefix
      ? ` AND substring(id, 1, ${Buffer.byteLength(opts.prefix)}) = ${quoteString(opts.prefix)}`
      : '';
    const tail =
      opts.limit !== undefined
        ? `ORDER BY u DESC, id DESC LIMIT ${Math.max(0, Math.floor(opts.limit))}`
        : 'ORDER BY id';
    return this.serial(async () =>
      (await this.documents(kind, where, tail)).map((r) => ({
        id: r.id,
        value: JSON.parse(r.v) as T,
        updated: Number(r.u),
      })),
    );
  }

  async deleteDocument(kind: string, id: string): Promise<boolean> {
    return this.serial(async () => {
      const live = await this.documents(kind, ` AND id = ${quoteString(id)}`);
      if (!live.length) return false;
      await this.writeDocument(kind, id, '', 1);
      return true;
    });
  }

  /** Receive-day partitions of the events (YYYYMMDD), with rows and bytes. */
  async partitionInfo(): Promise<{ day: string; events: number; bytes: number }[]> {
    const sql = this.cluster
      ? // On a cluster each node only knows its own parts: ask the data itself, across shards.
        `SELECT toString(${EVENTS_PARTITION_BY}) AS day, count() AS events, 0 AS bytes
         FROM ${this.physicalEvents} GROUP BY day ORDER BY day`
      : `SELECT partition AS day, sum(rows) AS events, sum(bytes_on_disk) AS bytes FROM system.parts
         WHERE database = ${quoteString(this.schema.database)} AND table = ${quoteString(EVENTS_LOCAL_TABLE)} AND active
         GROUP BY day ORDER BY day`;
    const r = await this.rows<{ day: string; events: string; bytes: string }>(sql);
    return r.map((p) => ({ day: p.day, events: Number(p.events), bytes: Number(p.bytes) }));
  }

  async prune(cutoffUnixSeconds: number): Promise<{ partitions: string[]; events: number; bytes: number }> {
    return this.serial(async () => {
      const dropped: string[] = [];
      let events = 0;
      let bytes = 0;
      for (const p of await this.partitionInfo()) {
        // Whole partitions only: every event in it was received before the cutoff.
        if (!/^\d{8}$/.test(p.day) || dayStart(p.day) + DAY_SECONDS > cutoffUnixSeconds) continue;
        const onCluster = this.cluster ? ` ON CLUSTER ${quoteIdent(this.cluster)}` : '';
        await this.command(`ALTER TABLE ${this.t(EVENTS_LOCAL_TABLE)}${onCluster} DROP PARTITION ${p.day}`);
        events += p.events;
        bytes += p.bytes;
        dropped.push(p.day);
      }
      return { partitions: dropped, events, bytes };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let a write in progress finish (its senders were told it is durable only after it returns).
    await this.writeChain;
    this.closed = true;
    await this.client.close();
  }
}

function utcText(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export async function openClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  return ClickHouseStore.open(opts);
}
