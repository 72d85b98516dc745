// Where a query runs on a ClickHouse store: entirely on the server ("pushdown"), or split — the
// server applies the base filter (the pushable part of the search, the time window, the cluster)
// and returns only the columns the statement reads, and an in-memory DuckDB finishes the statement
// with the DuckDB dialect over those rows ("finish-in-duckdb"; issue #8 item 3: push down what the
// server can run rather than refuse the query). DuckDB is the reference for every answer, and the
// IP functions are computed there with the same data as on a DuckDB store (src/enrich/).
//
// The plan travels through Store.querySql as SQL text (the Dialect interface renders text): a
// pushdown is the plain statement; a split plan is a comment marker followed by the plan as JSON,
// which the ClickHouse store hands to executePlannedSql (finish.ts) — never to the server.
import type { RenderContext } from '../../../query/dialect.js';
import type { FieldRef, SearchNode } from '../../../query/search/ast.js';
import type { BoundStatement } from '../../../query/sql/bind.js';
import type { Expr, FromItem, Query } from '../../../query/sql/ast.js';
import { duckDbDialect } from '../../duckdb/dialect/index.js';
import { EVENTS_RELATION } from '../../store.js';
import type { DialectFeatures } from './features.js';
import { NotPushable, quoteIdent, quoteString } from './quote.js';
import { searchToClickHouse } from './search.js';
import { ClickHouseRenderer, STATEMENT_SETTINGS } from './sql.js';

export type QueryPlan =
  | { kind: 'pushdown'; sql: string }
  | {
      kind: 'finish-in-duckdb';
      /** Why the statement is not run on the server (for logs and `--explain`-style output). */
      reason: string;
      /**
       * ClickHouse SELECT of `columns` over the base filter, loaded as DuckDB's `kaudit_events`;
       * absent when the rest of the statement no longer reads the events (every use of `log` went
       * into `parts`).
       */
      baseSql?: string;
      /** Catalogue names of the columns baseSql returns, in order. */
      columns: string[];
      /**
       * Subqueries in FROM that the server runs whole (the heavy grouping of a report panel whose
       * outer select calls IP functions): each answer is loaded as DuckDB table `name`.
       */
      parts: { name: string; sql: string }[];
      /** DuckDB SQL over `kaudit_events` and the parts' tables. */
      duckSql: string;
      /** More rows than this from one server query is refused with advice (rows are held in memory). */
      maxRows: number;
    };

/** Marker of an encoded split plan (a SQL comment, so it can never be mistaken for a statement). */
export const PLAN_MARKER = '/* kaudit:finish-in-duckdb */';

/** Default cap on the rows a split plan moves from the server (KAUDIT_CH_FINISH_MAX_ROWS). */
export const DEFAULT_FINISH_MAX_ROWS = 5_000_000;

function finishMaxRows(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.KAUDIT_CH_FINISH_MAX_ROWS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_FINISH_MAX_ROWS;
}

export function encodePlan(plan: QueryPlan): string {
  return plan.kind === 'pushdown' ? plan.sql : `${PLAN_MARKER}\n${JSON.stringify(plan)}`;
}

export function decodePlan(sql: string): QueryPlan {
  if (!sql.startsWith(PLAN_MARKER)) return { kind: 'pushdown', sql };
  return JSON.parse(sql.slice(PLAN_MARKER.length)) as QueryPlan;
}

/** The plan of a bound SQL statement. */
export function planStatement(stmt: BoundStatement, ctx: RenderContext, f: DialectFeatures): QueryPlan {
  let reason = 'the server release runs the search only (SQL needs 23.8 or later)';
  let rest = stmt;
  const parts: { name: string; sql: string }[] = [];
  if (f.sqlPushdown) {
    try {
      return {
        kind: 'pushdown',
        sql: `${new ClickHouseRenderer(ctx, f).query(stmt.query)} ${STATEMENT_SETTINGS}`,
      };
    } catch (e) {
      if (!(e instanceof NotPushable)) throw e;
      reason = e.what;
    }
    // The server still runs every FROM subquery it can; DuckDB finishes the statement around them.
    rest = structuredClone(stmt);
    pushSubqueries(rest.query, ctx, f, parts);
  }
  const split = splitSearch(ctx.base.search, f);
  const readsLog = readsEvents(rest.query);
  const columns = new Set<string>(['__time__']);
  collectStatementColumns(rest.query, columns);
  if (split.duck) collectSearchColumns(split.duck, columns);
  // compare() re-runs its subquery over windows shifted back: the server returns their union.
  const shift = Math.max(0, ...compareOffsets(rest.query));
  const base = { ...ctx.base, ...(ctx.base.from !== undefined ? { from: ctx.base.from - shift } : {}) };
  const duckCtx: RenderContext = {
    timezone: ctx.timezone,
    base: {
      ...(split.duck ? { search: split.duck } : {}),
      ...(ctx.base.from !== undefined ? { from: ctx.base.from } : {}),
      ...(ctx.base.to !== undefined ? { to: ctx.base.to } : {}),
    },
  };
  return finishPlan(
    reason,
    readsLog ? { ...base, pushed: split.pushed } : undefined,
    [...columns],
    duckDbDialect.renderStatement(rest, duckCtx),
    parts,
  );
}

