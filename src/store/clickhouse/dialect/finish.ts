// Runs a dialect plan (plan.ts) for the ClickHouse store: a pushdown goes to the server as is; a
// split plan runs its base SELECT on the server, loads the rows into a temporary `kaudit_events`
// table of an in-memory DuckDB, and runs the DuckDB statement there. The DuckDB instance is shared
// (one per process), sandboxed like the store's (no file or network access, configuration locked)
// and has the IP functions registered; each plan gets its own connection, whose temporary table
// disappears with it.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ALL_COLUMNS } from '../../../event/columns.js';
import { registerEnrichFunctions, type EnrichOptions } from '../../../enrich/duckdb.js';
import { QueryError } from '../../../query/errors.js';
import { defaultMemoryLimit, withQueryTimeout } from '../../duckdb/sandbox.js';
import { convertValue } from '../../duckdb/values.js';
import type { QueryOptions, QueryResult } from '../../store.js';
import { decodePlan, type QueryPlan } from './plan.js';

/** Runs one SELECT on the ClickHouse server (with the sandbox settings) and converts its result. */
export type ServerQuery = (sql: string) => Promise<QueryResult>;

export interface FinishOptions extends QueryOptions {
  /** IP function options for the in-process DuckDB (the first call's options apply). */
  enrich?: EnrichOptions;
}

/** Runs SQL text from the ClickHouse dialect: a plain statement or an encoded split plan. */
export async function executePlannedSql(
  sql: string,
  server: ServerQuery,
  opts: FinishOptions = {},
): Promise<QueryResult> {
  const plan = decodePlan(sql);
  if (plan.kind === 'pushdown') return server(plan.sql);
  const tooMany = (what: string) =>
    new QueryError(
      `This query is finished in-process (${plan.reason}) and ${what} more than ${plan.maxRows} rows; narrow the time range or the search, or raise KAUDIT_CH_FINISH_MAX_ROWS`,
    );
  const parts: PartResult[] = [];
  for (const part of plan.parts ?? []) {
    const result = await server(part.sql);
    if (result.rows.length > plan.maxRows) throw tooMany('one of its subqueries returns');
    parts.push({ name: part.name, result });
  }
  let base: QueryResult | undefined;
  if (plan.baseSql !== undefined) {
    base = await server(plan.baseSql);
    if (base.rows.length > plan.maxRows) throw tooMany('its search matches');
  }
  return finishInDuckDb(plan, base, opts, parts);
}

/** The server's answer to one pushed subquery of a plan. */
export interface PartResult {
  name: string;
  result: QueryResult;
}

let shared: Promise<DuckDBInstance> | undefined;

async function instance(enrich: EnrichOptions | undefined): Promise<DuckDBInstance> {
  shared ??= (async () => {
    const db = await DuckDBInstance.create(':memory:', {
      memory_limit: defaultMemoryLimit(),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await db.connect();
    try {
      await registerEnrichFunctions(conn, enrich ?? {});
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    } finally {
      conn.closeSync();
    }
    return db;
  })();
  return shared;
}

/** Loads the base rows into a temporary events table and runs the plan's DuckDB statement. */
export async function finishInDuckDb(
  plan: Extract<QueryPlan, { kind: 'finish-in-duckdb' }>,
  base: QueryResult | undefined,
  opts: FinishOptions = {},
  parts: PartResult[] = [],
): Promise<QueryResult> {
  const conn = await (await instance(opts.enrich)).connect();
  try {
    await loadRows(conn, plan.columns, base?.rows ?? []);
    for (const p of parts) await loadPart(conn, p);
    const reader = await withQueryTimeout(conn, opts.timeoutMs ?? 0, () => conn.runAndReadAll(plan.duckSql));
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: types[i].toString() })),
      rows: reader.getRows().map((r) => r.map((v) => convertValue(v))),
    };
  } finally {
    conn.closeSync();
  }
}

