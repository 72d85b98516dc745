// The embedded DuckDB store. Layout on disk:
//   <db>                      main file: metadata, rejects (and later alert state, checkpoints)
//   <db>.parts/events-YYYYMMDD.duckdb
//                             one file per day of *receive* time (`__tag__:__receive_time__`), so
//                             retention drops whole files and gives the disk space back, and an
//                             old log imported today is kept for the full retention period.
// Every connection sees all attached partitions through the temp view `kaudit_events`.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { ALL_COLUMNS } from '../../event/columns.js';
import { UserError } from '../../cli/errors.js';
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
import {
  CREATE_STAGING_SQL,
  MIGRATIONS,
  appendStagingRows,
  SCHEMA_VERSION,
  STAGING_TABLE,
  createEventsTableSql,
  insertFromStagingSql,
  storedIdsInStagingSql,
  quoteIdent,
  quoteString,
} from './schema.js';
import {
  prepareReadOnlySelect,
  lockSandbox,
  sandboxInstanceOptions,
  sandboxLimitsFromEnv,
  withQueryTimeout,
} from './sandbox.js';
import { registerEnrichFunctions, type EnrichOptions } from '../../enrich/duckdb.js';
import { convertValue } from './values.js';
import { narrowEventsRelation } from './narrow.js';

export interface DuckDbStoreOptions {
  /** DuckDB file path, or ':memory:' for a throw-away store (tests). */
  path: string;
  /** Called with notices for the user (store created, recreated, migrated). */
  onNotice?: (message: string) => void;
  enrich?: EnrichOptions;
  /** Lock the DuckDB configuration after opening (default true). */
  sandbox?: boolean;
  /** DuckDB memory limit (default $KAUDIT_MEMORY_LIMIT, else 256MB); larger work spills to disk. */
  memoryLimit?: string;
  /** Clock, for tests of retention. Unix seconds. */
  now?: () => number;
}

interface Partition {
  day: string; // YYYYMMDD (UTC)
  alias: string;
  file: string | null; // null for in-memory
}

const DAY_SECONDS = 86400;
/** Bulk mode commits at least this often (rows), so a crash loses at most this much of an import. */
const BULK_COMMIT_ROWS = 1_000_000;

function dayOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}

function dayStart(day: string): number {
  return Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8)) / 1000;
}

function storeErrorMessage(location: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file|Conflicting lock/i.test(msg)) {
    return `the store ${location} is in use by another kaudit process (DuckDB allows one process per file); stop it, or run this command against its server`;
  }
  if (/No space left on device|ENOSPC|disk is full/i.test(msg)) {
    return `the disk holding ${location} is full; free space or run "kaudit prune", then run the command again (events already stored are kept; the batch in progress was rolled back)`;
  }
  if (/not a valid DuckDB database|Unable to read the file|IO Error.*database/i.test(msg)) {
    return `${location} is not a kaudit DuckDB store (${msg.split('\n')[0]}); point --db at a kaudit store or a new path`;
  }
  return msg.split('\n')[0];
}