/**
 * Replaces each FROM subquery of `q` that the server can run whole by a table the plan fills with
 * its answer (recursing into those it cannot). Not under compare(), whose subquery is re-run over
 * shifted windows, and not for subqueries that read a WITH query or return arrays or maps.
 */
function pushSubqueries(
  q: Query,
  ctx: RenderContext,
  f: DialectFeatures,
  parts: { name: string; sql: string }[],
): void {
  if (q.kind !== 'select') {
    pushSubqueries(q.left, ctx, f, parts);
    pushSubqueries(q.right, ctx, f, parts);
    return;
  }
  if (q.items.some((i) => hasCall(i.expr, 'compare'))) return;
  const visit = (item: FromItem, replace: (next: FromItem) => void): void => {
    if (item.kind === 'join') {
      visit(item.left, (n) => (item.left = n));
      visit(item.right, (n) => (item.right = n));
      return;
    }
    if (item.kind !== 'subqueryRef') return;
    const sql = serverSubquery(item.query, ctx, f);
    if (sql === undefined) {
      pushSubqueries(item.query, ctx, f, parts);
      return;
    }
    const name = `_kaudit_part_${parts.length}`;
    parts.push({ name, sql });
    replace({ kind: 'table', name, source: 'cte', pos: item.pos, renderAlias: item.renderAlias });
  };
  if (q.from) visit(q.from, (n) => (q.from = n));
}

/** The server SQL of a subquery, or undefined when it must stay in DuckDB. */
function serverSubquery(q: Query, ctx: RenderContext, f: DialectFeatures): string | undefined {
  let first: Query = q;
  while (first.kind !== 'select') first = first.left;
  if (first.items.some((i) => i.expr.type === 'array' || i.expr.type === 'map')) return undefined;
  if (hasNode(q, (o) => o.kind === 'table' && o.source === 'cte')) return undefined;
  try {
    return `${new ClickHouseRenderer(ctx, f).query(q)} ${STATEMENT_SETTINGS}`;
  } catch (e) {
    if (e instanceof NotPushable) return undefined;
    throw e;
  }
}

function readsEvents(q: Query): boolean {
  return hasNode(q, (o) => o.kind === 'table' && o.source === 'log');
}

function hasCall(e: Expr, name: string): boolean {
  return hasNode(e, (o) => o.kind === 'func' && o.name === name);
}

/** True when some object in the tree satisfies `pred`. */
function hasNode(
  node: unknown,
  pred: (o: Record<string, unknown>) => boolean,
  seen = new WeakSet<object>(),
): boolean {
  if (node === null || typeof node !== 'object' || seen.has(node)) return false;
  seen.add(node);
  if (Array.isArray(node)) return node.some((x) => hasNode(x, pred, seen));
  const o = node as Record<string, unknown>;
  if (pred(o)) return true;
  return Object.values(o).some((v) => hasNode(v, pred, seen));
}

/** The plan of a search without SQL (a page of original events, newest first). */
export function planSearchPage(
  ctx: RenderContext,
  page: { limit: number; offset: number },
  f: DialectFeatures,
): QueryPlan {
  const split = splitSearch(ctx.base.search, f);
  const conds = baseConds({ ...ctx.base, pushed: split.pushed });
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  if (!split.duck) {
    const offset = page.offset > 0 ? ` OFFSET ${page.offset}` : '';
    // `_id` is 32 lowercase hex digits: its text order is DuckDB's UHUGEINT order (ties).
    return {
      kind: 'pushdown',
      sql: `SELECT \`_raw\`, \`__time__\`, \`__source__\`, \`cluster\` FROM ${EVENTS_RELATION}${where} ORDER BY \`_time_us\` DESC, \`_id\` DESC LIMIT ${page.limit}${offset}`,
    };
  }
  const columns = new Set<string>(['_raw', '__time__', '__source__', 'cluster', '_time_us', '_id']);
  collectSearchColumns(split.duck, columns);
  const duckCtx: RenderContext = {
    timezone: ctx.timezone,
    base: {
      search: split.duck,
      ...(ctx.base.from !== undefined ? { from: ctx.base.from } : {}),
      ...(ctx.base.to !== undefined ? { to: ctx.base.to } : {}),
    },
  };
  return finishPlan(
    'a search the server release cannot run (paths inside JSON columns need 20.1)',
    { ...ctx.base, pushed: split.pushed },
    [...columns],
    duckDbDialect.renderSearchPage(duckCtx, page),
    [],
  );
}