/** Every catalogue column (the DuckDB dialect may read any), the fetched ones filled. */
async function loadRows(conn: DuckDBConnection, fetched: string[], rows: unknown[][]): Promise<void> {
  const cols = ALL_COLUMNS.map((c) => `${duckIdent(c.name)} ${c.duckType}`);
  await conn.run(`CREATE TEMP TABLE kaudit_events (${cols.join(', ')})`);
  const index = new Map(fetched.map((name, i) => [name, i]));
  const appender = await conn.createAppender('kaudit_events', 'main', 'temp');
  for (const row of rows) {
    for (const c of ALL_COLUMNS) {
      const i = index.get(c.name);
      const v = i === undefined ? null : row[i];
      if (v === null || v === undefined) {
        appender.appendNull();
        continue;
      }
      switch (c.duckType) {
        case 'UHUGEINT':
          // The identity is 32 hex digits on ClickHouse (store contract).
          appender.appendUHugeInt(BigInt(`0x${String(v)}`));
          break;
        case 'BIGINT':
          appender.appendBigInt(BigInt(v as number | bigint));
          break;
        case 'INTEGER':
          appender.appendInteger(Number(v));
          break;
        default:
          appender.appendVarchar(String(v));
      }
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** DuckDB column type for a pushed subquery's column (result.ts names), and how it is staged. */
function partColumnType(type: string): {
  final: string;
  staged: 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'JSON';
} {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UBIGINT|HUGEINT)$/.test(type))
    return { final: 'BIGINT', staged: 'BIGINT' };
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(type)) return { final: 'DOUBLE', staged: 'DOUBLE' };
  if (type === 'BOOLEAN') return { final: 'BOOLEAN', staged: 'BOOLEAN' };
  if (type === 'TIMESTAMP' || type === 'DATE') return { final: type, staged: 'VARCHAR' };
  if (/\[\]$|^MAP\(/.test(type)) return { final: type, staged: 'JSON' };
  return { final: 'VARCHAR', staged: 'VARCHAR' };
}

/**
 * A pushed subquery's answer as temporary table `name`, with the column names the statement reads
 * and DuckDB types (integers as BIGINT, timestamps as TIMESTAMP in the query zone's wall clock).
 */
async function loadPart(conn: DuckDBConnection, { name, result }: PartResult): Promise<void> {
  const types = result.columns.map((c) => partColumnType(c.type));
  const stage = `${name}_stage`;
  const stagedType = (t: (typeof types)[number]) => (t.staged === 'JSON' ? 'VARCHAR' : t.staged);
  await conn.run(
    `CREATE TEMP TABLE ${duckIdent(stage)} (${types.map((t, i) => `c${i} ${stagedType(t)}`).join(', ')})`,
  );
  const appender = await conn.createAppender(stage, 'main', 'temp');
  for (const row of result.rows) {
    types.forEach((t, i) => {
      const v = row[i];
      if (v === null || v === undefined) appender.appendNull();
      else if (t.staged === 'BIGINT') appender.appendBigInt(BigInt(v as number | bigint));
      else if (t.staged === 'DOUBLE') appender.appendDouble(Number(v));
      else if (t.staged === 'BOOLEAN') appender.appendBoolean(Boolean(v));
      else if (t.staged === 'JSON')
        appender.appendVarchar(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
      else appender.appendVarchar(String(v));
    });
    appender.endRow();
  }
  appender.closeSync();
  const cols = result.columns.map((c, i) => {
    const t = types[i];
    const v =
      t.staged === 'JSON'
        ? `CAST(CAST(c${i} AS JSON) AS ${t.final})`
        : t.final === t.staged
          ? `c${i}`
          : `CAST(c${i} AS ${t.final})`;
    return `${v} AS ${duckIdent(c.name)}`;
  });
  await conn.run(
    `CREATE TEMP TABLE ${duckIdent(name)} AS SELECT ${cols.join(', ')} FROM ${duckIdent(stage)}`,
  );
}

function duckIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
