// The query language entry point: SLS query text → checked trees → dialect SQL.
// `search | sql`: the search statement filters the logs (src/query/search), the SQL statement
// analyses them (src/query/sql); both are rendered by the Dialect of the store.
import type { Dialect, RenderContext } from './dialect.js';
import { QueryError } from './errors.js';
import { parseSearch } from './search/index.js';
import type { SearchNode } from './search/ast.js';
import { bindStatement, type BoundStatement } from './sql/bind.js';
import { parseSql } from './sql/parser.js';
import { splitQuery } from './split.js';

export interface QueryContext {
  /** Inclusive lower bound on `__time__`, unix seconds (undefined: all stored data). */
  from?: number;
  /** Exclusive upper bound on `__time__`, unix seconds. */
  to?: number;
  /** Only events of this cluster. */
  cluster?: string;
  /** IANA zone of timestamps (from_unixtime, date_format, date_trunc …). */
  timezone: string;
  /**
   * Rows when the outermost SELECT has no LIMIT (default 100, as SLS), or the page size of a
   * search without SQL (default 100). An explicit LIMIT in the query wins.
   */
  limit?: number;
  /** For a search without SQL: how many matching logs to skip (paging). */
  offset?: number;
}

export interface CompiledQuery {
  kind: 'search' | 'sql';
  sql: string;
  /** Output column names of a SQL query. */
  columns?: string[];
}

/** SLS's implicit LIMIT on the outermost SELECT (sls-query.md §4.1, §9 U-9). */
export const DEFAULT_LIMIT = 100;

export function compileQuery(text: string, ctx: QueryContext, dialect: Dialect): CompiledQuery {
  try {
    return compile(text, ctx, dialect);
  } catch (err) {
    // Safety net: a query deep enough to exhaust the stack in any phase is refused, not a crash.
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new QueryError('The query is nested too deeply or too long to compile; simplify it');
    }
    throw err;
  }
}

/** A query text parsed and checked: what compiling it needs besides the context. */
interface CheckedQuery {
  search?: SearchNode;
  /** The bound SQL statement; undefined for a search without SQL. */
  stmt?: BoundStatement;
  sqlOffset: number;
}

/**
 * Checked trees of the most recent query texts. Reports, the console and alert rules run the same
 * texts again and again over moving time windows: parsing and binding (three quarters of compiling,
 * 0.5–1 ms for the documents' queries) depend on the text alone, so they are done once per text;
 * rendering, which depends on the window, zone and limit, runs every time. The trees are frozen:
 * nothing may change a tree that later queries share (a dialect that rewrites one clones it first).
 */
const CHECKED = new Map<string, CheckedQuery>();
const CHECKED_MAX = 256;

function checkQuery(text: string): CheckedQuery {
  const hit = CHECKED.get(text);
  if (hit) {
    // Most recently used last: the oldest entry is the first to go.
    CHECKED.delete(text);
    CHECKED.set(text, hit);
    return hit;
  }
  const parts = splitQuery(text);
  if (parts.sql === undefined && /^\s*select\s/i.test(parts.search)) {
    throw new QueryError('sql query must follow search query: write it as * | SELECT …', 0);
  }
  const search = parseSearchPart(parts.search);
  const checked: CheckedQuery = deepFreeze({
    ...(search ? { search } : {}),
    ...(parts.sql !== undefined ? { stmt: bindStatement(parseSql(parts.sql, parts.sqlOffset)) } : {}),
    sqlOffset: parts.sqlOffset,
  });
  if (CHECKED.size >= CHECKED_MAX) CHECKED.delete(CHECKED.keys().next().value!);
  CHECKED.set(text, checked);
  return checked;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function compile(text: string, ctx: QueryContext, dialect: Dialect): CompiledQuery {
  const { search, stmt: checkedStmt, sqlOffset } = checkQuery(text);
  const render: RenderContext = {
    base: {
      ...(search ? { search } : {}),
      ...(ctx.from !== undefined ? { from: ctx.from } : {}),
      ...(ctx.to !== undefined ? { to: ctx.to } : {}),
      ...(ctx.cluster !== undefined ? { cluster: ctx.cluster } : {}),
    },
    timezone: ctx.timezone,
  };
  const limit = ctx.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0)
    throw new QueryError(`limit ${limit} must be a whole number ≥ 0`);
  if (checkedStmt === undefined) {
    return { kind: 'search', sql: dialect.renderSearchPage(render, { limit, offset: ctx.offset ?? 0 }) };
  }
  // SLS's implicit LIMIT on the outermost select, on a copy (the checked tree is shared).
  const stmt: BoundStatement = checkedStmt.query.limit
    ? checkedStmt
    : { ...checkedStmt, query: { ...checkedStmt.query, limit: { count: limit, pos: sqlOffset } } };
  return {
    kind: 'sql',
    sql: dialect.renderStatement(stmt, render),
    columns: stmt.columns.map((c) => c.name),
  };
}

function parseSearchPart(text: string): SearchNode | undefined {
  const t = text.trim();
  if (t === '' || t === '*') return undefined;
  const node = parseSearch(text, 0);
  return node.type === 'all' ? undefined : node;
}
