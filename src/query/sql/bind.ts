// Semantic analysis of a parsed SQL statement (dialect-neutral): resolves every name (fields of the
// audit log, subquery/WITH/UNNEST columns, select aliases), checks functions against the catalogue
// (the sandbox allowlist), aggregation rules and tables, infers value types (for truncating integer
// division and time arguments), and applies SLS's rules: select aliases in GROUP BY / HAVING /
// ORDER BY (§9 U-7), ordinals, HAVING without aggregation as an output filter (§9 U-8).
// The result is the same AST, annotated, ready for a dialect to render.
import { ALL_COLUMNS, findColumn, resolveDynamicField } from '../../event/columns.js';
import { QueryError } from '../errors.js';
import { findFunction, FUNCTIONS } from '../functions.js';
import { suggest } from '../suggest.js';
import type {
  ColumnBinding,
  ColumnRef,
  Expr,
  FromItem,
  FuncCall,
  OrderItem,
  Query,
  Select,
  SelectItem,
  SqlType,
} from './ast.js';

export interface OutputColumn {
  name: string;
  type: SqlType;
}

interface Relation {
  /** Unique name the dialect gives the relation. */
  renderAlias: string;
  /** Name the user can qualify columns with (alias, or `log` for the events relation). */
  userNames: string[];
  kind: 'log' | 'derived';
  columns: OutputColumn[];
}

interface Scope {
  relations: Relation[];
  parent?: Scope;
  /** Select aliases of the current SELECT (only for did-you-mean). */
  aliases: string[];
}

interface Clause {
  name: string;
  allowAggregate: boolean;
  allowWindow: boolean;
  insideAggregate?: string;
}

/** Visible event fields, the names `SELECT *` expands to. */
export const LOG_COLUMNS: OutputColumn[] = ALL_COLUMNS.filter((c) => c.visible).map((c) => ({
  name: c.name,
  type: c.kind === 'long' ? 'bigint' : 'varchar',
}));

const LOG_COLUMN_NAMES = LOG_COLUMNS.map((c) => c.name);

/** Presto type names accepted in CAST, with the inferred value type. */
const CAST_TYPES: Record<string, SqlType> = {
  bigint: 'bigint',
  integer: 'bigint',
  int: 'bigint',
  smallint: 'bigint',
  tinyint: 'bigint',
  double: 'double',
  real: 'double',
  decimal: 'double',
  varchar: 'varchar',
  char: 'varchar',
  json: 'varchar',
  boolean: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
  array: 'array',
  map: 'map',
};

