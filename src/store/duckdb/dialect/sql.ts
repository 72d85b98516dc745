// DuckDB rendering of a bound SQL statement (src/query/sql/bind.ts). Everything DuckDB-specific
// about the analytic statement lives here and in functions.ts: identifier quoting, the events
// relation, truncating integer division (`//`), LIMIT o, n → LIMIT n OFFSET o, NULLS LAST ordering
// as Presto, and the function translations.
import type {
  ColumnBinding,
  Expr,
  FromItem,
  FuncCall,
  OrderItem,
  Query,
  Select,
  WindowSpec,
} from '../../../query/sql/ast.js';
import { castBaseType, containsAggregate, exprKey } from '../../../query/sql/bind.js';
import { QueryError } from '../../../query/errors.js';
import type { RenderContext } from '../../../query/dialect.js';
import { EVENTS_RELATION } from '../../store.js';
import { searchToDuckDb } from './search.js';
import { renderFunction } from './functions.js';
import { compareOffsets, compareShape, timeSeriesShape } from '../../../query/sql/shapes.js';
import { quoteIdent, quoteString } from './quote.js';

export { quoteIdent, quoteString };

/** JSON path for DuckDB's json functions: `$."k1"."k2"` (keys may hold dots and slashes). */
export function jsonKeyPath(keys: string[]): string {
  return '$' + keys.map((k) => `."${k.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('');
}

/** The WHERE that restricts the events relation: search statement, time window, cluster. */
export function baseConditions(ctx: RenderContext): string[] {
  const conds: string[] = [];
  const { base } = ctx;
  if (base.search && base.search.type !== 'all') conds.push(searchToDuckDb(base.search, { filter: true }));
  if (base.from !== undefined) conds.push(`"__time__" >= ${Math.ceil(base.from)}`);
  if (base.to !== undefined) conds.push(`"__time__" < ${Math.ceil(base.to)}`);
  if (base.cluster !== undefined) conds.push(`"cluster" = ${quoteString(base.cluster)}`);
  return conds;
}

const DUCK_TYPES: Record<string, string> = {
  bigint: 'BIGINT',
  integer: 'INTEGER',
  int: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  double: 'DOUBLE',
  real: 'REAL',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  json: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

export function duckType(typeName: string, pos: number): string {
  const base = castBaseType(typeName);
  if (DUCK_TYPES[base]) return DUCK_TYPES[base];
  if (base === 'decimal') {
    const m = /^decimal\((\d+)(?:,(\d+))?\)$/.exec(typeName);
    return m ? `DECIMAL(${m[1]}, ${m[2] ?? 0})` : 'DECIMAL(18, 3)';
  }
  if (base === 'array') {
    const m = /^array\((.*)\)$/.exec(typeName);
    if (m) return `${duckType(m[1], pos)}[]`;
  }
  throw new QueryError(`Type '${typeName}' is not supported in CAST here`, pos);
}

export class SqlRenderer {
  constructor(
    readonly ctx: RenderContext,
    /** Relation aliases to replace while rendering (compare(): the shifted copy of a subquery). */
    private readonly aliasMap: Map<string, string> = new Map(),
  ) {}

  get timezone(): string {
    return this.ctx.timezone;
  }

  query(q: Query): string {
    const withSql = q.with?.length
      ? `WITH ${q.with.map((c) => `${quoteIdent(c.name)} AS (${this.query(c.query)})`).join(', ')} `
      : '';
    if (q.kind === 'select') return withSql + this.select(q);
    const op = `${q.op.toUpperCase()}${q.all ? ' ALL' : ''}`;
    let sql = `${withSql}SELECT * FROM ((${this.query(q.left)}) ${op} (${this.query(q.right)})) AS "_set"`;
    if (q.orderBy.length) sql += ` ORDER BY ${this.orderBy(q.orderBy)}`;
    if (q.limit) sql += this.limit(q.limit.count, q.limit.offset);
    return sql;
  }

  private limit(count: number, offset?: number): string {
    return ` LIMIT ${count}${offset ? ` OFFSET ${offset}` : ''}`;
  }

  /**
   * Which form of the IP functions to call (src/enrich/duckdb.ts): the deduplicating macro (one
   * lookup per distinct address) where DuckDB accepts it — WHERE, GROUP BY keys and the expressions
   * of a query without aggregation — else the per-row function, which is correct everywhere and in
   * an aggregated select runs once per group anyway.
   */
  ipDedup = false;
  /** exprKeys of the GROUP BY keys of the select being rendered: their subtrees may deduplicate. */
  private groupKeys?: Set<string>;

  private withIp<T>(dedup: boolean, groupKeys: Set<string> | undefined, fn: () => T): T {
    const saved = [this.ipDedup, this.groupKeys] as const;
    this.ipDedup = dedup;
    this.groupKeys = groupKeys;
    try {
      return fn();
    } finally {
      [this.ipDedup, this.groupKeys] = saved;
    }
  }

  /** Renders `fn` with the per-row IP functions (inside TRY, around window functions, …). */
  perRow<T>(fn: () => T): T {
    return this.withIp(false, undefined, fn);
  }

  select(sel: Select): string {
    return this.withIp(false, undefined, () => this.selectBody(sel));
  }

  private selectBody(sel: Select): string {
    const ts = this.timeSeriesPadding(sel);
    if (ts) return ts;
    const compare = this.compareSelect(sel);
    if (compare) return compare;
    const aggregated =
      sel.groupBy.length > 0 ||
      sel.items.some((i) => containsAggregate(i.expr)) ||
      (sel.having !== undefined && containsAggregate(sel.having)) ||
      sel.orderBy.some((o) => containsAggregate(o.expr));
    const keys = aggregated ? new Set(sel.groupBy.map(exprKey)) : undefined;
    const outputs = (fn: () => string) => this.withIp(!aggregated, keys, fn);
    const filters = (fn: () => string) => this.withIp(true, undefined, fn);
    const parts = [
      `SELECT ${sel.distinct ? 'DISTINCT ' : ''}${outputs(() => sel.items.map((i) => `${this.expr(i.expr)} AS ${quoteIdent(i.name!)}`).join(', '))}`,
    ];
    // A select straight from the log reads the events relation itself with the search and time
    // filter in its WHERE: the same rows as the filtered subquery, and less for DuckDB to bind.
    const from = sel.from;
    const fromLog = from?.kind === 'table' && from.source !== 'cte';
    const where = fromLog ? baseConditions(this.ctx) : [];
    if (fromLog) parts.push(`FROM ${EVENTS_RELATION} AS ${quoteIdent(from.renderAlias!)}`);
    else if (from) parts.push(`FROM ${this.from(from)}`);
    if (sel.where) where.push(`(${filters(() => this.expr(sel.where!))})`);
    if (where.length) parts.push(`WHERE ${where.join(' AND ')}`);
    if (sel.groupBy.length)
      parts.push(`GROUP BY ${filters(() => sel.groupBy.map((g) => this.key(g)).join(', '))}`);
    if (sel.having) parts.push(`HAVING ${outputs(() => this.expr(sel.having!))}`);
    if (sel.orderBy.length) parts.push(`ORDER BY ${outputs(() => this.orderBy(sel.orderBy))}`);
    let sql = parts.join(' ');
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }

  /** The events relation with the base filter applied, under `alias`. */
  logRelation(alias: string, extra: string[] = []): string {
    const conds = [...baseConditions(this.ctx), ...extra];
    // Without a filter the relation itself (one subquery less for DuckDB to bind).
    if (!conds.length) return `${EVENTS_RELATION} AS ${quoteIdent(alias)}`;
    return `(SELECT * FROM ${EVENTS_RELATION} WHERE ${conds.join(' AND ')}) AS ${quoteIdent(alias)}`;
  }

  from(item: FromItem): string {
    switch (item.kind) {
      case 'table':
        if (item.source === 'cte') return `${quoteIdent(item.name)} AS ${quoteIdent(item.renderAlias!)}`;
        return this.logRelation(item.renderAlias!);
      case 'subqueryRef':
        return `(${this.query(item.query)}) AS ${quoteIdent(item.renderAlias!)}`;
      case 'unnest': {
        const alias = quoteIdent(item.renderAlias!);
        const inner = this.expr(item.expr);
        if (item.unnestKind === 'map') {
          const [k, v] = item.columns.map(quoteIdent);
          return `LATERAL (SELECT "_e"."key" AS ${k}, "_e"."value" AS ${v} FROM (SELECT unnest(map_entries(${inner})) AS "_e")) AS ${alias}`;
        }
        return `LATERAL (SELECT unnest(${inner}) AS ${quoteIdent(item.columns[0])}) AS ${alias}`;
      }
      case 'join': {
        const left = this.from(item.left);
        const right = this.from(item.right);
        if (item.joinType === 'cross') return `${left} CROSS JOIN ${right}`;
        return `${left} ${item.joinType.toUpperCase()} JOIN ${right} ON ${this.expr(item.on!)}`;
      }
    }
  }

  orderBy(items: OrderItem[]): string {
    return items
      .map((o) => `${this.key(o.expr)} ${o.desc ? 'DESC' : 'ASC'} NULLS ${(o.nulls ?? 'last').toUpperCase()}`)
      .join(', ');
  }

  /**
   * A GROUP BY / ORDER BY key. Ordinals and aliases were already replaced by the select item's
   * expression; when that is a constant, DuckDB would read a bare integer as a position again (and
   * refuse other literals), so a constant is written as a cast, which is a plain value.
   */
  private key(e: Expr): string {
    if (e.kind === 'literal') {
      const type = {
        integer: 'BIGINT',
        decimal: 'DOUBLE',
        string: 'VARCHAR',
        boolean: 'BOOLEAN',
        null: 'VARCHAR',
      }[e.literal];
      return `CAST(${this.expr(e)} AS ${type})`;
    }
    return this.expr(e);
  }

  column(b: ColumnBinding): string {
    const relAlias = this.aliasMap.get(b.relAlias) ?? b.relAlias;
    const rel = relAlias ? `${quoteIdent(relAlias)}.` : '';
    switch (b.kind) {
      case 'field':
      case 'derived':
        return `${rel}${quoteIdent(b.name)}`;
      case 'dynamic':
        // A scalar inside a JSON column reads as its text; an object or array as JSON text, as SLS shows it.
        return `json_extract_string(${rel}${quoteIdent(b.parent)}, ${quoteString(jsonKeyPath(b.keys))})`;
    }
  }

  expr(e: Expr): string {
    // A GROUP BY key inside an aggregated select is rendered as in GROUP BY, so DuckDB matches it.
    if (this.groupKeys && !this.ipDedup && this.groupKeys.has(exprKey(e))) {
      return this.withIp(true, undefined, () => this.exprInner(e));
    }
    return this.exprInner(e);
  }

  private exprInner(e: Expr): string {
    switch (e.kind) {
      case 'column':
        return this.column(e.binding!);
      case 'literal':
        switch (e.literal) {
          case 'string':
            return quoteString(e.value);
          case 'integer':
            return /^-?\d{1,9}$/.test(e.value) ? e.value : `CAST(${e.value} AS BIGINT)`;
          case 'decimal':
            // Presto reads 1.0 as DOUBLE (SLS ratio recipes rely on `* 1.0`), DuckDB as DECIMAL.
            return `CAST(${e.value} AS DOUBLE)`;
          case 'boolean':
            return e.value.toUpperCase();
          case 'null':
            return 'NULL';
        }
        break;
      case 'typedLiteral':
        return `${e.typeName.toUpperCase()} ${quoteString(e.value)}`;
      case 'interval': {
        const unit = e.unit.replace(/s$/, '').toUpperCase();
        if (
          !['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'].includes(
            unit,
          )
        ) {
          throw new QueryError(`Unknown interval unit '${e.unit}'`, e.pos);
        }
        const n = Number(e.value);
        if (!Number.isFinite(n)) throw new QueryError(`Invalid interval value '${e.value}'`, e.pos);
        return `(${e.negative ? -n : n} * INTERVAL 1 ${unit})`;
      }
      case 'star':
        throw new QueryError("'*' is only allowed as a whole select item or in count(*)", e.pos);
      case 'unary':
        if (e.op === 'not') return `(NOT ${this.expr(e.expr)})`;
        return `(${e.op}${this.expr(e.expr)})`;
      case 'binary': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        switch (e.op) {
          case 'and':
            return `(${l} AND ${r})`;
          case 'or':
            return `(${l} OR ${r})`;
          case '!=':
            return `(${l} <> ${r})`;
          case '/':
            // Presto: integer / integer truncates toward zero (5/2 = 2); DuckDB's `//` does that.
            if (e.left.type === 'bigint' && e.right.type === 'bigint') return `(${l} // ${r})`;
            return `(${l} / ${r})`;
          default:
            return `(${l} ${e.op} ${r})`;
        }
      }
      case 'func':
        return this.overrides?.get(e) ?? renderFunction(e, this);
      case 'case': {
        const parts = ['CASE'];
        if (e.operand) parts.push(this.expr(e.operand));
        for (const w of e.whens) parts.push(`WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`);
        if (e.else) parts.push(`ELSE ${this.expr(e.else)}`);
        parts.push('END');
        return `(${parts.join(' ')})`;
      }
      case 'cast':
        return `${e.try ? 'TRY_CAST' : 'CAST'}(${this.expr(e.expr)} AS ${duckType(e.typeName, e.pos)})`;
      case 'in': {
        const list = Array.isArray(e.list) ? e.list.map((x) => this.expr(x)).join(', ') : this.query(e.list);
        return `(${this.expr(e.expr)} ${e.not ? 'NOT IN' : 'IN'} (${list}))`;
      }
      case 'between':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'like':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT LIKE' : 'LIKE'} ${this.expr(e.pattern)}${e.escape ? ` ESCAPE ${this.expr(e.escape)}` : ''})`;
      case 'isNull':
        return `(${this.expr(e.expr)} IS ${e.not ? 'NOT ' : ''}NULL)`;
      case 'array':
        return `[${e.items.map((x) => this.expr(x)).join(', ')}]`;
      case 'subscript':
        return `${this.expr(e.expr)}[${this.expr(e.index)}]`;
      case 'subquery':
        return `(${this.query(e.query)})`;
      case 'exists':
        return `(${e.not ? 'NOT ' : ''}EXISTS (${this.query(e.query)}))`;
    }
    throw new QueryError('Unsupported expression', (e as Expr).pos);
  }

  window(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map((p) => this.expr(p)).join(', ')}`);
    if (w.orderBy.length) parts.push(`ORDER BY ${this.orderBy(w.orderBy)}`);
    if (w.frame) {
      const bound = (b: NonNullable<WindowSpec['frame']>['start']): string =>
        b.kind === 'unboundedPreceding'
          ? 'UNBOUNDED PRECEDING'
          : b.kind === 'unboundedFollowing'
            ? 'UNBOUNDED FOLLOWING'
            : b.kind === 'currentRow'
              ? 'CURRENT ROW'
              : `${b.offset} ${b.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}`;
      const unit = w.frame.unit.toUpperCase();
      parts.push(
        w.frame.end
          ? `${unit} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}`
          : `${unit} ${bound(w.frame.start)}`,
      );
    }
    return `(${parts.join(' ')})`;
  }

  /**
   * `compare(x, n1[, n2…])` (sls-query.md §4.2, §9 U-6) over `FROM (subquery)`: the subquery runs
   * once over the query window and once per offset over the window shifted back n seconds; x of
   * each run is compared: `[current, previous…, current/previous…]`, plus the start of the previous
   * window when there is one offset.
   */
  private compareSelect(sel: Select): string | undefined {
    const shape = compareShape(sel, this.ctx.base);
    if (!shape) return undefined;
    const { calls, sub, alias, offsets, from, to } = shape;
    const joins = [`(${this.query(sub.query)}) AS ${quoteIdent(alias)}`];
    const shifted = new Map<number, SqlRenderer>();
    for (const n of offsets) {
      const shiftedAlias = `${alias}_${n}`;
      const ctx: RenderContext = { ...this.ctx, base: { ...this.ctx.base, from: from - n, to: to - n } };
      joins.push(`(${new SqlRenderer(ctx).query(sub.query)}) AS ${quoteIdent(shiftedAlias)}`);
      shifted.set(n, new SqlRenderer(this.ctx, new Map([...this.aliasMap, [alias, shiftedAlias]])));
    }
    const rendered = new Map<FuncCall, string>();
    for (const c of calls) {
      const cur = `CAST(${this.expr(c.args[0])} AS DOUBLE)`;
      const ns = compareOffsets(c);
      const prev = ns.map((n) => `CAST(${shifted.get(n)!.expr(c.args[0])} AS DOUBLE)`);
      // A previous value of 0 gives a NULL ratio (JSON has no Infinity).
      const parts = [cur, ...prev, ...prev.map((p) => `(${cur} / NULLIF(${p}, 0))`)];
      if (ns.length === 1) parts.push(`CAST(${Math.ceil(from) - ns[0]} AS DOUBLE)`);
      rendered.set(c, `[${parts.join(', ')}]`);
    }
    const withCompare = new SqlRenderer(this.ctx, this.aliasMap);
    withCompare.overrides = rendered;
    const items = sel.items.map((i) => `${withCompare.expr(i.expr)} AS ${quoteIdent(i.name!)}`);
    let sql = `SELECT ${items.join(', ')} FROM ${joins.join(' CROSS JOIN ')}`;
    if (sel.where) sql += ` WHERE ${withCompare.expr(sel.where)}`;
    if (sel.orderBy.length) sql += ` ORDER BY ${withCompare.orderBy(sel.orderBy)}`;
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }

  /** Pre-rendered SQL for particular call nodes (compare()). */
  overrides?: Map<FuncCall, string>;

  /**
   * `time_series(t, window, format, padding)` as the only GROUP BY key: the grouped query gives one
   * row per bucket that has logs; this joins it to the full axis of buckets (the query window, or
   * the data's first to last bucket) and fills the gaps with the padding (sls-query.md §4.2).
   */
  private timeSeriesPadding(sel: Select): string | undefined {
    const shape = timeSeriesShape(sel, this.ctx.base, this.timezone);
    if (!shape) return undefined;
    const { key, index: tsIndex, time: tArg, format: fmt, pad, step, offset } = shape;
    const t = this.expr(tArg);
    const bucket = `(CAST(floor((CAST(${t} AS DOUBLE) + ${offset}) / ${step}) AS BIGINT) * ${step} - ${offset})`;
    const inner: string[] = [`${bucket} AS "_bucket"`];
    sel.items.forEach((item, i) => {
      if (i !== tsIndex) inner.push(`${this.expr(item.expr)} AS "_c${i}"`);
    });
    let innerSql = `SELECT ${inner.join(', ')}`;
    if (sel.from) innerSql += ` FROM ${this.from(sel.from)}`;
    if (sel.where) innerSql += ` WHERE ${this.expr(sel.where)}`;
    innerSql += ` GROUP BY ${bucket}`;
    if (sel.having) innerSql += ` HAVING ${this.expr(sel.having)}`;
    const lo = shape.low !== undefined ? `${shape.low}` : `(SELECT min("_bucket") FROM "_ts")`;
    const hi = shape.high !== undefined ? `${shape.high}` : `(SELECT max("_bucket") FROM "_ts")`;
    const label = renderFunction(
      {
        kind: 'func',
        name: 'date_format',
        args: [
          {
            kind: 'column',
            name: '_bucket',
            pos: key.pos,
            type: 'bigint',
            binding: { kind: 'derived', relAlias: '_axis', name: '_bucket' },
          },
          fmt,
        ],
        distinct: false,
        star: false,
        pos: key.pos,
      },
      this,
    );
    const outs: string[] = [];
    sel.items.forEach((item, i) => {
      const name = quoteIdent(item.name!);
      if (i === tsIndex) {
        outs.push(`${label} AS ${name}`);
        return;
      }
      const c = `"_ts"."_c${i}"`;
      const ord = `ORDER BY "_axis"."_bucket"`;
      switch (pad) {
        case '0':
          outs.push(`coalesce(${c}, 0) AS ${name}`);
          break;
        case 'null':
          outs.push(`${c} AS ${name}`);
          break;
        case 'last':
          outs.push(
            `coalesce(${c}, last_value(${c} IGNORE NULLS) OVER (${ord} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS ${name}`,
          );
          break;
        case 'next':
          outs.push(
            `coalesce(${c}, first_value(${c} IGNORE NULLS) OVER (${ord} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)) AS ${name}`,
          );
          break;
        case 'avg':
          outs.push(
            `coalesce(${c}, (last_value(${c} IGNORE NULLS) OVER (${ord} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) + first_value(${c} IGNORE NULLS) OVER (${ord} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)) / 2.0) AS ${name}`,
          );
          break;
      }
    });
    // ORDER BY on the padded output: items are matched to output columns; the axis is the default.
    const order = sel.orderBy.length
      ? sel.orderBy
          .map((o) => {
            const idx = sel.items.findIndex((i) => exprKey(i.expr) === exprKey(o.expr));
            const target =
              idx === tsIndex || idx < 0 ? '"_axis"."_bucket"' : quoteIdent(sel.items[idx].name!);
            return `${target} ${o.desc ? 'DESC' : 'ASC'} NULLS ${(o.nulls ?? 'last').toUpperCase()}`;
          })
          .join(', ')
      : '"_axis"."_bucket" ASC';
    let sql =
      `WITH "_ts" AS (${innerSql}), "_axis" AS (SELECT unnest(generate_series(CAST(${lo} AS BIGINT), CAST(${hi} AS BIGINT), ${step})) AS "_bucket") ` +
      `SELECT ${outs.join(', ')} FROM "_axis" LEFT JOIN "_ts" ON "_ts"."_bucket" = "_axis"."_bucket" ORDER BY ${order}`;
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }
}
