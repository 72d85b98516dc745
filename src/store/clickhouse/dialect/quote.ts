// Quoting of identifiers and string literals in the ClickHouse SQL the dialect writes. ClickHouse
// string literals take backslash escapes (`'a\nb'` is a newline), unlike standard SQL, so every
// backslash is doubled; a quote is escaped with a backslash; NUL is written as `\0`.

export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").split('\u0000').join('\\0') + "'";
}

/** A number as SQL text (integers without exponent). */
export function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`internal: non-finite number ${n}`);
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/**
 * Thrown while rendering when the server cannot run a construct with the same result as DuckDB;
 * the planner (plan.ts) then finishes the statement in DuckDB instead of refusing the query.
 */
export class NotPushable extends Error {
  constructor(readonly what: string) {
    super(`not pushable to ClickHouse: ${what}`);
  }
}
