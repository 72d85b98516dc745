// DuckDB schema of the event store: one `events` table per partition file, built from the row
// catalogue (src/event/columns.ts), and the SQL that turns staged raw events into typed rows.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ALL_COLUMNS, EVENT_COLUMNS } from '../../event/columns.js';
import type { IngestRow } from '../store.js';

/** Bumped when the physical schema changes; MIGRATIONS[n] upgrades a partition from n to n+1. */
export const SCHEMA_VERSION = 1;

/** Forward migrations, keyed by the version they start from. Each is SQL run inside the partition. */
export const MIGRATIONS: Record<number, (catalog: string) => string[]> = {};

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteString(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * The original JSON and the full-text text: most of an event's bytes. ZSTD compresses a block of
 * similar events together; DuckDB's own choice for them (dictionary + FSST) took 5× the disk and
 * ~4× the time to write, with scans no faster (docs/store.md).
 */
const LONG_TEXT_COLUMNS = new Set(['_raw', '_text']);

/** CREATE TABLE for the events of one partition (catalog = the attached partition's alias). */
export function createEventsTableSql(catalog: string, table = 'events'): string {
  const cols = ALL_COLUMNS.map((c) =>
    c.virtual
      ? `${quoteIdent(c.name)} ${c.duckType} AS (json_extract_string(_raw, ${quoteString(jsonPath(c.path!))}))`
      : `${quoteIdent(c.name)} ${c.duckType}${LONG_TEXT_COLUMNS.has(c.name) ? ' USING COMPRESSION zstd' : ''}`,
  ).join(',\n  ');
  return `CREATE TABLE IF NOT EXISTS ${catalog}.${table} (\n  ${cols}\n)`;
}

export const STAGING_TABLE = 'kaudit_staging';

/** The staging table the appender fills before rows are typed and de-duplicated in SQL. */
export const CREATE_STAGING_SQL = `CREATE TEMP TABLE IF NOT EXISTS ${STAGING_TABLE} (
  _id UHUGEINT, cluster VARCHAR, __time__ BIGINT, _time_us BIGINT, __source__ VARCHAR, _receive BIGINT, _raw VARCHAR
)`;

/**
 * Fills the (empty) staging table with `rows`, de-duplicated within the batch and ordered by time (the
 * insert keeps this order, so rows are stored time-ordered and zone maps prune by time). Returns the
 * staged rows; the first and last bound the batch's time range.
 */
export async function appendStagingRows(
  conn: DuckDBConnection,
  rows: IngestRow[],
  receiveTime: number,
): Promise<IngestRow[]> {
  const seen = new Set<bigint>();
  const unique = rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  unique.sort((a, b) => a.timeUs - b.timeUs);
  const app = await conn.createAppender(STAGING_TABLE, 'main', 'temp');
  for (const r of unique) {
    app.appendUHugeInt(r.id);
    app.appendVarchar(r.cluster);
    app.appendBigInt(BigInt(r.time));
    app.appendBigInt(BigInt(r.timeUs));
    app.appendVarchar(r.source);
    app.appendBigInt(BigInt(receiveTime));
    app.appendVarchar(r.raw);
    app.endRow();
  }
  app.flushSync();
  app.closeSync();
  return unique;
}

function jsonPath(path: string[]): string {
  return '$.' + path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `"${p}"`)).join('.');
}

/**
 * The full-text search text: the raw JSON lower-cased, with the JSON escapes \" \n \t \r \/ turned into
 * a space, and so are Go's HTML escapes \u0026 \u003c \u003e (apiserver lines keep them). Each stands
 * for an SLS delimiter (", newline, tab, CR, /, &, <, >), and so is the
 * space, so tokens come out exactly as in the decoded values. An escaped backslash (\\) is kept as one
 * backslash (not a delimiter).
 * Most events hold no backslash at all and skip the replacement; rows with \\ are rare and take the
 * slower exact path.
 */
function decodedTextExpr(raw: string): string {
  const escapes = `regexp_replace(%, '\\\\([ntr"/]|u00(26|3[cCeE]))', ' ', 'g')`;
  const withBackslashes = `replace(${escapes.replace('%', `replace(${raw}, '\\\\', chr(1))`)}, chr(1), '\\')`;
  return (
    `lower(CASE WHEN strpos(${raw}, '\\') = 0 THEN ${raw} ` +
    `WHEN strpos(${raw}, '\\\\') = 0 THEN ${escapes.replace('%', raw)} ` +
    `ELSE ${withBackslashes} END)`
  );
}

/** Identities of staged rows that are already stored (usually none; read before the insert). */
export function storedIdsInStagingSql(
  allEventsRelation: string,
  timeRangeUs: { min: number; max: number },
): string {
  return `SELECT s._id FROM ${STAGING_TABLE} s WHERE EXISTS (
    SELECT 1 FROM ${allEventsRelation} e
    WHERE e._time_us BETWEEN ${Math.floor(timeRangeUs.min)} AND ${Math.ceil(timeRangeUs.max)}
      AND e._time_us = s._time_us AND e._id = s._id)`;
}

/**
 * INSERT … SELECT from staging into a partition: one JSON parse per event (json_extract_string with
 * a list of paths), typed columns, and with `dedupe` an anti-join against every stored event of the
 * same time (exactly-once by identity: the identity covers the event's time). Without `dedupe` every
 * staged row is inserted: the caller has checked that none is stored (storedIdsInStagingSql) in the
 * same transaction. The caller stages each batch de-duplicated and ordered by time (cheaper in JS
 * than DISTINCT ON and ORDER BY here), and the insert keeps that order.
 */
export function insertFromStagingSql(
  targetCatalog: string,
  dedupe?: { allEventsRelation: string; timeRangeUs: { min: number; max: number } },
): string {
  const stored = EVENT_COLUMNS.filter((c) => !c.virtual);
  const paths = stored.map((c) => quoteString(jsonPath(c.path!)));
  const extracted = stored.map((c, i) => {
    const v = `_v[${i + 1}]`;
    return c.duckType === 'INTEGER'
      ? `TRY_CAST(${v} AS INTEGER) AS ${quoteIdent(c.name)}`
      : `${v} AS ${quoteIdent(c.name)}`;
  });
  return `INSERT INTO ${targetCatalog}.events BY NAME
SELECT _id, cluster, __time__, _time_us, __source__, '' AS __topic__, _receive AS "__tag__:__receive_time__",
  ${extracted.join(',\n  ')},
  _raw, ${decodedTextExpr('_raw')} AS _text
FROM (
  SELECT s.*, json_extract_string(s._raw, [${paths.join(', ')}]) AS _v
  FROM ${STAGING_TABLE} s${
    dedupe
      ? `
  -- An identical event has the identical time, so only stored rows in the batch's time range can
  -- match: the constant range lets DuckDB skip every other row group by its min/max zone map.
  WHERE NOT EXISTS (
    SELECT 1 FROM ${dedupe.allEventsRelation} e
    WHERE e._time_us BETWEEN ${Math.floor(dedupe.timeRangeUs.min)} AND ${Math.ceil(dedupe.timeRangeUs.max)}
      AND e._time_us = s._time_us AND e._id = s._id)`
      : ''
  }
)`;
}
