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
import { quoteIdent } from './quote.js';

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
  const base = await server(plan.baseSql);
  if (base.rows.length > plan.maxRows) {
    throw new QueryError(
      `This query is finished in-process (${plan.reason}) and its search matches more than ${plan.maxRows} events; narrow the time range or the search, or raise KAUDIT_CH_FINISH_MAX_ROWS`,
    );
  }
  return finishInDuckDb(plan, base, opts);
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
  base: QueryResult,
  opts: FinishOptions = {},
): Promise<QueryResult> {
  const conn = await (await instance(opts.enrich)).connect();
  try {
    await loadRows(conn, plan.columns, base.rows);
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
  const cols = ALL_COLUMNS.map((c) => `${quoteIdent(c.name).replace(/^`|`$/g, '"')} ${c.duckType}`);
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
