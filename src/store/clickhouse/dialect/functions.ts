// ClickHouse translations of the function catalogue (src/query/functions.ts) with the results of
// the DuckDB dialect (src/store/duckdb/dialect/functions.ts), which follows SLS/Presto: NULL when a
// regex does not match, unquoted json_array_get, MySQL-style date_format, round half away from
// zero, NULL (not an error) on division by zero, NULL past the end of an array or split.
//
// A function missing from SCALARS/AGGREGATES/WINDOWS, or one whose arguments this translation
// cannot give the same answer for (a non-constant regex, a three-argument split …), throws
// NotPushable: the statement is then finished in DuckDB over the server's rows (plan.ts). The IP
// functions are always computed that way, with the same data as the DuckDB store (src/enrich/).
import type { Expr, FuncCall, SqlType } from '../../../query/sql/ast.js';
import { QueryError } from '../../../query/errors.js';
import { findColumn } from '../../../event/columns.js';
import { parseWindowSeconds } from '../../duckdb/dialect/time.js';
import { formatExpression } from './datetime.js';
import { escapeRegex } from '../../../query/search/re2.js';
import { NotPushable, quoteString } from './quote.js';
import type { ClickHouseRenderer } from './sql.js';

type Render = (call: FuncCall, args: string[], r: ClickHouseRenderer) => string;

const q = quoteString;
const argType = (call: FuncCall, i: number): SqlType => call.args[i]?.type ?? 'unknown';

function stringLiteral(e: Expr | undefined, what: string, pos: number): string {
  if (!e || e.kind !== 'literal' || e.literal !== 'string') {
    throw new QueryError(`${what} must be a string literal`, e?.pos ?? pos);
  }
  return e.value;
}

function literalString(call: FuncCall, i: number, what: string): string {
  const e = call.args[i];
  if (!e || e.kind !== 'literal' || e.literal !== 'string')
    throw new NotPushable(`${what} that is not a constant`);
  return e.value;
}

function literalInteger(call: FuncCall, i: number, what: string): number {
  const e = call.args[i];
  if (e && e.kind === 'literal' && e.literal === 'integer') return Number(e.value);
  if (e && e.kind === 'unary' && e.op === '-' && e.expr.kind === 'literal' && e.expr.literal === 'integer')
    return -Number(e.expr.value);
  throw new NotPushable(`${what} that is not a constant`);
}

/** The argument as a DateTime64(6) in the query zone: unix seconds convert, text parses. */
export function asTimestamp(call: FuncCall, i: number, args: string[], r: ClickHouseRenderer): string {
  const t = argType(call, i);
  if (t === 'bigint' || t === 'double') return r.secondsToTimestamp(args[i]);
  if (t === 'varchar') return `parseDateTime64BestEffortOrNull(${args[i]}, 6, ${q(r.timezone)})`;
  if (t === 'date') return `toDateTime64(${args[i]}, 6, ${q(r.timezone)})`;
  return args[i];
}

/** `CASE WHEN valid JSON array THEN x END` (Presto's json_array_* give NULL for anything else). */
function ifJsonArray(call: FuncCall, j: string, x: string): string {
  const e = call.args[0];
  const stored =
    e.kind === 'column' && e.binding?.kind === 'field' && findColumn(e.binding.name)?.kind === 'jsonArray';
  if (stored) return x;
  return `if(isValidJSON(${j}) AND JSONType(${j}) = 'Array', ${x}, NULL)`;
}

/** A JSON element's value as DuckDB's json_extract_string: strings unquoted, others as JSON text. */
function jsonScalarText(j: string, keys: string): string {
  return `multiIf(JSONType(${j}${keys}) = 'String', JSONExtractString(${j}${keys}), JSONType(${j}${keys}) = 'Null', NULL, JSONExtractRaw(${j}${keys}))`;
}

/**
 * A literal Presto JSONPath (`$.a.b[0]`, `$["a.b"]`) as ClickHouse JSON access keys (`, 'a', 'b', 1`;
 * array indexes are 1-based there). Wildcards and filters are not pushable.
 */
