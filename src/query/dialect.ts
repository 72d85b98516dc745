// The boundary between the query language and a storage engine. The query layer parses, binds and
// checks (dialect-neutral); a Dialect turns the checked tree into its engine's SQL. Nothing outside
// a dialect knows engine syntax (DESIGN.md "query engine: SLS query text → AST → dialect SQL").
import type { SearchNode } from './search/ast.js';
import type { BoundStatement } from './sql/bind.js';

/** What restricts the base relation (`log`): the search statement, the time window, the cluster. */
export interface BaseFilter {
  /** The search statement; undefined for `*` / empty (every log). */
  search?: SearchNode;
  /** Inclusive lower bound on `__time__` (unix seconds). */
  from?: number;
  /** Exclusive upper bound on `__time__` (unix seconds). */
  to?: number;
  cluster?: string;
}

export interface RenderContext {
  base: BaseFilter;
  /** IANA zone in which timestamps are computed and shown. */
  timezone: string;
}

export interface Dialect {
  readonly name: string;
  /** SQL for a bound SELECT statement (the analytic part), reading the events relation as `log`. */
  renderStatement(stmt: BoundStatement, ctx: RenderContext): string;
  /**
   * SQL for a search without SQL: the original Event (as JSON text in column `_raw`) plus
   * `__time__`, `__source__`, `cluster` of every matching log, newest first.
   */
  renderSearchPage(ctx: RenderContext, page: { limit: number; offset: number }): string;
  /** True when the dialect implements the catalogue function `name` (src/query/functions.ts). */
  implementsFunction(name: string): boolean;
}
