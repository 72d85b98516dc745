// ClickHouse rendering of a bound SQL statement (src/query/sql/bind.ts), mirroring the DuckDB
// renderer (src/store/duckdb/dialect/sql.ts) construct by construct. What differs in ClickHouse and
// how it is bridged:
// - SLS timestamps are DateTime64(6, '<query zone>'): they print as the zone's wall clock, as
//   DuckDB's zone-local TIMESTAMP values do, and convert to unix seconds exactly.
// - Integer literals are Int64 (Presto's bigint); `/` on two bigints is intDiv (truncating, as
//   Presto), and a zero divisor gives NULL (DuckDB) instead of ClickHouse's error or inf.
// - Comparisons return UInt8: a select item the binder types boolean is wrapped in toBool so it
//   comes out as true/false.
// - HAVING without aggregation filters like WHERE (sls-query.md §9; ClickHouse refuses it).
// - LIKE: DuckDB has no escape character unless ESCAPE is given; ClickHouse always treats `\` as
//   one, so patterns are rewritten.
// - Semantic settings go with the statement (`SETTINGS` at its end): column names win over select
//   aliases (the binder already resolved aliases; ClickHouse would otherwise let `… AS verb` capture
//   `verb` in WHERE), NULL for aggregates over no rows and for outer-join misses (SQL, not
//   ClickHouse's default values); ±inf and nan as JSON strings (result.ts), not null.
// Constructs without an equivalent throw NotPushable (quote.ts); plan.ts finishes those in DuckDB.
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
import { compareOffsets, compareShape, timeSeriesShape } from '../../../query/sql/shapes.js';
import { formatExpression } from './datetime.js';
import { QueryError } from '../../../query/errors.js';
import type { RenderContext } from '../../../query/dialect.js';
import { EVENTS_RELATION } from '../../store.js';
import type { DialectFeatures } from './features.js';
import { renderFunction } from './functions.js';
import { NotPushable, quoteIdent, quoteString } from './quote.js';
import { searchToClickHouse } from './search.js';

/** Settings every pushed-down statement carries (see the file comment). */
export const STATEMENT_SETTINGS =
  'SETTINGS prefer_column_name_to_alias = 1, aggregate_functions_null_for_empty = 1, join_use_nulls = 1, output_format_json_quote_denormals = 1';

/** The WHERE conditions restricting the events relation: search, time window, cluster. */
export function baseConditions(ctx: RenderContext, features: DialectFeatures): string[] {
  const conds: string[] = [];
  const { base } = ctx;
  if (base.search && base.search.type !== 'all') conds.push(searchToClickHouse(base.search, features));
  if (base.from !== undefined) conds.push(`\`__time__\` >= ${Math.ceil(base.from)}`);
  if (base.to !== undefined) conds.push(`\`__time__\` < ${Math.ceil(base.to)}`);
  if (base.cluster !== undefined) conds.push(`\`cluster\` = ${quoteString(base.cluster)}`);
  return conds;
}

const CH_TYPES: Record<string, string> = {
  bigint: 'Int64',
  integer: 'Int32',
  int: 'Int32',
  smallint: 'Int16',
  tinyint: 'Int8',
  double: 'Float64',
  real: 'Float32',
  varchar: 'String',
  char: 'String',
  json: 'String',
  boolean: 'Bool',
  date: 'Date',
};

function chType(typeName: string, tz: string, pos: number): string {
  const base = castBaseType(typeName);
  if (CH_TYPES[base]) return CH_TYPES[base];
  if (base === 'timestamp') return `DateTime64(6, ${quoteString(tz)})`;
  if (base === 'decimal') {
    const m = /^decimal\((\d+)(?:,(\d+))?\)$/.exec(typeName);
    return m ? `Decimal(${m[1]}, ${m[2] ?? 0})` : 'Decimal(18, 3)';
  }
  if (base === 'array') throw new NotPushable('CAST to an array type');
  throw new QueryError(`Type '${typeName}' is not supported in CAST here`, pos);
}

const INTEGER_TYPES = new Set(['Int64', 'Int32', 'Int16', 'Int8']);

export class ClickHouseRenderer {
  constructor(
    readonly ctx: RenderContext,
    readonly features: DialectFeatures,
    /** Relation aliases to replace while rendering (compare(): the shifted copy of a subquery). */
    private readonly aliasMap: Map<string, string> = new Map(),
  ) {}