function jsonKeys(call: FuncCall, i: number): string {
  const path = literalString(call, i, 'a JSON path');
  let rest = path.trim();
  if (!rest.startsWith('$')) throw new NotPushable('a JSON path not starting with $');
  rest = rest.slice(1);
  const keys: string[] = [];
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest))) keys.push(q(m[1]));
    else if ((m = /^\.?\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) keys.push(q(m[1]));
    else if ((m = /^\.?\[\s*'([^']*)'\s*\]/.exec(rest))) keys.push(q(m[1]));
    else if ((m = /^\.?"((?:[^"\\]|\\.)*)"/.exec(rest))) keys.push(q(m[1]));
    else if ((m = /^\[\s*(\d+)\s*\]/.exec(rest))) keys.push(String(Number(m[1]) + 1));
    else throw new NotPushable(`the JSON path ${path}`);
    rest = rest.slice(m[0].length);
  }
  return keys.map((k) => `, ${k}`).join('');
}

/** A regex argument: constant, as the engine needs for extraction. */
function regexLiteral(call: FuncCall, i: number, args: string[]): string {
  literalString(call, i, 'a regular expression');
  return args[i];
}

/** Parts of a URL (RFC 3986 appendix B) as in the DuckDB dialect, NULL when absent. */
const URL_RE = {
  protocol: '^([a-zA-Z][a-zA-Z0-9+.-]*):',
  host: '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^\\]]*\\]|[^:/?#]*)',
  port: '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(?:\\[[^\\]]*\\]|[^:/?#]*):([0-9]+)',
  path: '^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?://[^/?#]*)?([^?#]*)',
  query: '^[^?#]*\\?([^#]*)',
  fragment: '#(.*)$',
};

function extractOrNull(s: string, re: string, group: string): string {
  return `if(match(${s}, ${re}), regexpExtract(${s}, ${re}, ${group}), NULL)`;
}

function urlPart(part: keyof typeof URL_RE, u: string): string {
  return extractOrNull(u, q(URL_RE[part]), '1');
}

/** Presto/DuckDB round: half away from zero (ClickHouse rounds floats half to even). */
function roundHalfAway(x: string, digits: number): string {
  const m = 10 ** digits;
  const y = digits === 0 ? `toFloat64(${x})` : `(toFloat64(${x}) * ${m})`;
  const r = `(sign(${y}) * floor(abs(${y}) + 0.5))`;
  return digits === 0 ? r : `(${r} / ${m})`;
}

const UNIT_INTERVAL: Record<string, string> = {
  millisecond: 'toIntervalMillisecond',
  second: 'toIntervalSecond',
  minute: 'toIntervalMinute',
  hour: 'toIntervalHour',
  day: 'toIntervalDay',
  week: 'toIntervalWeek',
  month: 'toIntervalMonth',
  quarter: 'toIntervalQuarter',
  year: 'toIntervalYear',
};

function unitArg(call: FuncCall, i: number, allowed: string[]): string {
  const u = stringLiteral(call.args[i], `${call.name} unit`, call.pos).toLowerCase();
  if (!allowed.includes(u)) {
    throw new QueryError(
      `${call.name}: '${u}' is not a valid unit; use one of ${allowed.join(', ')}`,
      call.args[i].pos,
    );
  }
  return u;
}

/** The start of `unit` containing DateTime `t` (Monday weeks), as a DateTime64(6) in the zone. */
function startOf(unit: string, t: string, tz: string): string {
  const fn: Record<string, string> = {
    second: `toStartOfSecond(${t})`,
    minute: `toStartOfMinute(${t})`,
    hour: `toStartOfHour(${t})`,
    day: `toStartOfDay(${t})`,
    week: `toStartOfWeek(${t}, 1)`,
    month: `toStartOfMonth(${t})`,
    quarter: `toStartOfQuarter(${t})`,
    year: `toStartOfYear(${t})`,
  };
  return `toDateTime64(${fn[unit]}, 6, ${q(tz)})`;
}

