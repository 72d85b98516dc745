// Runs a query against a store: compile for the store's dialect, execute, and convert the values
// to the output contract of DESIGN.md (numbers as JSON numbers, a string beyond 2^53, timestamps
// `YYYY-MM-DD HH:MM:SS[.ffffff]` in the query zone). A search without SQL returns each original
// Event plus `__time__`, `__source__` and `cluster`, newest first.
import type { ResultColumn, Store } from '../store/store.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';
import type { Dialect } from './dialect.js';
import { compileQuery, type QueryContext } from './index.js';
import { QueryError } from './errors.js';

export type QueryOutput =
  | { kind: 'sql'; sql: string; columns: ResultColumn[]; rows: unknown[][] }
  | { kind: 'search'; sql: string; events: Record<string, unknown>[] };

export interface RunOptions {
  timeoutMs?: number;
}

export function dialectFor(store: Store): Dialect {
  switch (store.kind) {
    case 'duckdb':
      return duckDbDialect;
    case 'clickhouse': {
      // The ClickHouse store builds its dialect from the server's version (capabilities), so the
      // dialect is the store's own (src/store/clickhouse/dialect).
      const dialect = (store as Store & { dialect?: Dialect }).dialect;
      if (!dialect) throw new Error('internal: the ClickHouse store has no query dialect');
      return dialect;
    }
    default:
      throw new Error(`no query dialect for the ${String(store.kind)} store`);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** One value in the output contract. */
export function outputValue(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
  if (typeof v === 'string' && /^TIMESTAMP/.test(type)) return normaliseTimestamp(v);
  if (Array.isArray(v)) return v.map((x) => outputValue(x, ''));
  return v;
}

/** `2024-05-01 10:00:00.100000` → `2024-05-01 10:00:00.1` is not wanted: keep 6 digits or none. */
function normaliseTimestamp(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(s);
  if (!m) return s;
  const frac = m[3] ? m[3].padEnd(6, '0').slice(0, 6) : '';
  return `${m[1]} ${m[2]}${frac && !/^0+$/.test(frac) ? '.' + frac : ''}`;
}

/**
 * The binder checks names, not value types; a call or comparison on values of the wrong type is
 * refused by the engine. Those are errors in the query (Presto refuses them too), reported as such.
 */
function typeError(err: unknown): QueryError | undefined {
  const first = err instanceof Error ? err.message.split('\n')[0] : '';
  const t = (x: string) =>
    x
      .replace(/STRING_LITERAL/g, 'varchar')
      .replace(/INTEGER_LITERAL/g, 'integer')
      .replace(/UBIGINT|HUGEINT|INTEGER|BIGINT|\bINT(?:8|16|32|64)\b/g, 'bigint')
      .toLowerCase();
  let m =
    /Binder Error: No function matches the given name and argument types '(.+?)\((.*)\)'/.exec(first) ??
    /Binder Error: Could not choose a best candidate function for the function call "(.+?)\((.*)\)"/.exec(
      first,
    );
  if (m) {
    const [name, args] = [m[1], t(m[2])];
    if (/^[a-z_][a-z_0-9]*$/i.test(name)) {
      return new QueryError(
        `Unexpected parameters (${args}) for function ${name}; add a CAST to the expected type`,
      );
    }
    return new QueryError(
      `Cannot apply operator ${name} to (${args}); add a CAST so the operands have fitting types`,
    );
  }
  m = /Binder Error: Cannot (compare|mix) values of type (.+?) and (?:type )?(.+?) - /.exec(first);
  if (m)
    return new QueryError(
      `Cannot ${m[1]} ${t(m[2])} with ${t(m[3])}; add a CAST so both sides have the same type`,
    );
  m = /Binder Error: Cannot combine types of (.+?) and (.+?) - /.exec(first);
  if (m)
    return new QueryError(
      `Values of types ${t(m[1])} and ${t(m[2])} cannot be combined (CASE, IN, UNION…); add a CAST`,
    );
  // A text column compared with a number: DuckDB casts the column and fails on the first value that
  // is not a number (Presto refuses `varchar = integer` outright).
  m =
    /Conversion Error: Could not convert string '(.*?)' to (\w+)(?: when casting from source column (.+))?/.exec(
      first,
    );
  if (m) {
    const where = m[3] ? `the text field ${m[3]}` : 'a text value';
    return new QueryError(
      `Cannot use ${where} as a number ('${m[1].slice(0, 40)}' is not a ${t(m[2])}); compare it with a quoted string, or use try_cast(… as bigint)`,
    );
  }
  m = /Binder Error: APPROXIMATE QUANTILE can only take parameters in range \[0, 1\]/.exec(first);
  if (m) return new QueryError('approx_percentile: the percentile must be between 0 and 1, e.g. 0.99');
  m =
    /Conversion Error: invalid timestamp field format: "(.*?)".*?(?: when casting from source column (.+))?$/.exec(
      first,
    );
  if (m) {
    const where = m[2] ? `the text field ${m[2]}` : 'a text value';
    return new QueryError(
      `Cannot use ${where} as a time ('${m[1].slice(0, 40)}' is not a timestamp); pass a time such as __time__ or from_unixtime(…), or a text like '2026-11-20 10:00:00'`,
    );
  }
  // Any other error DuckDB raises about the values or types of a query is the query's fault: its
  // first line, without DuckDB's SQL excerpt (the compiled SQL is not what the user wrote).
  m = /^(?:Conversion|Binder|Invalid Input|Out of Range|Not implemented) Error: (.+)$/.exec(first);
  if (m) return new QueryError(`The query cannot run on these events: ${m[1]}`);
  return undefined;
}

export async function runQuery(
  store: Store,
  text: string,
  ctx: QueryContext,
  opts: RunOptions = {},
): Promise<QueryOutput> {
  const compiled = compileQuery(text, ctx, dialectFor(store));
  let result;
  try {
    result = await store.querySql(compiled.sql, {
      compiled: true,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  } catch (err) {
    throw typeError(err) ?? err;
  }
  if (compiled.kind === 'search') {
    const events = result.rows.map((row) => {
      const [raw, time, source, cluster] = row;
      const ev = JSON.parse(String(raw)) as Record<string, unknown>;
      ev.__time__ = outputValue(time, 'BIGINT');
      ev.__source__ = source;
      ev.cluster = cluster;
      return ev;
    });
    return { kind: 'search', sql: compiled.sql, events };
  }
  const columns = result.columns.map((c, i) => ({ name: compiled.columns?.[i] ?? c.name, type: c.type }));
  const rows = result.rows.map((row) => row.map((v, i) => outputValue(v, columns[i].type)));
  return { kind: 'sql', sql: compiled.sql, columns, rows };
}