export function castBaseType(typeName: string): string {
  return typeName.replace(/\(.*$/, '');
}

export interface BoundStatement {
  query: Query;
  columns: OutputColumn[];
}

export function bindStatement(query: Query): BoundStatement {
  const b = new Binder();
  const columns = b.bindQuery(query, undefined, new Map());
  return { query, columns };
}

type CteEnv = Map<string, { name: string; columns: OutputColumn[] }>;

class Binder {
  private aliasCounter = 0;
  private readonly bound = new WeakSet<Expr>();

  private nextAlias(): string {
    return `_t${++this.aliasCounter}`;
  }

  bindQuery(q: Query, parent: Scope | undefined, env: CteEnv): OutputColumn[] {
    let cteEnv = env;
    if (q.with) {
      cteEnv = new Map(env);
      for (const cte of q.with) {
        const cols = this.bindQuery(cte.query, parent, cteEnv);
        cteEnv.set(cte.name.toLowerCase(), { name: cte.name, columns: cols });
      }
    }
    if (q.kind === 'select') return this.bindSelect(q, parent, cteEnv);
    const left = this.bindQuery(q.left, parent, cteEnv);
    const right = this.bindQuery(q.right, parent, cteEnv);
    if (left.length !== right.length) {
      throw new QueryError(
        `${q.op.toUpperCase()} query has different number of fields: ${left.length}, ${right.length}`,
        q.pos,
      );
    }
    if (q.orderBy.length) {
      const rel: Relation = { renderAlias: '', userNames: [], kind: 'derived', columns: left };
      const scope: Scope = { relations: [rel], aliases: left.map((c) => c.name) };
      for (const o of q.orderBy) {
        if (o.expr.kind === 'literal' && o.expr.literal === 'integer') {
          const n = Number(o.expr.value);
          if (n < 1 || n > left.length)
            throw new QueryError(`ORDER BY position ${n} is not in select list`, o.expr.pos);
          o.expr = { kind: 'column', name: left[n - 1].name, pos: o.expr.pos };
        }
        this.bindExpr(o.expr, scope, { name: 'ORDER BY', allowAggregate: false, allowWindow: false }, cteEnv);
      }
    }
    return left;
  }

  private bindSelect(sel: Select, parent: Scope | undefined, env: CteEnv): OutputColumn[] {
    // SLS: no FROM means the logstore (sls-query.md §2).
    if (!sel.from) sel.from = { kind: 'table', name: 'log', pos: sel.pos };
    const relations: Relation[] = [];
    this.bindFrom(sel.from, relations, parent, env);
    const scope: Scope = { relations, aliases: [], ...(parent ? { parent } : {}) };
    scope.aliases = sel.items.filter((i) => i.alias !== undefined).map((i) => i.alias as string);

    if (sel.where) {
      this.bindExpr(sel.where, scope, { name: 'WHERE', allowAggregate: false, allowWindow: false }, env);
    }

    // Expand stars, bind items, name the outputs.
    const items: SelectItem[] = [];
    for (const item of sel.items) {
      if (item.expr.kind === 'star')
        items.push(...this.expandStar(item.expr.qualifier, item.expr.pos, relations));
      else items.push(item);
    }
    sel.items = items;
    items.forEach((item, i) => {
      this.bindExpr(item.expr, scope, { name: 'SELECT', allowAggregate: true, allowWindow: true }, env);
      item.name = item.alias ?? (item.expr.kind === 'column' ? item.expr.name : `_col${i}`);
    });

    // GROUP BY: ordinal, select alias (wins over a field of the same name, §9 U-7), or expression.
    sel.groupBy = sel.groupBy.map((g) => {
      const sub = this.selectReference(g, items, 'GROUP BY');
      if (sub) {
        if (containsAggregate(sub)) {
          throw new QueryError('GROUP BY clause cannot contain aggregations or window functions', g.pos);
        }
        return sub;
      }
      this.bindExpr(g, scope, { name: 'GROUP BY', allowAggregate: false, allowWindow: false }, env);
      return g;
    });

    if (sel.having) {
      sel.having = this.substituteAliases(sel.having, items);
      this.bindExpr(sel.having, scope, { name: 'HAVING', allowAggregate: true, allowWindow: false }, env);
    }
    sel.orderBy = sel.orderBy.map((o): OrderItem => {
      const sub = this.selectReference(o.expr, items, 'ORDER BY');
      const expr = sub ?? this.substituteAliases(o.expr, items);
      this.bindExpr(expr, scope, { name: 'ORDER BY', allowAggregate: true, allowWindow: true }, env);
      return { ...o, expr };
    });

    const aggregated =
      sel.groupBy.length > 0 ||
      items.some((i) => containsAggregate(i.expr)) ||
      (sel.having !== undefined && containsAggregate(sel.having)) ||
      sel.orderBy.some((o) => containsAggregate(o.expr));

    // HAVING with neither GROUP BY nor aggregates: a filter on the output rows (§9 U-8). Its
    // aliases were substituted above, so it is the same as a WHERE on the select's input.
    if (sel.having && !aggregated) {
      if (containsWindow(sel.having)) {
        throw new QueryError(
          'HAVING cannot filter on a window function; wrap the query in a subquery',
          sel.having.pos,
        );
      }
      sel.where = sel.where
        ? {
            kind: 'binary',
            op: 'and',
            left: sel.where,
            right: sel.having,
            pos: sel.having.pos,
            type: 'boolean',
          }
        : sel.having;
      delete sel.having;
    }

    if (aggregated) {
      for (const item of items) this.checkGrouped(item.expr, sel.groupBy);
      if (sel.having) this.checkGrouped(sel.having, sel.groupBy);
      for (const o of sel.orderBy) this.checkGrouped(o.expr, sel.groupBy);
    }
    if (sel.limit && sel.limit.count > 1_000_000) {
      throw new QueryError('LIMIT must not exceed 1000000', sel.limit.pos);
    }
    return items.map((i) => ({ name: i.name as string, type: i.expr.type ?? 'unknown' }));
  }

  /** `GROUP BY 2`, `ORDER BY total`: the select item an ordinal or a bare alias points at. */
  private selectReference(e: Expr, items: SelectItem[], clause: string): Expr | undefined {
    if (e.kind === 'literal' && e.literal === 'integer') {
      const n = Number(e.value);
      if (n < 1 || n > items.length) {
        throw new QueryError(`${clause} position ${n} is not in select list`, e.pos);
      }
      return items[n - 1].expr;
    }
    if (e.kind === 'column' && !e.qualifier) {
      const item = items.find((i) => i.alias !== undefined && i.alias.toLowerCase() === e.name.toLowerCase());
      if (item) return item.expr;
    }
    return undefined;
  }

  /** Replaces bare names that are select aliases by the aliased expression (already bound). */
  private substituteAliases(e: Expr, items: SelectItem[]): Expr {
    const ref = e.kind === 'column' && !e.qualifier ? this.selectReference(e, items, '') : undefined;
    if (ref) return ref;
    return mapChildren(e, (c) => this.substituteAliases(c, items));
  }

  private expandStar(qualifier: string | undefined, pos: number, relations: Relation[]): SelectItem[] {
    const rels = qualifier
      ? relations.filter((r) => r.userNames.some((n) => n.toLowerCase() === qualifier.toLowerCase()))
      : relations;
    if (qualifier && rels.length === 0) throw new QueryError(`Table '${qualifier}' cannot be resolved`, pos);
    const out: SelectItem[] = [];
    for (const r of rels) {
      for (const c of r.columns) {
        const binding: ColumnBinding =
          r.kind === 'log'
            ? { kind: 'field', relAlias: r.renderAlias, name: c.name }
            : { kind: 'derived', relAlias: r.renderAlias, name: c.name };
        const expr: ColumnRef = { kind: 'column', name: c.name, pos, binding, type: c.type };
        this.bound.add(expr);
        out.push({ expr });
      }
    }
    return out;
  }

  private bindFrom(item: FromItem, relations: Relation[], parent: Scope | undefined, env: CteEnv): void {
    switch (item.kind) {
      case 'table': {
        item.renderAlias = this.nextAlias();
        const lower = item.name.toLowerCase();
        const cte = env.get(lower);
        if (cte) {
          item.source = 'cte';
          item.name = cte.name;
          relations.push({
            renderAlias: item.renderAlias,
            userNames: [item.alias ?? cte.name],
            kind: 'derived',
            columns: cte.columns,
          });
          return;
        }
        if (lower !== 'log') {
          throw new QueryError(
            `Table '${item.name}' does not exist: a query reads the audit log, written FROM log (or with no FROM)`,
            item.pos,
          );
        }
        item.source = 'log';
        relations.push({
          renderAlias: item.renderAlias,
          userNames: item.alias ? [item.alias] : ['log'],
          kind: 'log',
          columns: LOG_COLUMNS,
        });
        return;
      }
      case 'subqueryRef': {
        item.renderAlias = this.nextAlias();
        const cols = this.bindQuery(item.query, parent, env);
        relations.push({
          renderAlias: item.renderAlias,
          userNames: item.alias ? [item.alias] : [],
          kind: 'derived',
          columns: cols,
        });
        return;
      }
      case 'unnest': {
        item.renderAlias = this.nextAlias();
        // UNNEST may refer to the relations on its left (an implicit lateral join).
        const scope: Scope = { relations: [...relations], aliases: [], ...(parent ? { parent } : {}) };
        this.bindExpr(item.expr, scope, { name: 'UNNEST', allowAggregate: false, allowWindow: false }, env);
        const isMap = item.expr.type === 'map';
        item.unnestKind = isMap ? 'map' : 'array';
        const wanted = isMap ? 2 : 1;
        if (item.columns.length === 0) item.columns = isMap ? ['key', 'value'] : [item.alias ?? 'value'];
        if (item.columns.length !== wanted) {
          throw new QueryError(
            `UNNEST of ${isMap ? 'a map gives 2 columns (key, value)' : 'an array gives 1 column'}, but ${item.columns.length} names were given`,
            item.pos,
          );
        }
        relations.push({
          renderAlias: item.renderAlias,
          userNames: item.alias ? [item.alias] : [],
          kind: 'derived',
          columns: item.columns.map((name, i) => ({
            name,
            type: isMap ? (i === 0 ? 'varchar' : 'bigint') : 'unknown',
          })),
        });
        return;
      }
      case 'join': {
        this.bindFrom(item.left, relations, parent, env);
        this.bindFrom(item.right, relations, parent, env);
        if (item.on) {
          const scope: Scope = { relations: [...relations], aliases: [], ...(parent ? { parent } : {}) };
          this.bindExpr(item.on, scope, { name: 'JOIN', allowAggregate: false, allowWindow: false }, env);
        }
        return;
      }
    }
  }

  private resolveColumn(ref: ColumnRef, scope: Scope): void {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const found = this.resolveIn(ref, s);
      if (found) {
        ref.binding = found.binding;
        ref.type = found.type;
        return;
      }
    }
    // Unquoted user.username parses as table "user", column "username": SLS users mean the field.
    if (ref.qualifier) {
      const dotted: ColumnRef = { kind: 'column', name: `${ref.qualifier}.${ref.name}`, pos: ref.pos };
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const found = this.resolveIn(dotted, s);
        if (found) {
          ref.binding = found.binding;
          ref.type = found.type;
          return;
        }
      }
    }
    const display = ref.qualifier ? `${ref.qualifier}.${ref.name}` : ref.name;
    const candidates: string[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      candidates.push(...s.aliases);
      for (const r of s.relations)
        candidates.push(...(r.kind === 'log' ? LOG_COLUMN_NAMES : r.columns.map((c) => c.name)));
    }
    const hint = suggest(display, candidates);
    throw new QueryError(`Column '${display}' cannot be resolved`, ref.pos, hint);
  }

  private resolveIn(ref: ColumnRef, scope: Scope): { binding: ColumnBinding; type: SqlType } | undefined {
    const rels = ref.qualifier
      ? scope.relations.filter((r) =>
          r.userNames.some((n) => n.toLowerCase() === ref.qualifier!.toLowerCase()),
        )
      : scope.relations;
    const matches: { binding: ColumnBinding; type: SqlType }[] = [];
    for (const r of rels) {
      if (r.kind === 'log') {
        const col = findColumn(ref.name);
        if (col && col.visible) {
          matches.push({
            binding: { kind: 'field', relAlias: r.renderAlias, name: col.name },
            type: col.kind === 'long' ? 'bigint' : 'varchar',
          });
          continue;
        }
        const dyn = resolveDynamicField(ref.name);
        if (dyn) {
          matches.push({
            binding: { kind: 'dynamic', relAlias: r.renderAlias, parent: dyn.parent.name, keys: dyn.keys },
            type: 'varchar',
          });
        }
      } else {
        const col = r.columns.find((c) => c.name.toLowerCase() === ref.name.toLowerCase());
        if (col)
          matches.push({
            binding: { kind: 'derived', relAlias: r.renderAlias, name: col.name },
            type: col.type,
          });
      }
    }
    if (matches.length > 1) throw new QueryError(`Column '${ref.name}' is ambiguous`, ref.pos);
    return matches[0];
  }

  bindExpr(e: Expr, scope: Scope, clause: Clause, env: CteEnv): void {
    if (this.bound.has(e)) return;
    switch (e.kind) {
      case 'column':
        this.resolveColumn(e, scope);
        break;
      case 'literal':
        e.type =
          e.literal === 'integer'
            ? 'bigint'
            : e.literal === 'decimal'
              ? 'double'
              : e.literal === 'string'
                ? 'varchar'
                : e.literal === 'boolean'
                  ? 'boolean'
                  : 'null';
        break;
      case 'typedLiteral':
        e.type = e.typeName;
        break;
      case 'interval':
        e.type = 'interval';
        break;
      case 'star':
        throw new QueryError("'*' is only allowed as a whole select item or in count(*)", e.pos);
      case 'unary':
        this.bindExpr(e.expr, scope, clause, env);
        e.type = e.op === 'not' ? 'boolean' : e.expr.type;
        break;
      case 'binary': {
        this.bindExpr(e.left, scope, clause, env);
        this.bindExpr(e.right, scope, clause, env);
        e.type = binaryType(e.op, e.left.type ?? 'unknown', e.right.type ?? 'unknown');
        break;
      }
      case 'func':
        this.bindCall(e, scope, clause, env);
        break;
      case 'case': {
        if (e.operand) this.bindExpr(e.operand, scope, clause, env);
        const results: SqlType[] = [];
        for (const w of e.whens) {
          this.bindExpr(w.when, scope, clause, env);
          this.bindExpr(w.then, scope, clause, env);
          results.push(w.then.type ?? 'unknown');
        }
        if (e.else) {
          this.bindExpr(e.else, scope, clause, env);
          results.push(e.else.type ?? 'unknown');
        }
        e.type = commonType(results);
        break;
      }
      case 'cast': {
        this.bindExpr(e.expr, scope, clause, env);
        const base = castBaseType(e.typeName);
        const t = CAST_TYPES[base];
        if (!t) {
          throw new QueryError(
            `Unknown type: ${e.typeName}; use bigint, double, varchar, boolean, timestamp, date, decimal(p,s) or array(t)`,
            e.pos,
          );
        }
        e.type = t;
        break;
      }
      case 'in':
        this.bindExpr(e.expr, scope, clause, env);
        if (Array.isArray(e.list)) {
          for (const x of e.list) this.bindExpr(x, scope, clause, env);
        } else {
          const cols = this.bindQuery(e.list, scope, env);
          if (cols.length !== 1)
            throw new QueryError('Multiple columns returned by subquery are not yet supported', e.pos);
        }
        e.type = 'boolean';
        break;
      case 'between':
        this.bindExpr(e.expr, scope, clause, env);
        this.bindExpr(e.low, scope, clause, env);
        this.bindExpr(e.high, scope, clause, env);
        e.type = 'boolean';
        break;
      case 'like':
        this.bindExpr(e.expr, scope, clause, env);
        this.bindExpr(e.pattern, scope, clause, env);
        if (e.escape) this.bindExpr(e.escape, scope, clause, env);
        e.type = 'boolean';
        break;
      case 'isNull':
        this.bindExpr(e.expr, scope, clause, env);
        e.type = 'boolean';
        break;
      case 'array':
        for (const x of e.items) this.bindExpr(x, scope, clause, env);
        e.type = 'array';
        break;
      case 'subscript':
        this.bindExpr(e.expr, scope, clause, env);
        this.bindExpr(e.index, scope, clause, env);
        e.type = e.expr.type === 'map' ? 'bigint' : 'unknown';
        break;
      case 'subquery': {
        const cols = this.bindQuery(e.query, scope, env);
        if (cols.length !== 1)
          throw new QueryError('A scalar subquery must return exactly one column', e.pos);
        e.type = cols[0].type;
        break;
      }
      case 'exists':
        this.bindQuery(e.query, scope, env);
        e.type = 'boolean';
        break;
    }
    this.bound.add(e);
  }

  private bindCall(e: FuncCall, scope: Scope, clause: Clause, env: CteEnv): void {
    const def = findFunction(e.name);
    if (!def) {
      throw new QueryError(
        `Function '${e.name}' not registered`,
        e.pos,
        suggest(e.name, Object.keys(FUNCTIONS)),
      );
    }
    if (e.star && e.name !== 'count') throw new QueryError(`'*' can only be an argument of count(*)`, e.pos);
    const argc = e.star ? 0 : e.args.length;
    if (argc < def.minArgs || argc > def.maxArgs) {
      const want = def.minArgs === def.maxArgs ? `${def.minArgs}` : `${def.minArgs} to ${def.maxArgs}`;
      throw new QueryError(
        `Function '${e.name}' takes ${want} argument${def.maxArgs === 1 ? '' : 's'} but was given ${argc}`,
        e.pos,
      );
    }
    const isWindowCall = e.over !== undefined;
    if (def.kind === 'window' && !isWindowCall) {
      throw new QueryError(`Window function '${e.name}' requires an OVER clause`, e.pos);
    }
    if (isWindowCall && def.kind === 'scalar') {
      throw new QueryError(`'${e.name}' is not a window function or an aggregate; remove OVER (…)`, e.pos);
    }
    if (e.distinct && def.kind !== 'aggregate') {
      throw new QueryError(
        `DISTINCT can only be used in an aggregate function call, not in '${e.name}'`,
        e.pos,
      );
    }
    if (def.kind === 'aggregate' && !isWindowCall) {
      if (clause.insideAggregate) {
        throw new QueryError(
          `Cannot nest aggregations inside aggregation '${clause.insideAggregate}'`,
          e.pos,
        );
      }
      if (!clause.allowAggregate) {
        throw new QueryError(`${clause.name} clause cannot contain aggregations or window functions`, e.pos);
      }
    }
    if (isWindowCall && !clause.allowWindow) {
      throw new QueryError(`${clause.name} clause cannot contain aggregations or window functions`, e.pos);
    }
    const argClause: Clause =
      def.kind === 'aggregate' && !isWindowCall
        ? { ...clause, insideAggregate: e.name, allowWindow: false }
        : clause;
    for (const arg of e.args) this.bindExpr(arg, scope, argClause, env);
    if (e.filter) this.bindExpr(e.filter, scope, { ...argClause, name: 'FILTER' }, env);
    if (e.over) {
      const wClause: Clause = { name: 'OVER', allowAggregate: clause.allowAggregate, allowWindow: false };
      for (const p of e.over.partitionBy) this.bindExpr(p, scope, wClause, env);
      for (const o of e.over.orderBy) this.bindExpr(o.expr, scope, wClause, env);
    }
    e.type = def.returns(e.args.map((a) => a.type ?? 'unknown'));
  }

  /** Presto: every select/HAVING/ORDER BY expression of a grouped query is grouped or aggregated. */
  private checkGrouped(e: Expr, groupBy: Expr[]): void {
    const keys = new Set(groupBy.map(exprKey));
    const visit = (x: Expr): void => {
      if (keys.has(exprKey(x))) return;
      if (x.kind === 'func') {
        const def = findFunction(x.name);
        if (def?.kind === 'aggregate' && !x.over) return;
      }
      if (x.kind === 'column') {
        throw new QueryError(
          `'${x.qualifier ? x.qualifier + '.' : ''}${x.name}' must be an aggregate expression or appear in GROUP BY clause`,
          x.pos,
        );
      }
      for (const c of children(x)) visit(c);
    };
    visit(e);
  }
}

