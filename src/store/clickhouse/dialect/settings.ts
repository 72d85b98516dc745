// Per-query settings of the ClickHouse sandbox (DESIGN.md "Safe": a query reads audit data and
// nothing else). The store sends them with every query it runs for a user.
//
// Why readonly = 2 and not 1: readonly = 1 refuses every setting change, including the limits below
// sent with the same request and the semantic settings the dialect appends to a statement
// (sql.ts STATEMENT_SETTINGS); readonly = 2 still refuses every write, DDL and SYSTEM statement and
// a change of `readonly` itself. Settings are the compiler's own: no SLS construct reaches a
// SETTINGS clause.
// Table functions (file, url, remote, s3 …) are not a setting question: the compiler only ever
// emits the events relation (`kaudit_events`) and the function catalogue is an allowlist
// (src/query/functions.ts), so no table function can be written. For a second wall, give kaudit a
// ClickHouse user whose grants cover only its database (docs/clickhouse-dialect.md).

export interface SandboxLimits {
  /** Interrupt the query after this long (max_execution_time, whole seconds, at least 1). */
  timeoutMs?: number;
  /** Memory one query may use on the server, bytes (max_memory_usage). */
  maxMemoryBytes?: number;
  /** Rows a result may have (max_result_rows; result_overflow_mode = throw). */
  maxResultRows?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 5 * 60 * 1000;
export const DEFAULT_MAX_MEMORY_BYTES = 4 * 1024 ** 3;
/** Above a split plan's base-row cap (plan.ts), so that cap's clearer message comes first. */
export const DEFAULT_MAX_RESULT_ROWS = 10_000_000;

export function sandboxSettings(limits: SandboxLimits = {}): Record<string, string | number> {
  return {
    readonly: 2,
    max_execution_time: Math.max(1, Math.ceil((limits.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS) / 1000)),
    max_memory_usage: limits.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
    max_result_rows: limits.maxResultRows ?? DEFAULT_MAX_RESULT_ROWS,
    result_overflow_mode: 'throw',
  };
}