const passthrough =
  (name: string): Render =>
  (_c, a) =>
    `${name}(${a.join(', ')})`;

/** An aggregate: its ClickHouse name, parameters (`quantileGK(10000, p)`), and arguments. */
interface AggregateCall {
  name: string;
  params?: string[];
  args: string[];
  /** A condition of its own (the -If combinator), ANDed with a FILTER clause. */
  cond?: string;
  /** An expression around the aggregate (geometric_mean = exp(avg(ln x))). */
  wrap?: (aggregate: string) => string;
}

const AGGREGATES: Record<string, (call: FuncCall, a: string[]) => AggregateCall> = {
  count: (c, a) =>
    c.star || a.length === 0
      ? { name: 'count', args: [] }
      : { name: c.distinct ? 'uniqExact' : 'count', args: [a[0]] },
  count_if: (_c, a) => ({ name: 'countIf', args: [a[0]] }),
  sum: (c, a) => ({ name: c.distinct ? 'sumDistinct' : 'sum', args: [a[0]] }),
  avg: (c, a) => ({ name: c.distinct ? 'avgDistinct' : 'avg', args: [a[0]] }),
  min: (_c, a) => ({ name: 'min', args: [a[0]] }),
  max: (_c, a) => ({ name: 'max', args: [a[0]] }),
  // any() skips NULLs, as DuckDB's any_value.
  arbitrary: (_c, a) => ({ name: 'any', args: [a[0]] }),
  max_by: (c, a) => {
    if (a.length === 3) throw new NotPushable('max_by with a count');
    return { name: 'argMax', args: [a[0], a[1]] };
  },
  min_by: (c, a) => {
    if (a.length === 3) throw new NotPushable('min_by with a count');
    return { name: 'argMin', args: [a[0], a[1]] };
  },
  approx_distinct: (_c, a) => ({ name: 'uniq', args: [a[0]] }),
  approx_percentile: (c, a) => {
    if (a.length === 3)
      throw new QueryError(
        'approx_percentile with weights is not supported; use approx_percentile(x, p)',
        c.pos,
      );
    // Greenwald-Khanna: bounded memory, answers are input values (exact on small inputs), as
    // DuckDB's approx_quantile returns the input type. Levels must be constants.
    const p = c.args[1];
    if (p.kind === 'literal' && (p.literal === 'decimal' || p.literal === 'integer'))
      return { name: 'quantileGK', params: ['10000', p.value], args: [a[0]] };
    if (p.kind === 'array' && p.items.every((x) => x.kind === 'literal'))
      return {
        name: 'quantilesGK',
        params: ['10000', ...p.items.map((x) => (x as { value: string }).value)],
        args: [a[0]],
      };
    throw new NotPushable('approx_percentile with a level that is not a constant');
  },
  // Counts per distinct non-NULL value as a Map (DuckDB's histogram is a MAP too).
  histogram: (_c, a) => ({
    name: 'sumMap',
    args: [`map(assumeNotNull(${a[0]}), toUInt64(1))`],
    cond: `isNotNull(${a[0]})`,
  }),
  // DuckDB's list() keeps NULL elements and is NULL over no rows; groupArray skips NULLs and an
  // array cannot be NULL in ClickHouse. Only array_join(array_agg(x), sep) has the same answer
  // (array_join skips NULLs; see SCALARS.array_join); anywhere else array_agg is finished in DuckDB.
  array_agg: () => {
    throw new NotPushable('array_agg outside array_join');
  },
  bool_and: (_c, a) => ({ name: 'min', args: [a[0]] }),
  bool_or: (_c, a) => ({ name: 'max', args: [a[0]] }),
  every: (_c, a) => ({ name: 'min', args: [a[0]] }),
  stddev: (_c, a) => ({ name: 'stddevSamp', args: [a[0]] }),
  stddev_samp: (_c, a) => ({ name: 'stddevSamp', args: [a[0]] }),
  stddev_pop: (_c, a) => ({ name: 'stddevPop', args: [a[0]] }),
  variance: (_c, a) => ({ name: 'varSamp', args: [a[0]] }),
  var_samp: (_c, a) => ({ name: 'varSamp', args: [a[0]] }),
  var_pop: (_c, a) => ({ name: 'varPop', args: [a[0]] }),
  geometric_mean: (_c, a) => ({ name: 'avg', args: [`log(${a[0]})`], wrap: (x) => `exp(${x})` }),
};

