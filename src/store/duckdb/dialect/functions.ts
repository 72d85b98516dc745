// DuckDB translations of the function catalogue (src/query/functions.ts), with SLS/Presto
// semantics where DuckDB differs (sls-query.md §4.4): NULL when a regex does not match,
// json_array_get returning strings unquoted, MySQL-style date formats, truncation of unix seconds
// to bigint (§9 U-5), Presto's NULL-propagating concat, 0-based JSON array indexes, and so on.
import { quoteString } from './quote.js';
import type { Expr, FuncCall, SqlType } from '../../../query/sql/ast.js';
import { QueryError } from '../../../query/errors.js';
import { translateFormat, translateParseFormat } from './datetime.js';
import { localToSeconds, parseWindowSeconds, secondsToLocal } from './time.js';
import type { SqlRenderer } from './sql.js';
import { ENRICH_FUNCTIONS } from '../../../enrich/catalog.js';
import { dedupName } from '../../../enrich/duckdb.js';
import { containsWindow } from '../../../query/sql/bind.js';
import { findColumn } from '../../../event/columns.js';

type Render = (call: FuncCall, args: string[], r: SqlRenderer) => string;

function q(s: string): string {
  return quoteString(s);
}

function stringLiteral(e: Expr | undefined, what: string, pos: number): string {
  if (!e || e.kind !== 'literal' || e.literal !== 'string') {
    throw new QueryError(`${what} must be a string literal`, e?.pos ?? pos);
  }
  return e.value;
}

const argType = (call: FuncCall, i: number): SqlType => call.args[i]?.type ?? 'unknown';

/** The argument as a TIMESTAMP in the query zone: unix seconds convert, text casts. */
function asTimestamp(call: FuncCall, i: number, args: string[], r: SqlRenderer): string {
  const t = argType(call, i);
  if (t === 'bigint' || t === 'double') return secondsToLocal(args[i], r.timezone, t === 'bigint');
  if (t === 'varchar') return `CAST(${args[i]} AS TIMESTAMP)`;
  return args[i];
}

/** Presto JSONPath (`$.a.b[0]`, `$["a.b"]`) → DuckDB path (`$."a.b"`), for literal paths. */
function jsonPath(call: FuncCall, i: number, args: string[]): string {
  const e = call.args[i];
  if (e.kind === 'literal' && e.literal === 'string') {
    const p = e.value
      .replace(/\[\s*"((?:[^"\\]|\\.)*)"\s*\]/g, '."$1"')
      .replace(/\[\s*'([^']*)'\s*\]/g, '."$1"');
    return q(p);
  }
  return args[i];
}

/**
 * True for a stored array field (`sourceIPs`, `user.groups`): ingest writes it as a JSON array or
 * NULL, so the validity guard below can be skipped (each guard re-parses the JSON).
 */
function isStoredJsonArray(e: Expr): boolean {
  return (
    e.kind === 'column' && e.binding?.kind === 'field' && findColumn(e.binding.name)?.kind === 'jsonArray'
  );
}

/** `CASE WHEN valid JSON array THEN x END`: Presto's json_array_* give NULL for anything else. */
function ifJsonArray(call: FuncCall, j: string, x: string): string {
  if (isStoredJsonArray(call.args[0])) return x;
  return `CASE WHEN json_valid(${j}) AND json_type(${j}) = 'ARRAY' THEN ${x} END`;
}

/** Regex functions: NULL when there is no match (Presto), not DuckDB's empty string. */
function regexExtract(call: FuncCall, a: string[]): string {
  const group = call.args[2];
  if (group && !(group.kind === 'literal' && group.literal === 'integer')) {
    throw new QueryError('regexp_extract group must be an integer literal', group.pos);
  }
  return firstMatch(a[0], a[1], group ? a[2] : '0');
}

/**
 * Group `group` of the first match of `re` in `s`, NULL when nothing matches (Presto). The first
 * element of regexp_extract_all is exactly that (an empty list gives NULL), with one regular
 * expression instead of regexp_matches then regexp_extract (half the patterns to compile when the
 * query is prepared and to run on matching rows).
 */
function firstMatch(s: string, re: string, group: string): string {
  return `regexp_extract_all(${s}, ${re}, ${group})[1]`;
}

const DATE_UNITS = ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

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