interface BaseFilter {
  from?: number;
  to?: number;
  cluster?: string;
  /** Search conditions already rendered for the server. */
  pushed: string[];
}

function baseConds(b: BaseFilter): string[] {
  const conds = [...b.pushed];
  if (b.from !== undefined) conds.push(`\`__time__\` >= ${Math.ceil(b.from)}`);
  if (b.to !== undefined) conds.push(`\`__time__\` < ${Math.ceil(b.to)}`);
  if (b.cluster !== undefined) conds.push(`\`cluster\` = ${quoteString(b.cluster)}`);
  return conds;
}

function finishPlan(
  reason: string,
  base: BaseFilter | undefined,
  columns: string[],
  duckSql: string,
  parts: { name: string; sql: string }[],
): QueryPlan {
  const maxRows = finishMaxRows();
  if (!base) return { kind: 'finish-in-duckdb', reason, columns: [], parts, duckSql, maxRows };
  const conds = baseConds(base);
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  return {
    kind: 'finish-in-duckdb',
    reason,
    baseSql: `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${EVENTS_RELATION}${where} LIMIT ${maxRows + 1}`,
    columns,
    parts,
    duckSql,
    maxRows,
  };
}

/**
 * The search split into what the server runs (top-level AND terms it can render) and what DuckDB
 * must apply (the whole search again, when any term stayed behind; applying a pushed term twice
 * does not change the answer).
 */
function splitSearch(
  search: SearchNode | undefined,
  f: DialectFeatures,
): { pushed: string[]; duck?: SearchNode } {
  if (!search || search.type === 'all') return { pushed: [] };
  const terms: SearchNode[] = [];
  const flatten = (n: SearchNode): void => {
    if (n.type === 'and') {
      flatten(n.left);
      flatten(n.right);
    } else terms.push(n);
  };
  flatten(search);
  const pushed: string[] = [];
  let complete = true;
  for (const t of terms) {
    try {
      pushed.push(searchToClickHouse(t, f));
    } catch (e) {
      if (!(e instanceof NotPushable)) throw e;
      complete = false;
    }
  }
  return complete ? { pushed } : { pushed, duck: search };
}

function collectSearchColumns(node: SearchNode, out: Set<string>): void {
  const field = (f: FieldRef | null): void => {
    if (f === null) out.add('_text');
    else out.add(f.kind === 'path' ? f.parent : f.name);
  };
  switch (node.type) {
    case 'and':
    case 'or':
    case 'minus':
      collectSearchColumns(node.left, out);
      collectSearchColumns(node.right, out);
      return;
    case 'not':
      collectSearchColumns(node.operand, out);
      return;
    case 'all':
      return;
    default:
      field(node.field);
  }
}

/** Every catalogue column a bound statement reads (column bindings anywhere in the tree). */
function collectStatementColumns(node: unknown, out: Set<string>, seen = new WeakSet<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const x of node) collectStatementColumns(x, out, seen);
    return;
  }
  const o = node as Record<string, unknown>;
  const b = o.binding as { kind?: string; name?: string; parent?: string } | undefined;
  if (o.kind === 'column' && b) {
    if (b.kind === 'field' && b.name) out.add(b.name);
    if (b.kind === 'dynamic' && b.parent) out.add(b.parent);
  }
  for (const v of Object.values(o)) collectStatementColumns(v, out, seen);
}

/** The offsets (seconds) of every compare() call in the statement. */
function compareOffsets(node: unknown, out: number[] = [], seen = new WeakSet<object>()): number[] {
  if (node === null || typeof node !== 'object' || seen.has(node)) return out;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const x of node) compareOffsets(x, out, seen);
    return out;
  }
  const o = node as Record<string, unknown>;
  if (o.kind === 'func' && o.name === 'compare' && Array.isArray(o.args)) {
    for (const a of (o.args as { kind: string; literal?: string; value?: string }[]).slice(1)) {
      if (a.kind === 'literal' && a.literal === 'integer') out.push(Number(a.value));
    }
  }
  for (const v of Object.values(o)) compareOffsets(v, out, seen);
  return out;
}
