// ClickHouse schema of the event store, built from the row catalogue (src/event/columns.ts): the same
// column names as DuckDB (DESIGN.md "The row"), types per docs/scale-out.md.
//
// Tables in the store's database:
//   kaudit_events_local  ReplacingMergeTree: the events. PARTITION BY the UTC day of receive time
//                        (`__tag__:__receive_time__`), so retention drops whole partitions and an old
//                        log imported today is kept for the full retention; ORDER BY the common
//                        filters (cluster, time, verb, resource) and then the identity `_id`, so two
//                        copies of one event (a retry racing another writer) share one sorting key
//                        and merges keep one.
//   kaudit_events_dist   only with a ClickHouse cluster (`--ch-cluster NAME`): the Distributed table
//                        over the replicated local tables, sharded by the identity (copies of one
//                        event land on one shard, where FINAL collapses them).
//   kaudit_events        the view every query reads (EVENTS_RELATION): FINAL collapses copies that
//                        merges have not yet collapsed, so no reader ever sees an event twice.
//   kaudit_meta          settings and the schema version (ReplacingMergeTree by a version column).
//   kaudit_rejects, kaudit_self_audit, kaudit_documents: as in the DuckDB store.
import { ALL_COLUMNS, type ColumnDef } from '../../event/columns.js';
import { EVENTS_RELATION } from '../store.js';
import { capabilitiesFor, type ClickHouseCapabilities } from './capabilities.js';

/** Bumped when the ClickHouse schema changes; MIGRATIONS[n] upgrades a store from n to n+1. */
export const CH_SCHEMA_VERSION = 1;

export interface SchemaOptions {
  database: string;
  /** Server version text (`SELECT version()`) or capabilities already derived from it. */
  version: string | ClickHouseCapabilities;
  /** ClickHouse cluster name (remote_servers) for replicated + distributed tables. */
  cluster?: string;
}

/** Forward migrations, keyed by the version they start from: DDL statements run in order. */
export const MIGRATIONS: Record<number, (opts: SchemaOptions) => string[]> = {};

export const EVENTS_LOCAL_TABLE = 'kaudit_events_local';
export const EVENTS_DIST_TABLE = 'kaudit_events_dist';
export const META_TABLE = 'kaudit_meta';
export const REJECTS_TABLE = 'kaudit_rejects';
export const SELF_AUDIT_TABLE = 'kaudit_self_audit';
export const DOCUMENTS_TABLE = 'kaudit_documents';

export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

function caps(opts: SchemaOptions): ClickHouseCapabilities {
  return typeof opts.version === 'string' ? capabilitiesFor(opts.version) : opts.version;
}

/** ClickHouse type of a catalogue column (contract: docs/scale-out.md "Columns"). */
export function columnType(c: ColumnDef, capabilities: ClickHouseCapabilities): string {
  let base: string;
  let nullable = c.path !== null; // event fields may be absent; system and text columns never are
  switch (c.name) {
    case '_id':
      base = 'String';
      nullable = false;
      break;
    default:
      base = c.duckType === 'INTEGER' ? 'Int32' : c.duckType === 'BIGINT' ? 'Int64' : 'String';
  }
  let t = nullable ? `Nullable(${base})` : base;
  if (c.lowCardinality && base === 'String' && capabilities.lowCardinality) t = `LowCardinality(${t})`;
  return t;
}

/** The table events are inserted into: the Distributed table on a cluster, else the local one. */
export function insertTable(opts: Pick<SchemaOptions, 'cluster'>): string {
  return opts.cluster ? EVENTS_DIST_TABLE : EVENTS_LOCAL_TABLE;
}

function onCluster(opts: SchemaOptions): string {
  return opts.cluster ? ` ON CLUSTER ${quoteIdent(opts.cluster)}` : '';
}

function q(opts: SchemaOptions, table: string): string {
  return `${quoteIdent(opts.database)}.${quoteIdent(table)}`;
}

/**
 * The engine of a table: ReplacingMergeTree alone, or replicated on a cluster. `perShard` tables
 * (the events) hold each shard's part of the data; the others keep one full copy on every node.
 */
function engine(opts: SchemaOptions, table: string, perShard: boolean, versionColumn = ''): string {
  if (!opts.cluster) return `ReplacingMergeTree(${versionColumn})`;
  const path = `/clickhouse/tables/${perShard ? '{shard}' : 'all'}/${opts.database}/${table}`;
  return `ReplicatedReplacingMergeTree(${quoteString(path)}, '{replica}'${versionColumn ? ', ' + versionColumn : ''})`;
}