function dateFormat(ts: string, fmt: string): string {
  const pieces = translateFormat(fmt).map((p) =>
    p.kind === 'strftime'
      ? `strftime(${ts}, ${q(p.format)})`
      : // 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 31st
        `(CASE WHEN day(${ts}) IN (11, 12, 13) THEN 'th' WHEN day(${ts}) % 10 = 1 THEN 'st' WHEN day(${ts}) % 10 = 2 THEN 'nd' WHEN day(${ts}) % 10 = 3 THEN 'rd' ELSE 'th' END)`,
  );
  return pieces.length === 1 ? pieces[0] : `(${pieces.join(' || ')})`;
}

/** Parts of a URL (RFC 3986 appendix B), NULL when absent. */
const URL_RE = {
  protocol: '^([a-zA-Z][a-zA-Z0-9+.-]*):',
  host: '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^\\]]*\\]|[^:/?#]*)',
  port: '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(?:\\[[^\\]]*\\]|[^:/?#]*):([0-9]+)',
  path: '^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?://[^/?#]*)?([^?#]*)',
  query: '^[^?#]*\\?([^#]*)',
  fragment: '#(.*)$',
};

function urlPart(part: keyof typeof URL_RE, u: string): string {
  return firstMatch(u, q(URL_RE[part]), '1');
}

const passthrough =
  (name: string): Render =>
  (_c, a) =>
    `${name}(${a.join(', ')})`;

/** Aggregates: DISTINCT, FILTER and OVER are handled by the caller. */
const AGGREGATES: Record<string, (call: FuncCall, a: string[]) => string> = {
  count: (c, a) => (c.star || a.length === 0 ? 'count(*)' : `count(${c.distinct ? 'DISTINCT ' : ''}${a[0]})`),
  // DuckDB's count_if is NULL over no rows; Presto's (and SLS's) is 0, as count() of the true rows is.
  count_if: (_c, a) => `count(CASE WHEN ${a[0]} THEN 1 END)`,
  sum: (c, a) => `sum(${c.distinct ? 'DISTINCT ' : ''}${a[0]})`,
  avg: (c, a) => `avg(${c.distinct ? 'DISTINCT ' : ''}${a[0]})`,
  min: (_c, a) => `min(${a[0]})`,
  max: (_c, a) => `max(${a[0]})`,
  arbitrary: (_c, a) => `any_value(${a[0]})`,
  max_by: (_c, a) =>
    a.length === 3
      ? `CAST(to_json(arg_max(${a[0]}, ${a[1]}, ${a[2]})) AS VARCHAR)`
      : `arg_max(${a[0]}, ${a[1]})`,
  min_by: (_c, a) =>
    a.length === 3
      ? `CAST(to_json(arg_min(${a[0]}, ${a[1]}, ${a[2]})) AS VARCHAR)`
      : `arg_min(${a[0]}, ${a[1]})`,
  approx_distinct: (_c, a) => `approx_count_distinct(${a[0]})`,
  approx_percentile: (c, a) => {
    if (a.length === 3)
      throw new QueryError(
        'approx_percentile with weights is not supported; use approx_percentile(x, p)',
        c.pos,
      );
    // DuckDB wants FLOAT quantiles; a literal is written as is.
    const p = c.args[1];
    const quantile =
      p.kind === 'literal'
        ? p.value
        : p.type === 'array'
          ? `CAST(${a[1]} AS FLOAT[])`
          : `CAST(${a[1]} AS FLOAT)`;
    return `approx_quantile(${a[0]}, ${quantile})`;
  },
  histogram: (_c, a) => `histogram(${a[0]})`,
  array_agg: (c, a) => `list(${c.distinct ? 'DISTINCT ' : ''}${a[0]})`,
  bool_and: (_c, a) => `bool_and(${a[0]})`,
  bool_or: (_c, a) => `bool_or(${a[0]})`,
  every: (_c, a) => `bool_and(${a[0]})`,
  stddev: (_c, a) => `stddev_samp(${a[0]})`,
  stddev_samp: (_c, a) => `stddev_samp(${a[0]})`,
  stddev_pop: (_c, a) => `stddev_pop(${a[0]})`,
  variance: (_c, a) => `var_samp(${a[0]})`,
  var_samp: (_c, a) => `var_samp(${a[0]})`,
  var_pop: (_c, a) => `var_pop(${a[0]})`,
  geometric_mean: (_c, a) => `geomean(${a[0]})`,
};

const WINDOWS = [
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
];

/**
 * IP functions (src/enrich/catalog.ts): each SLS name calls its registered SQL name; a missing
 * optional argument (the language of ip_to_country & co.) is passed as '' (configured locale).
 */