// ---- helpers over expressions

/** Direct sub-expressions (not descending into subqueries). */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'unary':
      return [e.expr];
    case 'binary':
      return [e.left, e.right];
    case 'func':
      return [
        ...e.args,
        ...(e.filter ? [e.filter] : []),
        ...(e.over ? [...e.over.partitionBy, ...e.over.orderBy.map((o) => o.expr)] : []),
      ];
    case 'case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.then]),
        ...(e.else ? [e.else] : []),
      ];
    case 'cast':
      return [e.expr];
    case 'in':
      return [e.expr, ...(Array.isArray(e.list) ? e.list : [])];
    case 'between':
      return [e.expr, e.low, e.high];
    case 'like':
      return [e.expr, e.pattern, ...(e.escape ? [e.escape] : [])];
    case 'isNull':
      return [e.expr];
    case 'array':
      return e.items;
    case 'subscript':
      return [e.expr, e.index];
    default:
      return [];
  }
}

/** A copy of `e` with each direct child replaced by `f(child)` (same node when nothing changes). */
function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unary': {
      const x = f(e.expr);
      return x === e.expr ? e : { ...e, expr: x };
    }
    case 'binary': {
      const l = f(e.left);
      const r = f(e.right);
      return l === e.left && r === e.right ? e : { ...e, left: l, right: r };
    }
    case 'func': {
      const args = e.args.map(f);
      const filter = e.filter ? f(e.filter) : undefined;
      const over = e.over
        ? {
            ...e.over,
            partitionBy: e.over.partitionBy.map(f),
            orderBy: e.over.orderBy.map((o) => ({ ...o, expr: f(o.expr) })),
          }
        : undefined;
      return { ...e, args, ...(filter ? { filter } : {}), ...(over ? { over } : {}) };
    }
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: f(e.operand) } : {}),
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        ...(e.else ? { else: f(e.else) } : {}),
      };
    case 'cast':
      return { ...e, expr: f(e.expr) };
    case 'in':
      return { ...e, expr: f(e.expr), list: Array.isArray(e.list) ? e.list.map(f) : e.list };
    case 'between':
      return { ...e, expr: f(e.expr), low: f(e.low), high: f(e.high) };
    case 'like':
      return { ...e, expr: f(e.expr), pattern: f(e.pattern), ...(e.escape ? { escape: f(e.escape) } : {}) };
    case 'isNull':
      return { ...e, expr: f(e.expr) };
    case 'array':
      return { ...e, items: e.items.map(f) };
    case 'subscript':
      return { ...e, expr: f(e.expr), index: f(e.index) };
    default:
      return e;
  }
}