/** The sorting key: the common filters first, then the identity. Old servers refuse Nullable keys. */
export const EVENTS_ORDER_BY = "(cluster, __time__, ifNull(verb, ''), ifNull(`objectRef.resource`, ''), _id)";
/** Partitions: the UTC day of receive time, named YYYYMMDD like the DuckDB store's partition files. */
export const EVENTS_PARTITION_BY = "toYYYYMMDD(toDateTime(`__tag__:__receive_time__`, 'UTC'))";

/** CREATE TABLE for the physical events table (the local table on a cluster). */
export function createEventsTableSql(opts: SchemaOptions): string {
  const c = caps(opts);
  const cols = ALL_COLUMNS.map((col) => `${quoteIdent(col.name)} ${columnType(col, c)}`).join(',\n  ');
  const settings = ['index_granularity = 8192'];
  // Retried blocks with the same insert_deduplication_token are dropped by the server itself.
  if (!opts.cluster && c.insertDeduplicationToken)
    settings.push('non_replicated_deduplication_window = 1000');
  return `CREATE TABLE IF NOT EXISTS ${q(opts, EVENTS_LOCAL_TABLE)}${onCluster(opts)} (
  ${cols}
) ENGINE = ${engine(opts, EVENTS_LOCAL_TABLE, true)}
PARTITION BY ${EVENTS_PARTITION_BY}
ORDER BY ${EVENTS_ORDER_BY}
SETTINGS ${settings.join(', ')}`;
}

/** The Distributed table over the local tables (cluster only), sharded by the identity. */
export function createDistributedTableSql(opts: SchemaOptions & { cluster: string }): string {
  return `CREATE TABLE IF NOT EXISTS ${q(opts, EVENTS_DIST_TABLE)}${onCluster(opts)} AS ${q(opts, EVENTS_LOCAL_TABLE)}
ENGINE = Distributed(${quoteIdent(opts.cluster)}, ${quoteIdent(opts.database)}, ${quoteIdent(EVENTS_LOCAL_TABLE)}, sipHash64(_id))`;
}

/** The relation queries read: every column, each event once (FINAL collapses unmerged copies). */
export function createEventsViewSql(opts: SchemaOptions): string {
  const cols = ALL_COLUMNS.map((c) => quoteIdent(c.name)).join(', ');
  return `CREATE VIEW IF NOT EXISTS ${q(opts, EVENTS_RELATION)}${onCluster(opts)} AS
SELECT ${cols} FROM ${q(opts, insertTable(opts))} FINAL`;
}

/** Every statement that creates a fresh store, in order (all idempotent: IF NOT EXISTS). */
export function createSchemaSql(opts: SchemaOptions): string[] {
  const db = quoteIdent(opts.database);
  const stmts = [`CREATE DATABASE IF NOT EXISTS ${db}${onCluster(opts)}`];
  stmts.push(`CREATE TABLE IF NOT EXISTS ${q(opts, META_TABLE)}${onCluster(opts)} (
  key String, value String, version UInt64
) ENGINE = ${engine(opts, META_TABLE, false, 'version')} ORDER BY key`);
  stmts.push(createEventsTableSql(opts));
  if (opts.cluster) stmts.push(createDistributedTableSql({ ...opts, cluster: opts.cluster }));
  stmts.push(createEventsViewSql(opts));
  // Rejected input is kept once: a re-import of the same bad file collapses onto the same key.
  stmts.push(`CREATE TABLE IF NOT EXISTS ${q(opts, REJECTS_TABLE)}${onCluster(opts)} (
  received Int64, source String, line Int64, reason String, raw String
) ENGINE = ${engine(opts, REJECTS_TABLE, false)} ORDER BY (source, line, reason, sipHash64(raw))`);
  stmts.push(`CREATE TABLE IF NOT EXISTS ${q(opts, SELF_AUDIT_TABLE)}${onCluster(opts)} (
  time Int64, actor String, role String, remote String, action String, detail String
) ENGINE = ${opts.cluster ? `ReplicatedMergeTree('/clickhouse/tables/all/${opts.database}/${SELF_AUDIT_TABLE}', '{replica}')` : 'MergeTree'} ORDER BY time`);
  // Documents are replaced whole: the newest version of (kind, id) wins; `deleted` marks a delete.
  stmts.push(`CREATE TABLE IF NOT EXISTS ${q(opts, DOCUMENTS_TABLE)}${onCluster(opts)} (
  kind String, id String, value String, updated Int64, version UInt64, deleted UInt8
) ENGINE = ${engine(opts, DOCUMENTS_TABLE, false, 'version')} ORDER BY (kind, id)`);
  return stmts;
}