  /** Pre-rendered SQL for particular call nodes (compare()). */
  overrides?: Map<FuncCall, string>;

  get timezone(): string {
    return this.ctx.timezone;
  }

  /** Unix seconds (integer or fractional) → DateTime64(6) in the query zone. */
  secondsToTimestamp(seconds: string): string {
    return `toDateTime64(${seconds}, 6, ${quoteString(this.timezone)})`;
  }

  query(q: Query): string {
    const withSql = q.with?.length
      ? `WITH ${q.with.map((c) => `${quoteIdent(c.name)} AS (${this.query(c.query)})`).join(', ')} `
      : '';
    if (q.kind === 'select') return withSql + this.select(q);
    const op = `${q.op.toUpperCase()} ${q.all ? 'ALL' : 'DISTINCT'}`;
    let sql = `${withSql}SELECT * FROM ((${this.query(q.left)}) ${op} (${this.query(q.right)})) AS \`_set\``;
    if (q.orderBy.length) sql += ` ORDER BY ${this.orderBy(q.orderBy)}`;
    if (q.limit) sql += this.limit(q.limit.count, q.limit.offset);
    return sql;
  }

  private limit(count: number, offset?: number): string {
    return ` LIMIT ${count}${offset ? ` OFFSET ${offset}` : ''}`;
  }

  select(sel: Select): string {
    const padded = this.timeSeriesPadding(sel);
    if (padded) return padded;
    const compared = this.compareSelect(sel);
    if (compared) return compared;

    const aggregated =
      sel.groupBy.length > 0 ||
      sel.items.some((i) => containsAggregate(i.expr)) ||
      (sel.having !== undefined && containsAggregate(sel.having)) ||
      sel.orderBy.some((o) => containsAggregate(o.expr));
    const items = sel.items.map((i) => {
      const e = this.expr(i.expr);
      return `${i.expr.type === 'boolean' ? `toBool(${e})` : e} AS ${quoteIdent(i.name!)}`;
    });
    const parts = [`SELECT ${sel.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`];
    if (sel.from) parts.push(`FROM ${this.from(sel.from)}`);
    const where = [...(sel.where ? [this.expr(sel.where)] : [])];
    // HAVING on a select without aggregation is a filter on its rows.
    if (sel.having && !aggregated) where.push(this.expr(sel.having));
    if (where.length) parts.push(`WHERE ${where.map((w) => `(${w})`).join(' AND ')}`);
    if (sel.groupBy.length) parts.push(`GROUP BY ${sel.groupBy.map((g) => this.key(g)).join(', ')}`);
    if (sel.having && aggregated) parts.push(`HAVING ${this.expr(sel.having)}`);
    if (sel.orderBy.length) parts.push(`ORDER BY ${this.orderBy(sel.orderBy)}`);
    let sql = parts.join(' ');
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }

  /**
   * `compare(x, n1[, n2…])` over `FROM (subquery)` as the DuckDB renderer (sls-query.md §4.2, §9 U-6):
   * the subquery runs over the query window and over the window shifted back n seconds, and x of
   * each run gives `[current, previous…, current/previous…]` plus the previous window's start when
   * there is one offset.
   */
  private compareSelect(sel: Select): string | undefined {
    const shape = compareShape(sel, this.ctx.base);
    if (!shape) return undefined;
    const { calls, sub, alias, offsets, from, to } = shape;
    const joins = [`(${this.query(sub.query)}) AS ${quoteIdent(alias)}`];
    const shifted = new Map<number, ClickHouseRenderer>();
    for (const n of offsets) {
      const shiftedAlias = `${alias}_${n}`;
      const ctx: RenderContext = { ...this.ctx, base: { ...this.ctx.base, from: from - n, to: to - n } };
      joins.push(
        `(${new ClickHouseRenderer(ctx, this.features).query(sub.query)}) AS ${quoteIdent(shiftedAlias)}`,
      );
      shifted.set(
        n,
        new ClickHouseRenderer(this.ctx, this.features, new Map([...this.aliasMap, [alias, shiftedAlias]])),
      );
    }
    const rendered = new Map<FuncCall, string>();
    for (const c of calls) {
      const cur = `toFloat64(${this.expr(c.args[0])})`;
      const ns = compareOffsets(c);
      const prev = ns.map((n) => `toFloat64(${shifted.get(n)!.expr(c.args[0])})`);
      // A previous value of 0 gives a NULL ratio (JSON has no Infinity).
      const parts = [cur, ...prev, ...prev.map((p) => `(${cur} / nullIf(${p}, 0))`)];
      if (ns.length === 1) parts.push(`toFloat64(${Math.ceil(from) - ns[0]})`);
      rendered.set(c, `[${parts.join(', ')}]`);
    }
    const withCompare = new ClickHouseRenderer(this.ctx, this.features, this.aliasMap);
    withCompare.overrides = rendered;
    const items = sel.items.map((i) => {
      const e = withCompare.expr(i.expr);
      return `${i.expr.type === 'boolean' ? `toBool(${e})` : e} AS ${quoteIdent(i.name!)}`;
    });
    let sql = `SELECT ${items.join(', ')} FROM ${joins.join(' CROSS JOIN ')}`;
    if (sel.where) sql += ` WHERE ${withCompare.expr(sel.where)}`;
    if (sel.orderBy.length) sql += ` ORDER BY ${withCompare.orderBy(sel.orderBy)}`;
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }

