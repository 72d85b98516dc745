// Statement shapes that every dialect renders specially: `compare()` (the same subquery over the
// window and over windows shifted back) and `time_series()` as the only GROUP BY key (buckets padded
// to a full axis). Recognising them and checking their arguments is the query language's business,
// not an engine's: the dialects (src/store/<engine>/dialect/sql.ts) get the checked shape and only
// write their own SQL for it.
import type { BaseFilter } from '../dialect.js';
import { QueryError } from '../errors.js';
import { children, exprKey } from './bind.js';
import type { Expr, FuncCall, Select, SubqueryRef } from './ast.js';
import { parseWindowSeconds, tsOffsetSeconds } from '../../store/duckdb/dialect/time.js';

export interface CompareShape {
  /** Every compare() call of the select list, in order. */
  calls: FuncCall[];
  /** The FROM subquery that runs once per window. */
  sub: SubqueryRef;
  /** Its render alias (the shifted runs are `<alias>_<n>`). */
  alias: string;
  /** The distinct offsets, seconds > 0. */
  offsets: Set<number>;
  /** The query window. */
  from: number;
  to: number;
}

/** The offsets (seconds) of one compare() call; checked by compareShape. */
export function compareOffsets(call: FuncCall): number[] {
  return call.args.slice(1).map((o) => Number((o as { value: string }).value));
}

/** The compare() shape of a select, checked; undefined when it calls no compare(). */
export function compareShape(sel: Select, base: BaseFilter): CompareShape | undefined {
  const calls: FuncCall[] = [];
  const find = (e: Expr): void => {
    if (e.kind === 'func' && e.name === 'compare') calls.push(e);
    else children(e).forEach(find);
  };
  sel.items.forEach((i) => find(i.expr));
  if (calls.length === 0) return undefined;
  if (!sel.from || sel.from.kind !== 'subqueryRef') {
    throw new QueryError(
      'compare() needs FROM (subquery): select compare(x, 86400) from (select count(*) as x from log)',
      calls[0].pos,
    );
  }
  const { from, to } = base;
  if (from === undefined || to === undefined) {
    throw new QueryError(
      'compare() needs a query time window: give one with --since or --from/--to',
      calls[0].pos,
    );
  }
  const offsets = new Set<number>();
  for (const c of calls) {
    for (const o of c.args.slice(1)) {
      if (o.kind !== 'literal' || o.literal !== 'integer' || Number(o.value) <= 0) {
        throw new QueryError('compare() offsets must be whole numbers of seconds > 0, e.g. 86400', o.pos);
      }
      offsets.add(Number(o.value));
    }
  }
  return { calls, sub: sel.from, alias: sel.from.renderAlias!, offsets, from, to };
}

export type TimeSeriesPadding = '0' | 'null' | 'last' | 'next' | 'avg';

export interface TimeSeriesShape {
  /** The time_series() call (the GROUP BY key). */
  key: FuncCall;
  /** Index of the select item that is the key. */
  index: number;
  /** The time argument. */
  time: Expr;
  /** The output format argument (MySQL-style specifiers). */
  format: Expr;
  pad: TimeSeriesPadding;
  /** Bucket width, seconds. */
  step: number;
  /** The query zone's offset from UTC, seconds (buckets are aligned in that zone). */
  offset: number;
  /** First bucket of the axis from the query window, or undefined: the data's first bucket. */
  low?: number;
  /** Last second of the axis from the query window, or undefined: the data's last bucket. */
  high?: number;
}

/**
 * `time_series(t, window, format, padding)` as the only GROUP BY key and a select item, checked;
 * undefined when the select has another shape.
 */
export function timeSeriesShape(
  sel: Select,
  base: BaseFilter,
  timezone: string,
): TimeSeriesShape | undefined {
  if (sel.groupBy.length !== 1) return undefined;
  const key = sel.groupBy[0];
  if (key.kind !== 'func' || key.name !== 'time_series') return undefined;
  const keyId = exprKey(key);
  const index = sel.items.findIndex((i) => exprKey(i.expr) === keyId);
  if (index < 0) return undefined;
  const [time, windowArg, formatArg, padArg] = key.args;
  const pad = padArg.kind === 'literal' ? padArg.value.toLowerCase() : '';
  if (!['0', 'null', 'last', 'next', 'avg'].includes(pad)) {
    throw new QueryError("time_series padding must be one of '0', 'null', 'last', 'next', 'avg'", padArg.pos);
  }
  if (windowArg.kind !== 'literal' || windowArg.literal !== 'string') {
    throw new QueryError("time_series window must be a string such as '5m' or '1h'", windowArg.pos);
  }
  const step = parseWindowSeconds(windowArg.value, windowArg.pos);
  const offset = tsOffsetSeconds(timezone);
  const { from, to } = base;
  return {
    key,
    index,
    time,
    format: formatArg,
    pad: pad as TimeSeriesPadding,
    step,
    offset,
    ...(from !== undefined ? { low: Math.floor((Math.ceil(from) + offset) / step) * step - offset } : {}),
    ...(to !== undefined ? { high: Math.ceil(to) - 1 } : {}),
  };
}