const SIMPLE_WINDOWS: Record<string, string> = {
  row_number: 'row_number',
  rank: 'rank',
  dense_rank: 'dense_rank',
  percent_rank: 'percent_rank',
  ntile: 'ntile',
  nth_value: 'nth_value',
  // ClickHouse's first_value/last_value skip NULLs; SQL's do not.
  first_value: 'first_value_respect_nulls',
  last_value: 'last_value_respect_nulls',
};

const SCALARS: Record<string, Render> = {
  // ---- date and time
  from_unixtime: (c, a, r) => {
    if (a.length === 1) return r.secondsToTimestamp(a[0]);
    if (a.length === 2) return `toDateTime64(${a[0]}, 6, ${q(literalString(c, 1, 'a time zone'))})`;
    return `toDateTime64(${a[0]} + ${a[1]} * 3600 + ${a[2]} * 60, 6, 'UTC')`;
  },
  to_unixtime: (c, a, r) => {
    const t = argType(c, 0);
    if (t === 'bigint' || t === 'double') return `toFloat64(${a[0]})`;
    return `(toFloat64(toUnixTimestamp64Micro(${asTimestamp(c, 0, a, r)})) / 1000000)`;
  },
  date_format: (c, a, r) =>
    formatExpression(asTimestamp(c, 0, a, r), stringLiteral(c.args[1], 'date_format format', c.pos)),
  date_parse: (c, a, r) => {
    const fmt = literalString(c, 1, 'a date_parse format');
    // parseDateTime reads MySQL specifiers natively; the fraction (%f) is not parsed there.
    if (/%[fD]/.test(fmt)) throw new NotPushable('date_parse with %f or %D');
    return `toDateTime64(parseDateTime(${a[0]}, ${q(fmt)}, ${q(r.timezone)}), 6, ${q(r.timezone)})`;
  },
  date_trunc: (c, a, r) => {
    const unit = unitArg(c, 0, ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
    const t = argType(c, 1);
    if (t === 'bigint' || t === 'double') {
      // Unix seconds in, unix seconds out (§9 U-5), truncated in the query zone.
      const x = `toInt64(floor(${a[1]}))`;
      if (unit === 'second') return x;
      if (unit === 'minute') return `(${x} - ((${x} % 60) + 60) % 60)`;
      return `toInt64(toUnixTimestamp64Micro(${startOf(unit, `toDateTime(${x}, ${q(r.timezone)})`, r.timezone)}) / 1000000)`;
    }
    return startOf(unit, asTimestamp(c, 1, a, r), r.timezone);
  },
  date_add: (c, a, r) => {
    const unit = unitArg(c, 0, Object.keys(UNIT_INTERVAL));
    return `(${asTimestamp(c, 2, a, r)} + ${UNIT_INTERVAL[unit]}(toInt64(${a[1]})))`;
  },
  date_diff: (c, a, r) => {
    const unit = unitArg(c, 0, Object.keys(UNIT_INTERVAL));
    // age() counts whole units elapsed, as Presto (and DuckDB's date_sub).
    return `age(${q(unit)}, ${asTimestamp(c, 1, a, r)}, ${asTimestamp(c, 2, a, r)})`;
  },
  time_series: (c, a, r) => {
    // Without padding (time_series is not the only GROUP BY key): the bucket start, formatted.
    const w = stringLiteral(c.args[1], 'time_series window', c.pos);
    const step = parseWindowSeconds(w, c.args[1].pos);
    const bucket = `(toInt64(floor(toFloat64(${a[0]}) / ${step})) * ${step})`;
    return formatExpression(
      r.secondsToTimestamp(bucket),
      stringLiteral(c.args[2], 'time_series format', c.pos),
    );
  },
  current_timestamp: (_c, _a, r) => `now64(6, ${q(r.timezone)})`,
  localtimestamp: (_c, _a, r) => `now64(6, ${q(r.timezone)})`,
  now: (_c, _a, r) => `now64(6, ${q(r.timezone)})`,
  current_date: (_c, _a, r) => `toDate(now(${q(r.timezone)}))`,
  current_time: (_c, _a, r) => formatExpression(`now64(6, ${q(r.timezone)})`, '%H:%i:%S'),
  current_timezone: (_c, _a, r) => q(r.timezone),
  from_iso8601_timestamp: (_c, a, r) => `parseDateTime64BestEffortOrNull(${a[0]}, 6, ${q(r.timezone)})`,
  from_iso8601_date: (_c, a) => `toDate(${a[0]})`,
  to_iso8601: (c, a, r) => {
    const t = asTimestamp(c, 0, a, r);
    return `concat(${formatExpression(t, '%Y-%m-%dT%H:%i:%S')}, '.', leftPad(toString(intDiv(((toUnixTimestamp64Micro(${t}) % 1000000) + 1000000) % 1000000, 1000)), 3, '0'))`;
  },
  year: (c, a, r) => `toYear(${asTimestamp(c, 0, a, r)})`,
  quarter: (c, a, r) => `toQuarter(${asTimestamp(c, 0, a, r)})`,
  month: (c, a, r) => `toMonth(${asTimestamp(c, 0, a, r)})`,
  week: (c, a, r) => `toISOWeek(${asTimestamp(c, 0, a, r)})`,
  week_of_year: (c, a, r) => `toISOWeek(${asTimestamp(c, 0, a, r)})`,
  day: (c, a, r) => `toDayOfMonth(${asTimestamp(c, 0, a, r)})`,
  day_of_month: (c, a, r) => `toDayOfMonth(${asTimestamp(c, 0, a, r)})`,
  day_of_week: (c, a, r) => `toDayOfWeek(${asTimestamp(c, 0, a, r)})`,
  dow: (c, a, r) => `toDayOfWeek(${asTimestamp(c, 0, a, r)})`,
  day_of_year: (c, a, r) => `toDayOfYear(${asTimestamp(c, 0, a, r)})`,
  doy: (c, a, r) => `toDayOfYear(${asTimestamp(c, 0, a, r)})`,
  hour: (c, a, r) => `toHour(${asTimestamp(c, 0, a, r)})`,
  minute: (c, a, r) => `toMinute(${asTimestamp(c, 0, a, r)})`,
  second: (c, a, r) => `toSecond(${asTimestamp(c, 0, a, r)})`,
  millisecond: (c, a, r) => `(((toUnixTimestamp64Milli(${asTimestamp(c, 0, a, r)}) % 1000) + 1000) % 1000)`,

  // ---- regular expressions (RE2 on both engines)
  regexp_extract: (c, a) => {
    const group = c.args[2];
    if (group && !(group.kind === 'literal' && group.literal === 'integer')) {
      throw new QueryError('regexp_extract group must be an integer literal', group.pos);
    }
    const re = regexLiteral(c, 1, a);
    return extractOrNull(a[0], re, group ? a[2] : '0');
  },
  regexp_like: (c, a) => `match(${a[0]}, ${regexLiteral(c, 1, a)})`,
  regexp_replace: (c, a) => {
    const rep = c.args[2];
    let replacement = a[2] ?? "''";
    if (rep) {
      // Presto writes groups as $1, ClickHouse as \1; a literal backslash must be doubled.
      const text = literalString(c, 2, 'a regexp_replace replacement');
      replacement = q(text.replace(/\\/g, '\\\\').replace(/\$(\d)/g, '\\$1'));
    }
    return `replaceRegexpAll(${a[0]}, ${regexLiteral(c, 1, a)}, ${replacement})`;
  },

  // ---- JSON (values are JSON text)
  json_array_length: (c, a) => ifJsonArray(c, a[0], `toInt64(JSONLength(${a[0]}))`),
  json_array_get: (c, a) => {
    const n = literalInteger(c, 1, 'a json_array_get index');
    const key = `, ${n >= 0 ? n + 1 : n}`;
    return ifJsonArray(c, a[0], jsonScalarText(a[0], key));
  },
  json_array_contains: (c, a) =>
    ifJsonArray(
      c,
      a[0],
      // JSONExtractArrayRaw cannot return a Nullable array: a NULL input is handled outside it.
      `if(${a[0]} IS NULL, NULL, has(arrayMap(x -> if(JSONType(x) = 'String', JSONExtractString(x), x), JSONExtractArrayRaw(assumeNotNull(${a[0]}))), toString(${a[1]})))`,
    ),
  json_format: (c, a) => (argType(c, 0) === 'varchar' ? a[0] : `toString(${a[0]})`),
  json_extract: (c, a) => {
    const k = jsonKeys(c, 1);
    return `if(isValidJSON(${a[0]}), nullIf(JSONExtractRaw(${a[0]}${k}), ''), NULL)`;
  },
  json_extract_scalar: (c, a) => {
    const k = jsonKeys(c, 1);
    return `if(isValidJSON(${a[0]}) AND JSONType(${a[0]}${k}) NOT IN ('Object', 'Array') AND JSONHas(${a[0]}${k}), ${jsonScalarText(a[0], k)}, NULL)`;
  },
  json_size: (c, a) => {
    const k = jsonKeys(c, 1);
    return `if(isValidJSON(${a[0]}) AND JSONHas(${a[0]}${k}), if(JSONType(${a[0]}${k}) IN ('Object', 'Array'), toInt64(JSONLength(${a[0]}${k})), 0), NULL)`;
  },

  // ---- strings
  length: (_c, a) => `toInt64(lengthUTF8(${a[0]}))`,
  lower: passthrough('lowerUTF8'),
  upper: passthrough('upperUTF8'),
  trim: (_c, a) => `trimBoth(${a[0]})`,
  ltrim: (_c, a) => `trimLeft(${a[0]})`,
  rtrim: (_c, a) => `trimRight(${a[0]})`,
  reverse: passthrough('reverseUTF8'),
  // Presto's concat is NULL if any argument is NULL; so is ClickHouse's.
  concat: (c, a) =>
    c.args.some((x) => x.type === 'array')
      ? `arrayConcat(${a.join(', ')})`
      : `concat(${a.map((x, i) => (argType(c, i) === 'varchar' ? x : `toString(${x})`)).join(', ')})`,
  replace: (_c, a) => `replaceAll(${a[0]}, ${a[1]}, ${a[2] ?? "''"})`,
  split: (c, a) => {
    if (a.length === 3) throw new NotPushable('split with a limit');
    return `splitByString(${a[1]}, ${a[0]})`;
  },
  // Presto: NULL when the index is past the last part.
  split_part: (_c, a) =>
    `if(${a[2]} <= length(splitByString(${a[1]}, ${a[0]})), arrayElement(splitByString(${a[1]}, ${a[0]}), ${a[2]}), NULL)`,
  strpos: (_c, a) => `toInt64(positionUTF8(${a[0]}, ${a[1]}))`,
  position: (_c, a) => `toInt64(positionUTF8(${a[1]}, ${a[0]}))`,
  substr: (_c, a) => `substringUTF8(${a.join(', ')})`,
  substring: (_c, a) => `substringUTF8(${a.join(', ')})`,
  lpad: passthrough('leftPadUTF8'),
  rpad: passthrough('rightPadUTF8'),
  starts_with: passthrough('startsWith'),
  ends_with: passthrough('endsWith'),
  chr: (c) => q(String.fromCodePoint(literalInteger(c, 0, 'a chr() argument'))),
  md5: (_c, a) => `lower(hex(MD5(${a[0]})))`,
  sha256: (_c, a) => `lower(hex(SHA256(${a[0]})))`,
  to_hex: (c, a) => {
    if (argType(c, 0) !== 'varchar') throw new NotPushable('to_hex of a number');
    return `hex(${a[0]})`;
  },

  // ---- URL
  url_extract_protocol: (_c, a) => urlPart('protocol', a[0]),
  url_extract_host: (_c, a) => urlPart('host', a[0]),
  url_extract_port: (_c, a) => `toInt64OrNull(${urlPart('port', a[0])})`,
  url_extract_path: (_c, a) => urlPart('path', a[0]),
  url_extract_query: (_c, a) => urlPart('query', a[0]),
  url_extract_fragment: (_c, a) => urlPart('fragment', a[0]),
  // Same bytes as DuckDB's: RFC 3986 unreserved characters kept, '+' not decoded, bad escapes kept.
  url_encode: passthrough('encodeURLComponent'),
  url_decode: passthrough('decodeURLComponent'),
  url_extract_parameter: (c, a) => {
    const name = literalString(c, 1, 'a parameter name');
    const re = q(`(?:^|[?&])${escapeRegex(name)}=([^&#]*)`);
    return extractOrNull(urlPart('query', a[0]), re, '1');
  },

  // ---- mathematics
  abs: passthrough('abs'),
  ceil: passthrough('ceil'),
  ceiling: passthrough('ceil'),
  floor: passthrough('floor'),
  round: (c, a) => {
    if (argType(c, 0) === 'bigint' && (a.length === 1 || literalInteger(c, 1, 'round digits') >= 0))
      return a[0];
    return roundHalfAway(a[0], a.length === 1 ? 0 : literalInteger(c, 1, 'round digits'));
  },
  truncate: (_c, a) => `trunc(toFloat64(${a[0]}))`,
  sqrt: passthrough('sqrt'),
  cbrt: passthrough('cbrt'),
  pow: passthrough('pow'),
  power: passthrough('pow'),
  exp: passthrough('exp'),
  ln: passthrough('log'),
  log: (_c, a) => `(log(${a[1]}) / log(${a[0]}))`,
  log2: passthrough('log2'),
  log10: passthrough('log10'),
  mod: (_c, a) => `(${a[0]} % nullIf(${a[1]}, 0))`,
  sign: passthrough('sign'),
  pi: () => 'pi()',
  e: () => 'e()',
  rand: () => 'randCanonical()',
  random: () => 'randCanonical()',
  radians: passthrough('radians'),
  degrees: passthrough('degrees'),
  sin: passthrough('sin'),
  cos: passthrough('cos'),
  tan: passthrough('tan'),
  asin: passthrough('asin'),
  acos: passthrough('acos'),
  atan: passthrough('atan'),
  atan2: passthrough('atan2'),
  is_nan: passthrough('isNaN'),
  is_finite: passthrough('isFinite'),
  is_infinite: passthrough('isInfinite'),
  infinity: () => 'inf',
  nan: () => 'nan',
  greatest: passthrough('greatest'),
  least: passthrough('least'),

  // ---- conditional
  if: (_c, a) => `(CASE WHEN ${a[0]} THEN ${a[1]}${a[2] !== undefined ? ` ELSE ${a[2]}` : ''} END)`,
  coalesce: passthrough('coalesce'),
  nullif: passthrough('nullIf'),

  // ---- arrays and maps
  cardinality: (_c, a) => `toInt64(length(${a[0]}))`,
  contains: (_c, a) => `has(${a[0]}, ${a[1]})`,
  element_at: (c, a) =>
    argType(c, 0) === 'map'
      ? `if(mapContains(${a[0]}, ${a[1]}), ${a[0]}[${a[1]}], NULL)`
      : `arrayElementOrNull(${a[0]}, ${a[1]})`,
  array_join: (c, a, r) => {
    const inner = c.args[0];
    if (inner.kind === 'func' && inner.name === 'array_agg' && !inner.over) {
      // NULL over no rows, as DuckDB's array_to_string(list(x)); NULL elements are skipped by both.
      const x = r.expr(inner.args[0]);
      const filter = inner.filter ? r.expr(inner.filter) : undefined;
      const list = `${inner.distinct ? 'groupUniqArray' : 'groupArray'}${filter ? 'If' : ''}(${x}${filter ? `, ${filter}` : ''})`;
      const n = filter ? `countIf(${filter})` : 'count()';
      return `if(${n} = 0, NULL, arrayStringConcat(${list}, ${a[1]}))`;
    }
    return `arrayStringConcat(${a[0]}, ${a[1]})`;
  },
  array_max: passthrough('arrayMax'),
  array_min: passthrough('arrayMin'),
  array_position: (_c, a) => `toInt64(indexOf(${a[0]}, ${a[1]}))`,
  array_sort: passthrough('arraySort'),
  slice: (_c, a) => `arraySlice(${a[0]}, ${a[1]}, ${a[2]})`,
  map_keys: passthrough('mapKeys'),
  map_values: passthrough('mapValues'),

  compare: (c) => {
    throw new QueryError(
      'compare() must be the outer aggregate over a subquery: select compare(x, 86400) from (select count(*) as x from log)',
      c.pos,
    );
  },
};

/** True when ClickHouse has a translation of `name` (it may still defer some argument forms). */
export function pushableFunction(name: string): boolean {
  return name in SCALARS || name in AGGREGATES || name in SIMPLE_WINDOWS || name === 'lag' || name === 'lead';
}

export function renderFunction(call: FuncCall, r: ClickHouseRenderer): string {
  if (!pushableFunction(call.name)) throw new NotPushable(`function ${call.name}`);
  // array_join renders an array_agg argument itself (see SCALARS.array_join).
  const args =
    call.name === 'array_join' && call.args[0].kind === 'func' && call.args[0].name === 'array_agg'
      ? ['', r.expr(call.args[1])]
      : call.args.map((x) => r.expr(x));
  if (AGGREGATES[call.name]) {
    const agg = AGGREGATES[call.name](call, args);
    let name = agg.name;
    const aggArgs = [...agg.args];
    const conds = [...(agg.cond ? [agg.cond] : []), ...(call.filter ? [r.expr(call.filter)] : [])];
    if (conds.length) {
      name += 'If';
      aggArgs.push(conds.join(' AND '));
    }
    const params = agg.params ? `(${agg.params.join(', ')})` : '';
    const sql = `${name}${params}(${aggArgs.join(', ')})${call.over ? ` OVER ${r.window(call.over)}` : ''}`;
    return agg.wrap ? agg.wrap(sql) : sql;
  }
  if (call.name === 'lag' || call.name === 'lead') {
    if (!call.over) throw new NotPushable(`${call.name} without OVER`);
    // lagInFrame/leadInFrame look inside the frame only: the whole partition is SQL's lag/lead.
    // toNullable: past the partition's edge SQL gives NULL, not the type's default.
    const fn = call.name === 'lag' ? 'lagInFrame' : 'leadInFrame';
    const fnArgs = [`toNullable(${args[0]})`, ...args.slice(1)];
    return `${fn}(${fnArgs.join(', ')}) OVER ${r.window({ ...call.over, frame: { unit: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'unboundedFollowing' } } })}`;
  }
  if (SIMPLE_WINDOWS[call.name]) {
    if (!call.over) throw new NotPushable(`${call.name} without OVER`);
    // ntile's bucket count and nth_value's position must be unsigned there.
    const fnArgs =
      call.name === 'ntile'
        ? [`toUInt64(${args[0]})`]
        : call.name === 'nth_value'
          ? [args[0], `toUInt64(${args[1]})`]
          : args;
    return `${SIMPLE_WINDOWS[call.name]}(${fnArgs.join(', ')}) OVER ${r.window(call.over)}`;
  }
  const sql = SCALARS[call.name](call, args, r);
  if (call.over) throw new NotPushable(`${call.name} with OVER`);
  return sql;
}