export function containsAggregate(e: Expr): boolean {
  if (e.kind === 'func' && !e.over && findFunction(e.name)?.kind === 'aggregate') return true;
  return children(e).some(containsAggregate);
}

export function containsWindow(e: Expr): boolean {
  if (e.kind === 'func' && e.over) return true;
  return children(e).some(containsWindow);
}

/** A structural key: two expressions with the same key compute the same value. */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'column': {
      const b = e.binding;
      if (!b) return `col:${e.qualifier ?? ''}.${e.name.toLowerCase()}`;
      return b.kind === 'dynamic'
        ? `dyn:${b.relAlias}:${b.parent}:${b.keys.join('\u0000')}`
        : `${b.kind}:${b.relAlias}:${b.name}`;
    }
    case 'literal':
      return `lit:${e.literal}:${e.value}`;
    case 'typedLiteral':
      return `tlit:${e.typeName}:${e.value}`;
    case 'interval':
      return `ivl:${e.negative}:${e.value}:${e.unit}`;
    case 'func':
      return `fn:${e.name}:${e.distinct}:${e.star}(${children(e).map(exprKey).join(',')})${e.over ? 'over' : ''}`;
    case 'cast':
      return `cast:${e.try}:${e.typeName}(${exprKey(e.expr)})`;
    case 'binary':
      return `bin:${e.op}(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'unary':
      return `un:${e.op}(${exprKey(e.expr)})`;
    case 'subquery':
    case 'exists':
      return `sub:${e.pos}`;
    case 'in':
      return `in:${e.not}:${Array.isArray(e.list) ? '' : e.pos}(${children(e).map(exprKey).join(',')})`;
    default:
      return `${e.kind}:${(e as { not?: boolean }).not ?? ''}(${children(e).map(exprKey).join(',')})`;
  }
}

function commonType(types: SqlType[]): SqlType {
  const known = types.filter((t) => t !== 'null');
  if (known.length === 0) return 'null';
  if (known.every((t) => t === known[0])) return known[0];
  if (known.every((t) => t === 'bigint' || t === 'double')) return 'double';
  return known.includes('varchar') ? 'varchar' : 'unknown';
}

function binaryType(op: string, l: SqlType, r: SqlType): SqlType {
  switch (op) {
    case 'and':
    case 'or':
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return 'boolean';
    case '||':
      return l === 'array' || r === 'array' ? 'array' : 'varchar';
    default:
      if ((l === 'timestamp' || l === 'date') && r === 'interval') return l;
      if (l === 'interval' && (r === 'timestamp' || r === 'date')) return r;
      if (op === '-' && l === 'timestamp' && r === 'timestamp') return 'interval';
      if (l === 'bigint' && r === 'bigint') return 'bigint';
      if ((l === 'double' || l === 'bigint') && (r === 'double' || r === 'bigint')) return 'double';
      if (l === 'null' || r === 'null') return 'null';
      return 'unknown';
  }
}