const IP_FUNCTIONS: Record<string, Render> = Object.fromEntries(
  Object.entries(ENRICH_FUNCTIONS).map(([name, f]): [string, Render] => [
    name,
    (c, a, r) =>
      `${r.ipDedup && !c.args.some(containsWindow) ? dedupName(f) : f.sqlName}(${f.params
        .map((t, i) =>
          a[i] === undefined ? "''" : `CAST(${a[i]} AS ${t === 'bigint' ? 'BIGINT' : 'VARCHAR'})`,
        )
        .join(', ')})`,
  ]),
);

const SCALARS: Record<string, Render> = {
  // ---- date and time
  from_unixtime: (c, a, r) => {
    if (a.length === 1) return secondsToLocal(a[0], r.timezone, argType(c, 0) === 'bigint');
    if (a.length === 2) return `timezone(${a[1]}, to_timestamp(CAST(${a[0]} AS DOUBLE)))`;
    return secondsToLocal(`(${a[0]} + ${a[1]} * 3600 + ${a[2]} * 60)`, 'UTC');
  },
  to_unixtime: (c, a, r) => {
    const t = argType(c, 0);
    if (t === 'bigint' || t === 'double') return `CAST(${a[0]} AS DOUBLE)`;
    return localToSeconds(asTimestamp(c, 0, a, r), r.timezone);
  },
  date_format: (c, a, r) =>
    dateFormat(asTimestamp(c, 0, a, r), stringLiteral(c.args[1], 'date_format format', c.pos)),
  date_parse: (c, a) =>
    `strptime(${a[0]}, ${q(translateParseFormat(stringLiteral(c.args[1], 'date_parse format', c.pos)))})`,
  date_trunc: (c, a, r) => {
    const unit = unitArg(c, 0, ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
    const t = argType(c, 1);
    if (t === 'bigint' || t === 'double') {
      // Unix seconds in, unix seconds out (§9 U-5), truncated in the query zone.
      const x = `CAST(floor(${a[1]}) AS BIGINT)`;
      if (unit === 'second') return x;
      if (unit === 'minute') return `(${x} - (${x} % 60 + 60) % 60)`;
      const local = `date_trunc('${unit}', ${secondsToLocal(x, r.timezone)})`;
      return `CAST(${localToSeconds(local, r.timezone)} AS BIGINT)`;
    }
    return `date_trunc('${unit}', ${asTimestamp(c, 1, a, r)})`;
  },
  date_add: (c, a, r) => {
    const unit = unitArg(c, 0, DATE_UNITS);
    return `(${asTimestamp(c, 2, a, r)} + CAST(${a[1]} AS BIGINT) * INTERVAL 1 ${unit.toUpperCase()})`;
  },
  date_diff: (c, a, r) => {
    const unit = unitArg(c, 0, DATE_UNITS);
    // Presto counts whole units elapsed (DuckDB's date_sub), not boundaries crossed (date_diff).
    return `date_sub('${unit}', ${asTimestamp(c, 1, a, r)}, ${asTimestamp(c, 2, a, r)})`;
  },
  time_series: (c, a, r) => {
    // Without padding (time_series is not the only GROUP BY key, see sql.ts): the bucket start, formatted.
    const w = stringLiteral(c.args[1], 'time_series window', c.pos);
    const step = parseWindowSeconds(w, c.args[1].pos);
    const bucket = `(CAST(floor(CAST(${a[0]} AS DOUBLE) / ${step}) AS BIGINT) * ${step})`;
    return dateFormat(
      secondsToLocal(bucket, r.timezone, true),
      stringLiteral(c.args[2], 'time_series format', c.pos),
    );
  },
  current_timestamp: (_c, _a, r) => `timezone(${q(r.timezone)}, get_current_timestamp())`,
  localtimestamp: (_c, _a, r) => `timezone(${q(r.timezone)}, get_current_timestamp())`,
  now: (_c, _a, r) => `timezone(${q(r.timezone)}, get_current_timestamp())`,
  current_date: (_c, _a, r) => `CAST(timezone(${q(r.timezone)}, get_current_timestamp()) AS DATE)`,
  current_time: (_c, _a, r) => `strftime(timezone(${q(r.timezone)}, get_current_timestamp()), '%H:%M:%S')`,
  current_timezone: (_c, _a, r) => q(r.timezone),
  from_iso8601_timestamp: (_c, a, r) => `timezone(${q(r.timezone)}, CAST(${a[0]} AS TIMESTAMPTZ))`,
  from_iso8601_date: (_c, a) => `CAST(${a[0]} AS DATE)`,
  to_iso8601: (c, a, r) => `strftime(${asTimestamp(c, 0, a, r)}, '%Y-%m-%dT%H:%M:%S.%g')`,
  year: (c, a, r) => `year(${asTimestamp(c, 0, a, r)})`,
  quarter: (c, a, r) => `quarter(${asTimestamp(c, 0, a, r)})`,
  month: (c, a, r) => `month(${asTimestamp(c, 0, a, r)})`,
  week: (c, a, r) => `weekofyear(${asTimestamp(c, 0, a, r)})`,
  week_of_year: (c, a, r) => `weekofyear(${asTimestamp(c, 0, a, r)})`,
  day: (c, a, r) => `day(${asTimestamp(c, 0, a, r)})`,
  day_of_month: (c, a, r) => `day(${asTimestamp(c, 0, a, r)})`,
  day_of_week: (c, a, r) => `isodow(${asTimestamp(c, 0, a, r)})`,
  dow: (c, a, r) => `isodow(${asTimestamp(c, 0, a, r)})`,
  day_of_year: (c, a, r) => `dayofyear(${asTimestamp(c, 0, a, r)})`,
  doy: (c, a, r) => `dayofyear(${asTimestamp(c, 0, a, r)})`,
  hour: (c, a, r) => `hour(${asTimestamp(c, 0, a, r)})`,
  minute: (c, a, r) => `minute(${asTimestamp(c, 0, a, r)})`,
  second: (c, a, r) => `second(${asTimestamp(c, 0, a, r)})`,
  millisecond: (c, a, r) => `(millisecond(${asTimestamp(c, 0, a, r)}) % 1000)`,

  // ---- regular expressions (RE2 in DuckDB; Presto's Joni syntax mostly agrees)
  regexp_extract: (c, a) => regexExtract(c, a),
  regexp_extract_all: (c, a) => `regexp_extract_all(${a[0]}, ${a[1]}${a[2] ? `, ${a[2]}` : ''})`,
  regexp_like: (_c, a) => `regexp_matches(${a[0]}, ${a[1]})`,
  regexp_replace: (c, a) => {
    const rep = c.args[2];
    let replacement = a[2] ?? "''";
    // Presto writes groups as $1, RE2 as \1.
    if (rep && rep.kind === 'literal' && rep.literal === 'string')
      replacement = q(rep.value.replace(/\$(\d)/g, '\\$1'));
    return `regexp_replace(${a[0]}, ${a[1]}, ${replacement}, 'g')`;
  },
  regexp_split: (_c, a) => `regexp_split_to_array(${a[0]}, ${a[1]})`,

  // ---- JSON (values are JSON text)
  json_array_length: (c, a) => ifJsonArray(c, a[0], `CAST(json_array_length(${a[0]}) AS BIGINT)`),
  json_array_get: (c, a) => {
    const idx = c.args[1];
    let path: string;
    if (idx.kind === 'literal' && idx.literal === 'integer') {
      const n = Number(idx.value);
      path = q(n >= 0 ? `$[${n}]` : `$[#${n}]`);
    } else {
      path = `CASE WHEN ${a[1]} >= 0 THEN '$[' || CAST(${a[1]} AS VARCHAR) || ']' ELSE '$[#' || CAST(${a[1]} AS VARCHAR) || ']' END`;
    }
    // Presto's quirk (sls-query.md §4.2): a string element comes back without its quotes; an
    // object or array as its (minified) JSON text. DuckDB's json_extract_string does exactly that.
    return ifJsonArray(c, a[0], `json_extract_string(${a[0]}, ${path})`);
  },
  json_array_contains: (c, a) =>
    ifJsonArray(
      c,
      a[0],
      `list_contains(CAST(json_extract_string(${a[0]}, '$[*]') AS VARCHAR[]), CAST(${a[1]} AS VARCHAR))`,
    ),
  json_format: (_c, a) => `CAST(${a[0]} AS VARCHAR)`,
  json_parse: (_c, a) => `CAST(json(${a[0]}) AS VARCHAR)`,
  json_extract: (c, a) => {
    const p = jsonPath(c, 1, a);
    return `CASE WHEN json_valid(${a[0]}) THEN CAST(json_extract(${a[0]}, ${p}) AS VARCHAR) END`;
  },
  json_extract_scalar: (c, a) => {
    const p = jsonPath(c, 1, a);
    return `CASE WHEN json_valid(${a[0]}) AND json_type(${a[0]}, ${p}) NOT IN ('OBJECT', 'ARRAY') THEN json_extract_string(${a[0]}, ${p}) END`;
  },
  json_size: (c, a) => {
    const p = jsonPath(c, 1, a);
    return `CASE WHEN NOT json_valid(${a[0]}) OR json_type(${a[0]}, ${p}) IS NULL THEN NULL WHEN json_type(${a[0]}, ${p}) = 'ARRAY' THEN CAST(json_array_length(${a[0]}, ${p}) AS BIGINT) WHEN json_type(${a[0]}, ${p}) = 'OBJECT' THEN CAST(len(json_keys(${a[0]}, ${p})) AS BIGINT) ELSE 0 END`;
  },

  // ---- strings
  length: passthrough('length'),
  lower: passthrough('lower'),
  upper: passthrough('upper'),
  trim: passthrough('trim'),
  ltrim: passthrough('ltrim'),
  rtrim: passthrough('rtrim'),
  reverse: passthrough('reverse'),
  // Presto's concat is NULL if any argument is NULL (DuckDB's concat skips NULLs; `||` does not).
  concat: (c, a) =>
    c.args.some((x) => x.type === 'array')
      ? a.reduce((acc, x) => `list_concat(${acc}, ${x})`)
      : `(${a.map((x, i) => (argType(c, i) === 'varchar' ? x : `CAST(${x} AS VARCHAR)`)).join(' || ')})`,
  replace: (_c, a) => `replace(${a[0]}, ${a[1]}, ${a[2] ?? "''"})`,
  split: (_c, a) =>
    a.length === 2
      ? `string_split(${a[0]}, ${a[1]})`
      : `CASE WHEN len(string_split(${a[0]}, ${a[1]})) <= ${a[2]} THEN string_split(${a[0]}, ${a[1]}) ELSE list_append(string_split(${a[0]}, ${a[1]})[1:${a[2]} - 1], array_to_string(string_split(${a[0]}, ${a[1]})[${a[2]}:], ${a[1]})) END`,
  // Presto: NULL when the index is past the last part (DuckDB gives '').
  split_part: (_c, a) =>
    `CASE WHEN ${a[2]} <= len(string_split(${a[0]}, ${a[1]})) THEN split_part(${a[0]}, ${a[1]}, ${a[2]}) END`,
  strpos: passthrough('strpos'),
  position: (_c, a) => `strpos(${a[1]}, ${a[0]})`,
  substr: (_c, a) => `substring(${a.join(', ')})`,
  substring: (_c, a) => `substring(${a.join(', ')})`,
  lpad: passthrough('lpad'),
  rpad: passthrough('rpad'),
  starts_with: passthrough('starts_with'),
  ends_with: passthrough('ends_with'),
  chr: passthrough('chr'),
  codepoint: (_c, a) => `unicode(${a[0]})`,
  levenshtein_distance: (_c, a) => `levenshtein(${a[0]}, ${a[1]})`,
  hamming_distance: (_c, a) => `hamming(${a[0]}, ${a[1]})`,
  md5: passthrough('md5'),
  sha256: passthrough('sha256'),
  to_hex: (_c, a) => `hex(${a[0]})`,

  // ---- URL
  url_extract_protocol: (_c, a) => urlPart('protocol', a[0]),
  url_extract_host: (_c, a) => urlPart('host', a[0]),
  url_extract_port: (_c, a) => `TRY_CAST(${urlPart('port', a[0])} AS BIGINT)`,
  url_extract_path: (_c, a) => urlPart('path', a[0]),
  url_extract_query: (_c, a) => urlPart('query', a[0]),
  url_extract_fragment: (_c, a) => urlPart('fragment', a[0]),
  url_extract_parameter: (_c, a) => {
    const re = `'(?:^|[?&])' || regexp_escape(${a[1]}) || '=([^&#]*)'`;
    const qs = urlPart('query', a[0]);
    return firstMatch(qs, `(${re})`, '1');
  },
  url_encode: passthrough('url_encode'),
  url_decode: passthrough('url_decode'),

  // ---- mathematics
  abs: passthrough('abs'),
  ceil: passthrough('ceil'),
  ceiling: passthrough('ceil'),
  floor: passthrough('floor'),
  // DuckDB rounds DOUBLE half away from zero, as Presto does.
  round: (c, a) => (argType(c, 0) === 'bigint' && a.length === 1 ? a[0] : `round(${a.join(', ')})`),
  truncate: passthrough('trunc'),
  sqrt: passthrough('sqrt'),
  cbrt: passthrough('cbrt'),
  pow: passthrough('pow'),
  power: passthrough('pow'),
  exp: passthrough('exp'),
  ln: passthrough('ln'),
  log: (_c, a) => `(ln(${a[1]}) / ln(${a[0]}))`,
  log2: passthrough('log2'),
  log10: passthrough('log10'),
  mod: (_c, a) => `(${a[0]} % ${a[1]})`,
  sign: passthrough('sign'),
  pi: () => 'pi()',
  e: () => 'exp(1)',
  rand: () => 'random()',
  random: () => 'random()',
  radians: passthrough('radians'),
  degrees: passthrough('degrees'),
  sin: passthrough('sin'),
  cos: passthrough('cos'),
  tan: passthrough('tan'),
  asin: passthrough('asin'),
  acos: passthrough('acos'),
  atan: passthrough('atan'),
  atan2: passthrough('atan2'),
  is_nan: passthrough('isnan'),
  is_finite: passthrough('isfinite'),
  is_infinite: passthrough('isinf'),
  infinity: () => "CAST('Infinity' AS DOUBLE)",
  nan: () => "CAST('NaN' AS DOUBLE)",
  greatest: passthrough('greatest'),
  least: passthrough('least'),

  // ---- conditional
  if: (_c, a) => `(CASE WHEN ${a[0]} THEN ${a[1]}${a[2] !== undefined ? ` ELSE ${a[2]}` : ''} END)`,
  coalesce: passthrough('coalesce'),
  nullif: passthrough('nullif'),
  try: (_c, a) => `try(${a[0]})`,
  typeof: passthrough('typeof'),

  // ---- arrays and maps
  cardinality: (c, a) => (argType(c, 0) === 'map' ? `cardinality(${a[0]})` : `len(${a[0]})`),
  contains: (_c, a) => `list_contains(${a[0]}, ${a[1]})`,
  element_at: (c, a) => (argType(c, 0) === 'map' ? `${a[0]}[${a[1]}]` : `list_extract(${a[0]}, ${a[1]})`),
  array_join: (_c, a) => `array_to_string(${a[0]}, ${a[1]})`,
  array_distinct: (_c, a) => `list_distinct(${a[0]})`,
  array_max: (_c, a) => `list_max(${a[0]})`,
  array_min: (_c, a) => `list_min(${a[0]})`,
  array_position: (_c, a) => `coalesce(list_position(${a[0]}, ${a[1]}), 0)`,
  array_sort: (_c, a) => `list_sort(${a[0]})`,
  slice: (_c, a) => `list_slice(${a[0]}, ${a[1]}, ${a[1]} + ${a[2]} - 1)`,
  sequence: (_c, a) => `generate_series(${a.join(', ')})`,
  map_keys: passthrough('map_keys'),
  map_values: passthrough('map_values'),

  ...IP_FUNCTIONS,

  compare: (c) => {
    throw new QueryError(
      'compare() must be the outer aggregate over a subquery: select compare(x, 86400) from (select count(*) as x from log)',
      c.pos,
    );
  },
};

export function implementsFunction(name: string): boolean {
  return name in SCALARS || name in AGGREGATES || WINDOWS.includes(name);
}

export function renderFunction(call: FuncCall, r: SqlRenderer): string {
  // The deduplicating IP macros do not work inside TRY() or a window function's arguments.
  const args =
    call.name === 'try' || call.over
      ? r.perRow(() => call.args.map((x) => r.expr(x)))
      : call.args.map((x) => r.expr(x));
  let sql: string;
  if (AGGREGATES[call.name]) {
    sql = AGGREGATES[call.name](call, args);
    if (call.filter) sql += ` FILTER (WHERE ${r.expr(call.filter)})`;
  } else if (WINDOWS.includes(call.name)) {
    sql = `${call.name}(${args.join(', ')})`;
  } else if (SCALARS[call.name]) {
    sql = SCALARS[call.name](call, args, r);
  } else {
    throw new QueryError(`Function '${call.name}' not registered`, call.pos);
  }
  if (call.over) sql += ` OVER ${r.window(call.over)}`;
  return sql;
}