  /**
   * `time_series(t, window, format, padding)` as the only GROUP BY key, as the DuckDB renderer: the
   * grouped buckets joined to the full axis of buckets (the query window, or the data's first to
   * last bucket), gaps filled with the padding. ClickHouse's first_value/last_value skip NULLs,
   * which is the IGNORE NULLS the padding needs.
   */
  private timeSeriesPadding(sel: Select): string | undefined {
    const shape = timeSeriesShape(sel, this.ctx.base, this.timezone);
    if (!shape) return undefined;
    const { index: tsIndex, time: tArg, format: formatArg, pad, step, offset } = shape;
    // ClickHouse formats with a constant pattern translated when rendering: a literal only.
    if (formatArg.kind !== 'literal' || formatArg.literal !== 'string') {
      throw new QueryError('time_series format must be a string literal', formatArg.pos);
    }
    const t = this.expr(tArg);
    const bucket = `(toInt64(floor((toFloat64(${t}) + ${offset}) / ${step})) * ${step} - ${offset})`;
    const inner: string[] = [`${bucket} AS \`_bucket\``];
    sel.items.forEach((item, i) => {
      if (i !== tsIndex) {
        const e = this.expr(item.expr);
        inner.push(`${item.expr.type === 'boolean' ? `toBool(${e})` : e} AS \`_c${i}\``);
      }
    });
    let innerSql = `SELECT ${inner.join(', ')}`;
    if (sel.from) innerSql += ` FROM ${this.from(sel.from)}`;
    if (sel.where) innerSql += ` WHERE ${this.expr(sel.where)}`;
    innerSql += ` GROUP BY ${bucket}`;
    if (sel.having) innerSql += ` HAVING ${this.expr(sel.having)}`;
    const lo =
      shape.low !== undefined
        ? `toInt64(${shape.low})`
        : 'ifNull((SELECT min(`_bucket`) FROM `_ts`), toInt64(0))';
    const hi =
      shape.high !== undefined
        ? `toInt64(${shape.high})`
        : 'ifNull((SELECT max(`_bucket`) FROM `_ts`), toInt64(-1))';
    const label = formatExpression(this.secondsToTimestamp('`_axis`.`_bucket`'), formatArg.value);
    const ord = 'ORDER BY `_axis`.`_bucket`';
    const last = (c: string) =>
      `last_value(${c}) OVER (${ord} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    const next = (c: string) =>
      `first_value(${c}) OVER (${ord} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)`;
    const outs = sel.items.map((item, i) => {
      const name = quoteIdent(item.name!);
      if (i === tsIndex) return `${label} AS ${name}`;
      const c = `\`_ts\`.\`_c${i}\``;
      switch (pad) {
        case '0':
          return `coalesce(${c}, 0) AS ${name}`;
        case 'null':
          return `${c} AS ${name}`;
        case 'last':
          return `coalesce(${c}, ${last(c)}) AS ${name}`;
        case 'next':
          return `coalesce(${c}, ${next(c)}) AS ${name}`;
        default:
          return `coalesce(${c}, (${last(c)} + ${next(c)}) / 2.0) AS ${name}`;
      }
    });
    const order = sel.orderBy.length
      ? sel.orderBy
          .map((o) => {
            const idx = sel.items.findIndex((i) => exprKey(i.expr) === exprKey(o.expr));
            const target =
              idx === tsIndex || idx < 0 ? '`_axis`.`_bucket`' : quoteIdent(sel.items[idx].name!);
            return `${target} ${o.desc ? 'DESC' : 'ASC'} NULLS ${(o.nulls ?? 'last').toUpperCase()}`;
          })
          .join(', ')
      : '`_axis`.`_bucket` ASC';
    let sql =
      `WITH \`_ts\` AS (${innerSql}), \`_axis\` AS (SELECT arrayJoin(range(${lo}, ${hi} + 1, ${step})) AS \`_bucket\`) ` +
      `SELECT ${outs.join(', ')} FROM \`_axis\` LEFT JOIN \`_ts\` ON \`_ts\`.\`_bucket\` = \`_axis\`.\`_bucket\` ORDER BY ${order}`;
    if (sel.limit) sql += this.limit(sel.limit.count, sel.limit.offset);
    return sql;
  }

  /** The events relation with the base filter applied, under `alias`. */
  logRelation(alias: string): string {
    const conds = baseConditions(this.ctx, this.features);
    const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
    return `(SELECT * FROM ${EVENTS_RELATION}${where}) AS ${quoteIdent(alias)}`;
  }

  from(item: FromItem): string {
    switch (item.kind) {
      case 'table':
        if (item.source === 'cte') return `${quoteIdent(item.name)} AS ${quoteIdent(item.renderAlias!)}`;
        return this.logRelation(item.renderAlias!);
      case 'subqueryRef':
        return `(${this.query(item.query)}) AS ${quoteIdent(item.renderAlias!)}`;
      case 'unnest':
        // ClickHouse's form is ARRAY JOIN, which the store's statement check (../sandbox.ts) does
        // not accept: UNNEST is finished in DuckDB (the subquery it reads still runs on the server).
        throw new NotPushable('UNNEST');
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

  /** A GROUP BY / ORDER BY key: a bare integer would be a position, so constants are typed values. */
  private key(e: Expr): string {
    if (e.kind === 'literal' && e.literal === 'null') return 'CAST(NULL AS Nullable(String))';
    return this.expr(e);
  }

  column(b: ColumnBinding): string {
    const relAlias = this.aliasMap.get(b.relAlias) ?? b.relAlias;
    const rel = relAlias ? `${quoteIdent(relAlias)}.` : '';
    switch (b.kind) {
      case 'field':
      case 'derived':
        return `${rel}${quoteIdent(b.name)}`;
      case 'dynamic': {
        // As DuckDB's json_extract_string: a scalar as its text, an object or array as JSON text.
        if (!this.features.jsonExtract) throw new NotPushable('JSON paths need JSONExtract (20.1)');
        const j = `${rel}${quoteIdent(b.parent)}`;
        const k = b.keys.map((key) => `, ${quoteString(key)}`).join('');
        return `multiIf(JSONType(${j}${k}) = 'String', JSONExtractString(${j}${k}), JSONType(${j}${k}) = 'Null', NULL, JSONExtractRaw(${j}${k}))`;
      }
    }
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'column':
        return this.column(e.binding!);
      case 'literal':
        switch (e.literal) {
          case 'string':
            return quoteString(e.value);
          case 'integer':
            return `toInt64(${e.value})`;
          case 'decimal':
            // Presto reads 1.0 as DOUBLE (SLS ratio recipes rely on `* 1.0`).
            return `toFloat64(${quoteString(e.value)})`;
          case 'boolean':
            return e.value.toLowerCase() === 'true' ? 'true' : 'false';
          case 'null':
            return 'NULL';
        }
        break;
      case 'typedLiteral':
        return e.typeName === 'timestamp'
          ? `toDateTime64(${quoteString(e.value)}, 6, ${quoteString(this.timezone)})`
          : `toDate(${quoteString(e.value)})`;
      case 'interval': {
        const unit = e.unit.replace(/s$/, '').toLowerCase();
        const fn = {
          millisecond: 'toIntervalMillisecond',
          second: 'toIntervalSecond',
          minute: 'toIntervalMinute',
          hour: 'toIntervalHour',
          day: 'toIntervalDay',
          week: 'toIntervalWeek',
          month: 'toIntervalMonth',
          quarter: 'toIntervalQuarter',
          year: 'toIntervalYear',
        }[unit];
        if (!fn) throw new QueryError(`Unknown interval unit '${e.unit}'`, e.pos);
        const n = Number(e.value);
        if (!Number.isFinite(n)) throw new QueryError(`Invalid interval value '${e.value}'`, e.pos);
        if (!Number.isInteger(n)) throw new NotPushable('a fractional interval');
        return `${fn}(${e.negative ? -n : n})`;
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
            return `(${l} != ${r})`;
          case '/':
            if (e.left.type === 'bigint' && e.right.type === 'bigint') return `intDiv(${l}, nullIf(${r}, 0))`;
            // DuckDB: a double divided by zero is ±Infinity (IEEE, as Presto); other divisions by zero NULL.
            if (e.left.type === 'double' || e.right.type === 'double') return `(${l} / ${r})`;
            return `(${l} / nullIf(${r}, 0))`;
          case '%':
            return `(${l} % nullIf(${r}, 0))`;
          case '||':
            return `concat(${e.left.type === 'varchar' ? l : `toString(${l})`}, ${e.right.type === 'varchar' ? r : `toString(${r})`})`;
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
      case 'cast': {
        const t = chType(e.typeName, this.timezone, e.pos);
        let x = this.expr(e.expr);
        // DuckDB rounds a double to the nearest integer on CAST, ties to even (2.5 → 2); ClickHouse
        // truncates, and its round() on floats is the same ties-to-even rounding.
        if (INTEGER_TYPES.has(t) && e.expr.type === 'double') x = `round(${x})`;
        return e.try ? `accurateCastOrNull(${x}, ${quoteString(t)})` : `CAST(${x} AS Nullable(${t}))`;
      }
      case 'in': {
        const list = Array.isArray(e.list) ? e.list.map((x) => this.expr(x)).join(', ') : this.query(e.list);
        return `(${this.expr(e.expr)} ${e.not ? 'NOT IN' : 'IN'} (${list}))`;
      }
      case 'between':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'like':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT LIKE' : 'LIKE'} ${this.likePattern(e.pattern, e.escape)})`;
      case 'isNull':
        return `(${this.expr(e.expr)} IS ${e.not ? 'NOT ' : ''}NULL)`;
      case 'array':
        return `[${e.items.map((x) => this.expr(x)).join(', ')}]`;
      case 'subscript':
        if (e.expr.type === 'map') {
          const m = this.expr(e.expr);
          const k = this.expr(e.index);
          return `if(mapContains(${m}, ${k}), ${m}[${k}], NULL)`;
        }
        return `arrayElementOrNull(${this.expr(e.expr)}, ${this.expr(e.index)})`;
      case 'subquery':
        return `(${this.query(e.query)})`;
      case 'exists':
        return `(${e.not ? 'NOT ' : ''}EXISTS (${this.query(e.query)}))`;
    }
    throw new QueryError('Unsupported expression', (e as Expr).pos);
  }

  /** A LIKE pattern in ClickHouse's form, where `\` always escapes (see the file comment). */
  private likePattern(pattern: Expr, escape?: Expr): string {
    if (pattern.kind === 'literal' && pattern.literal === 'string') {
      let esc: string | undefined;
      if (escape) {
        if (escape.kind !== 'literal' || escape.literal !== 'string' || [...escape.value].length !== 1)
          throw new NotPushable('a LIKE escape that is not one constant character');
        esc = escape.value;
      }
      let out = '';
      const chars = [...pattern.value];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i];
        if (esc !== undefined && ch === esc && i + 1 < chars.length) {
          const next = chars[++i];
          out += next === '\\' ? '\\\\' : next === '%' || next === '_' ? `\\${next}` : next;
        } else if (ch === '\\') out += '\\\\';
        else out += ch;
      }
      return quoteString(out);
    }
    if (escape) throw new NotPushable('LIKE … ESCAPE with a pattern that is not a constant');
    return `replaceAll(${this.expr(pattern)}, '\\\\', '\\\\\\\\')`;
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
          : `${unit} BETWEEN ${bound(w.frame.start)} AND CURRENT ROW`,
      );
    }
    return `(${parts.join(' ')})`;
  }
}