export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;
  private partitions = new Map<string, Partition>();
  private connections: DuckDBConnection[] = [];
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly partsDir: string | null,
    private readonly opts: DuckDbStoreOptions,
  ) {
    this.connections.push(conn);
  }

  static async open(opts: DuckDbStoreOptions): Promise<DuckDbStore> {
    const memory = opts.path === ':memory:';
    const notice = opts.onNotice ?? (() => {});
    const partsDir = memory ? null : `${opts.path}.parts`;
    let existed = true;
    if (!memory) {
      existed = existsSync(opts.path);
      try {
        mkdirSync(dirname(opts.path), { recursive: true });
        mkdirSync(partsDir!, { recursive: true });
      } catch (e) {
        throw new UserError(
          `cannot create the store directory for ${opts.path} (${(e as NodeJS.ErrnoException).code}); choose a writable --db path`,
        );
      }
    }
    const dataDir = memory ? tmpdir() : dirname(opts.path);
    // Each in-memory store spills to its own directory: two stores sharing one collide.
    const tempDir = memory ? mkdtempSync(join(tmpdir(), 'kaudit-spill-')) : `${opts.path}.tmp`;
    const limits = sandboxLimitsFromEnv();
    // Commands stay small (a peak RSS under 1 GiB for any import); the server may pass more.
    limits.memoryLimit ??= opts.memoryLimit ?? '256MB';
    const config = sandboxInstanceOptions(dataDir, tempDir, limits);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(opts.path, config);
    } catch (e) {
      throw new UserError(storeErrorMessage(opts.path, e));
    }
    const conn = await instance.connect();
    const store = new DuckDbStore(opts.path, instance, conn, partsDir, opts);
    try {
      await store.initMain();
      const orphans = await store.attachExistingPartitions();
      if (!memory && !existed) {
        notice(
          orphans > 0
            ? `the store file ${opts.path} was missing (deleted?); recreated it and re-attached ${orphans} partition file(s) found beside it`
            : `created a new kaudit store at ${opts.path}`,
        );
      }
      await store.refreshViews();
      await registerEnrichFunctions(conn, opts.enrich ?? {});
      // Only the partition and spill directories: not the folder of the main file, which also holds
      // <db>.serve.json with the server's local token.
      if (opts.sandbox !== false) {
        await lockSandbox(conn, partsDir ? { allowedDirectories: [partsDir, tempDir] } : {});
      }
    } catch (e) {
      await store.close();
      if (e instanceof UserError) throw e;
      throw new UserError(storeErrorMessage(opts.path, e));
    }
    return store;
  }

  private now(): number {
    return Math.floor(this.opts.now ? this.opts.now() : Date.now() / 1000);
  }

  private async run(sql: string, conn = this.conn): Promise<void> {
    await conn.run(sql);
  }

  private writeChain: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` alone on the writer connection: an ingest holds a transaction open across awaits, and
   * a settings write or a self-audit record slipped into it would break (or join) that transaction.
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    // Any write but an ingest first commits an open bulk transaction: a DuckDB transaction may write
    // to one attached database only (settings and rejects live in the main file, events in a partition).
    const run = this.writeChain.then(
      () => this.commitBulk().then(fn),
      () => this.commitBulk().then(fn),
    );
    this.writeChain = run.catch(() => {});
    return run;
  }

  private async scalar(sql: string, conn = this.conn): Promise<unknown> {
    const r = await conn.runAndReadAll(sql);
    const rows = r.getRows();
    return rows.length ? rows[0][0] : undefined;
  }

  private async initMain(): Promise<void> {
    await this.run(`CREATE TABLE IF NOT EXISTS main.kaudit_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    const v = await this.scalar(`SELECT value FROM main.kaudit_meta WHERE key = 'schema_version'`);
    if (v === undefined) {
      await this.run(`INSERT INTO main.kaudit_meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
    } else if (Number(v) > SCHEMA_VERSION) {
      throw new UserError(
        `the store ${this.location} was written by a newer kaudit (schema ${v}, this one knows ${SCHEMA_VERSION}); upgrade kaudit to read it`,
      );
    }
    await this.run(`CREATE TABLE IF NOT EXISTS main.kaudit_rejects (
      received BIGINT, source VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`);
    // kaudit audits itself: API queries, exports, rule and setting changes (who, when, what).
    await this.run(`CREATE TABLE IF NOT EXISTS main.kaudit_self_audit (
      time BIGINT, actor VARCHAR, role VARCHAR, remote VARCHAR, action VARCHAR, detail VARCHAR)`);
    // Application documents (alert state and history, messages, saved searches): DocumentStore.
    await this.run(`CREATE TABLE IF NOT EXISTS main.kaudit_documents (
      kind VARCHAR, id VARCHAR, value VARCHAR, updated BIGINT, PRIMARY KEY (kind, id))`);
    // An always-empty table with the event schema: the view has every column even with no partition.
    await this.run(createEventsTableSql('main', 'kaudit_events_template'));
  }

  /** Attaches every partition file in the parts directory; returns how many were found. */
  private async attachExistingPartitions(): Promise<number> {
    if (!this.partsDir) return 0;
    const days = readdirSync(this.partsDir)
      .map((f) => /^events-(\d{8})\.duckdb$/.exec(f)?.[1])
      .filter((d): d is string => !!d)
      .sort();
    for (const day of days) await this.attachPartition(day);
    return days.length;
  }

  private async attachPartition(day: string): Promise<Partition> {
    const existing = this.partitions.get(day);
    if (existing) return existing;
    const alias = `kp_${day}`;
    const file = this.partsDir ? join(this.partsDir, `events-${day}.duckdb`) : null;
    await this.run(`ATTACH ${quoteString(file ?? ':memory:')} AS ${alias}`);
    await this.run(
      `CREATE TABLE IF NOT EXISTS ${alias}.kaudit_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
    );
    const v = await this.scalar(`SELECT value FROM ${alias}.kaudit_meta WHERE key = 'schema_version'`);
    if (v === undefined) {
      await this.run(createEventsTableSql(alias));
      await this.run(`INSERT INTO ${alias}.kaudit_meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
    } else {
      let version = Number(v);
      if (version > SCHEMA_VERSION) {
        throw new UserError(
          `partition ${file} was written by a newer kaudit (schema ${version}); upgrade kaudit to read this store`,
        );
      }
      while (version < SCHEMA_VERSION) {
        const step = MIGRATIONS[version];
        if (!step) throw new Error(`no migration from schema ${version}`);
        for (const sql of step(alias)) await this.run(sql);
        version++;
        await this.run(`UPDATE ${alias}.kaudit_meta SET value = '${version}' WHERE key = 'schema_version'`);
        this.opts.onNotice?.(`migrated partition ${file} to schema ${version}`);
      }
    }
    const p: Partition = { day, alias, file };
    this.partitions.set(day, p);
    return p;
  }

  private viewSql(): string {
    return `CREATE OR REPLACE TEMP VIEW ${EVENTS_RELATION} AS ${this.eventsUnionSql(ALL_COLUMNS.map((c) => c.name))}`;
  }

  /**
   * The events of every partition with these columns; the empty template table when there is no
   * partition yet (the relation still has the schema). Each member of the union is bound per query.
   */
  private eventsUnionSql(columns: string[]): string {
    const cols = columns.map(quoteIdent).join(', ');
    const tables = this.partitions.size
      ? [...this.partitions.values()].map((p) => `${p.alias}.events`)
      : ['main.kaudit_events_template'];
    return tables.map((t) => `SELECT ${cols} FROM ${t}`).join('\nUNION ALL ');
  }

  private viewVersion = 0;
  private readonly connViewVersion = new WeakMap<DuckDBConnection, number>();

  /** The writer's view now; reader connections catch up when they are next handed out. */
  private async refreshViews(): Promise<void> {
    this.viewVersion++;
    await this.run(this.viewSql(), this.conn);
    this.connViewVersion.set(this.conn, this.viewVersion);
  }

  /** A further connection (e.g. for concurrent queries in the server), with the events view. */
  async connect(): Promise<DuckDBConnection> {
    const c = await this.instance.connect();
    await this.run(this.viewSql(), c);
    this.connViewVersion.set(c, this.viewVersion);
    // Scalar functions registered from JS belong to the connection that registered them.
    await registerEnrichFunctions(c, this.opts.enrich ?? {});
    this.connections.push(c);
    return c;
  }

  private idleReaders: DuckDBConnection[] = [];
  private readerCount = 0;
  private readerWaiters: ((c: DuckDBConnection) => void)[] = [];
  private static readonly MAX_READERS = 4;

  /** Queries run on their own connections, so they never wait behind an ingest transaction. */
  private async acquireReader(): Promise<DuckDBConnection> {
    const c = await this.takeReader();
    if (this.connViewVersion.get(c) !== this.viewVersion) {
      await this.run(this.viewSql(), c);
      this.connViewVersion.set(c, this.viewVersion);
    }
    return c;
  }

  private async takeReader(): Promise<DuckDBConnection> {
    const idle = this.idleReaders.pop();
    if (idle) return idle;
    if (this.readerCount < DuckDbStore.MAX_READERS) {
      this.readerCount++;
      return this.connect();
    }
    return new Promise((resolve) => this.readerWaiters.push(resolve));
  }

  private releaseReader(c: DuckDBConnection): void {
    const waiter = this.readerWaiters.shift();
    if (waiter) waiter(c);
    else this.idleReaders.push(c);
  }

  private active = new Set<Promise<unknown>>();

  async querySql(sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
    if (this.closed) throw new UserError('the store is closed');
    const run = this.runQuery(sql, opts);
    this.active.add(run);
    try {
      return await run;
    } finally {
      this.active.delete(run);
    }
  }

  private async runQuery(sql: string, opts: QueryOptions): Promise<QueryResult> {
    const conn = await this.acquireReader();
    try {
      // The second wall of the sandbox: DuckDB's own parser must see exactly one SELECT.
      const text = opts.compiled ? narrowEventsRelation(sql, (cols) => this.eventsUnionSql(cols)) : sql;
      const prepared = await prepareReadOnlySelect(conn, text);
      try {
        const reader = await withQueryTimeout(conn, opts.timeoutMs ?? 0, () => prepared.runAndReadAll());
        const names = reader.columnNames();
        const types = reader.columnTypes();
        const columns = names.map((name, i) => ({ name, type: types[i].toString() }));
        const rows = reader.getRows().map((r) => r.map((v) => convertValue(v)));
        return { columns, rows };
      } finally {
        prepared.destroySync();
      }
    } finally {
      this.releaseReader(conn);
    }
  }

  /**
   * Bulk mode, for a command that imports many batches and owns the store (`kaudit import`): batches
   * go into one long transaction instead of one each, committed by `endBulk`, by any other write, at a
   * new receive day, or every BULK_COMMIT_ROWS rows. A commit per batch made DuckDB write every row
   * twice (WAL, then checkpoint) and checkpoint again and again: 2× slower on a 1M-event import. A large
   * transaction writes full row groups straight to the file (optimistic writes). Until its commit an
   * ingest is not durable; `kaudit serve` never uses this mode (its batches are acknowledged to senders).
   */
  beginBulk(): void {
    this.bulk ??= { open: null, rows: 0 };
  }

  /** Commits what bulk mode holds and leaves it. */
  async endBulk(): Promise<void> {
    await this.serial(async () => {});
    this.bulk = null;
  }

  private bulk: { open: string | null; rows: number } | null = null;

  private async commitBulk(): Promise<void> {
    if (!this.bulk?.open) return;
    this.bulk.open = null;
    this.bulk.rows = 0;
    try {
      await this.run('COMMIT');
    } catch (e) {
      await this.run('ROLLBACK').catch(() => {});
      throw new UserError(storeErrorMessage(this.location, e));
    }
  }

  private idleCheckpoint: NodeJS.Timeout | null = null;
  /** Partitions with commits since their last checkpoint (after midnight both days can be). */
  private readonly uncheckpointed = new Set<string>();

  /**
   * Checkpoints the partitions written to once no batch has been written for IDLE_CHECKPOINT_MS:
   * with the large checkpoint threshold (sandbox.ts, defaultCheckpointThreshold) committed batches
   * otherwise wait in the WAL, which a restart would replay. A write before the timer fires starts
   * it again.
   */
  private checkpointWhenIdle(alias: string): void {
    this.uncheckpointed.add(alias);
    if (this.idleCheckpoint) clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = setTimeout(() => {
      this.idleCheckpoint = null;
      if (this.closed) return;
      void this.ingestChain(async () => {
        // Not inside an open bulk transaction: an error there (CHECKPOINT refuses to run in one)
        // would abort it. The partitions stay listed for the next idle moment.
        if (this.bulk?.open) return;
        const attached = new Set([...this.partitions.values()].map((p) => p.alias));
        for (const a of [...this.uncheckpointed]) {
          if (attached.has(a)) await this.run(`CHECKPOINT ${quoteIdent(a)}`);
          this.uncheckpointed.delete(a);
        }
      }).catch(() => {
        // A failed checkpoint leaves the rows in the WAL, durable; the next one or close retries.
      });
    }, DuckDbStore.IDLE_CHECKPOINT_MS);
    this.idleCheckpoint.unref();
  }

  static IDLE_CHECKPOINT_MS = 5_000;

  private ingestChain<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => {});
    return run;
  }

  async ingest(rows: IngestRow[]): Promise<IngestResult> {
    return this.ingestChain(async () => {
      if (rows.length === 0) return { stored: 0, duplicates: 0 };
      const receive = this.now();
      const day = dayOf(receive);
      if (!this.partitions.has(day)) {
        await this.commitBulk();
        await this.attachPartition(day);
        await this.refreshViews();
      }
      const target = this.partitions.get(day)!;
      if (this.bulk?.open && this.bulk.open !== target.alias) await this.commitBulk();
      try {
        await this.run(CREATE_STAGING_SQL);
        await this.run(`DELETE FROM ${STAGING_TABLE}`);
        const unique = await appendStagingRows(this.conn, rows, receive);
        const bulk = this.bulk;
        if (!bulk?.open) await this.run('BEGIN TRANSACTION');
        if (bulk) bulk.open = target.alias;
        let stored: number;
        const alreadyStored = new Set<bigint>();
        try {
          // The staged rows are sorted by time: their first and last bound the batch.
          const range = { min: unique[0].timeUs, max: unique[unique.length - 1].timeUs };
          const known = await this.conn.runAndReadAll(storedIdsInStagingSql(EVENTS_RELATION, range));
          for (const [id] of known.getRows()) alreadyStored.add(BigInt(id as bigint));
          // Usually nothing is stored yet and the insert needs no second anti-join.
          const dedupe = alreadyStored.size
            ? { allEventsRelation: EVENTS_RELATION, timeRangeUs: range }
            : undefined;
          const res = await this.conn.run(insertFromStagingSql(target.alias, dedupe));
          stored = Number(res.rowsChanged);
          if (!bulk) {
            await this.run('COMMIT');
            this.checkpointWhenIdle(target.alias);
          } else if ((bulk.rows += stored) >= BULK_COMMIT_ROWS) await this.commitBulk();
        } catch (e) {
          if (bulk) bulk.open = null;
          await this.run('ROLLBACK').catch(() => {});
          throw e;
        }
        await this.run(`DELETE FROM ${STAGING_TABLE}`);
        return { stored, duplicates: rows.length - stored, alreadyStored };
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError(storeErrorMessage(this.location, e));
      }
    });
  }

  async addRejects(rejects: RejectRecord[]): Promise<void> {
    return this.serial(async () => {
      if (!rejects.length) return;
      // Rejects are kept once: importing the same bad file again adds nothing.
      await this.run(
        `CREATE TEMP TABLE IF NOT EXISTS kaudit_rejects_staging AS SELECT * FROM main.kaudit_rejects LIMIT 0`,
      );
      await this.run(`DELETE FROM kaudit_rejects_staging`);
      const app = await this.conn.createAppender('kaudit_rejects_staging', 'main', 'temp');
      const now = BigInt(this.now());
      for (const r of rejects) {
        app.appendBigInt(now);
        app.appendVarchar(r.source);
        app.appendBigInt(BigInt(r.line));
        app.appendVarchar(r.reason);
        app.appendVarchar(r.raw);
        app.endRow();
      }
      app.flushSync();
      app.closeSync();
      await this.run(`INSERT INTO main.kaudit_rejects SELECT DISTINCT * FROM kaudit_rejects_staging s
        WHERE NOT EXISTS (SELECT 1 FROM main.kaudit_rejects r
          WHERE r.source = s.source AND r.line = s.line AND r.reason = s.reason AND r.raw = s.raw)`);
    });
  }

  async listRejects(limit = 1000): Promise<QueryResult> {
    return this.querySql(
      `SELECT strftime(make_timestamp(received * 1000000), '%Y-%m-%d %H:%M:%S') AS received, source, line, reason, raw FROM main.kaudit_rejects ORDER BY received DESC, source, line LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
  }

  async recordSelfAudit(r: {
    actor: string;
    role: string;
    remote: string;
    action: string;
    detail: string;
  }): Promise<void> {
    return this.serial(async () => {
      await this.run(
        `INSERT INTO main.kaudit_self_audit VALUES (${this.now()}, ${quoteString(r.actor)}, ${quoteString(r.role)}, ${quoteString(r.remote)}, ${quoteString(r.action)}, ${quoteString(r.detail)})`,
      );
    });
  }

  async listSelfAudit(sinceUnix = 0, limit = 1000): Promise<QueryResult> {
    return this.querySql(
      `SELECT strftime(make_timestamp(time * 1000000), '%Y-%m-%d %H:%M:%S') AS time, actor, role, remote, action, detail
       FROM main.kaudit_self_audit WHERE time >= ${Math.floor(sinceUnix)} ORDER BY time DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
  }

  /** Newest event time (unix seconds) of the store, or null when empty. */
  async newestEventTime(): Promise<number | null> {
    const v = (await this.querySql(`SELECT max(__time__) FROM ${EVENTS_RELATION}`)).rows[0]?.[0];
    return v === null || v === undefined ? null : Number(v);
  }

  /** Bytes on disk: the main file and every partition file. */
  sizeBytes(): number {
    let n = 0;
    for (const f of [this.location, `${this.location}.wal`]) if (existsSync(f)) n += statSync(f).size;
    for (const p of this.partitionInfo()) n += p.bytes;
    return n;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.serial(async () => {
      const v = await this.scalar(`SELECT value FROM main.kaudit_meta WHERE key = ${quoteString(key)}`);
      return v === undefined || v === null ? undefined : String(v);
    });
  }

  async setSetting(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      await this.run(
        `INSERT OR REPLACE INTO main.kaudit_meta VALUES (${quoteString(key)}, ${quoteString(value)})`,
      );
    });
  }

  async putDocument(kind: string, id: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`document ${kind}/${id}: the value cannot be stored as JSON`);
    return this.serial(async () => {
      await this.run(
        `INSERT OR REPLACE INTO main.kaudit_documents VALUES (${quoteString(kind)}, ${quoteString(id)}, ${quoteString(json)}, ${this.now()})`,
      );
    });
  }

  async getDocument<T = unknown>(kind: string, id: string): Promise<T | undefined> {
    return this.serial(async () => {
      const v = await this.scalar(
        `SELECT value FROM main.kaudit_documents WHERE kind = ${quoteString(kind)} AND id = ${quoteString(id)}`,
      );
      return v === undefined || v === null ? undefined : (JSON.parse(String(v)) as T);
    });
  }

  async listDocuments<T = unknown>(
    kind: string,
    opts: ListDocumentsOptions = {},
  ): Promise<StoredDocument<T>[]> {
    const where = [`kind = ${quoteString(kind)}`];
    if (opts.prefix) where.push(`starts_with(id, ${quoteString(opts.prefix)})`);
    const order =
      opts.limit !== undefined
        ? `ORDER BY updated DESC, id DESC LIMIT ${Math.max(0, Math.floor(opts.limit))}`
        : 'ORDER BY id';
    return this.serial(async () => {
      const r = await this.conn.runAndReadAll(
        `SELECT id, value, updated FROM main.kaudit_documents WHERE ${where.join(' AND ')} ${order}`,
      );
      return r.getRows().map(([id, value, updated]) => ({
        id: String(id),
        value: JSON.parse(String(value)) as T,
        updated: Number(updated),
      }));
    });
  }

  async deleteDocument(kind: string, id: string): Promise<boolean> {
    return this.serial(async () => {
      const r = await this.conn.run(
        `DELETE FROM main.kaudit_documents WHERE kind = ${quoteString(kind)} AND id = ${quoteString(id)}`,
      );
      return r.rowsChanged > 0;
    });
  }

  /** Number of stored events (all partitions). */
  async count(): Promise<number> {
    return Number((await this.querySql(`SELECT count(*) FROM ${EVENTS_RELATION}`)).rows[0][0]);
  }

  partitionInfo(): { day: string; file: string | null; bytes: number }[] {
    return [...this.partitions.values()].map((p) => ({
      day: p.day,
      file: p.file,
      bytes: p.file && existsSync(p.file) ? statSync(p.file).size : 0,
    }));
  }

  async prune(cutoffUnixSeconds: number): Promise<{ partitions: string[]; events: number; bytes: number }> {
    return this.serial(async () => {
      const dropped: string[] = [];
      let events = 0;
      let bytes = 0;
      for (const p of [...this.partitions.values()]) {
        // Whole partitions only: every event in it was received before the cutoff.
        if (dayStart(p.day) + DAY_SECONDS > cutoffUnixSeconds) continue;
        events += Number(await this.scalar(`SELECT count(*) FROM ${p.alias}.events`));
        this.partitions.delete(p.day);
        await this.refreshViews();
        await this.run(`DETACH ${p.alias}`);
        if (p.file) {
          for (const f of [p.file, `${p.file}.wal`]) {
            if (existsSync(f)) {
              bytes += statSync(f).size;
              rmSync(f);
            }
          }
        }
        dropped.push(p.day);
      }
      return { partitions: dropped, events, bytes };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.idleCheckpoint) clearTimeout(this.idleCheckpoint);
    // Let a write in progress finish (its senders were told it is durable only after it commits),
    // and commit what bulk mode still holds.
    await this.writeChain;
    await this.commitBulk().catch(() => {});
    // Closing DuckDB under a running query deadlocks it: interrupt and wait for them first.
    if (this.active.size) {
      for (const c of this.connections) c.interrupt();
      await Promise.allSettled([...this.active]);
    }
    for (const c of this.connections) c.closeSync();
    this.instance.closeSync();
  }
}

export async function openDuckDbStore(opts: DuckDbStoreOptions): Promise<DuckDbStore> {
  return DuckDbStore.open(opts);
}
