// The function catalogue: every SQL function a query may call, with its arity, its kind and its
// result type (sls-query.md §4.2). It is the allowlist of the sandbox: a name that is not here is
// rejected before any SQL reaches the engine. Each dialect must implement every entry (the DuckDB
// dialect's test checks that).
import type { SqlType } from './sql/ast.js';
import { ENRICH_FUNCTIONS } from '../enrich/catalog.js';

export type FunctionKind = 'scalar' | 'aggregate' | 'window';

export interface FunctionDef {
  kind: FunctionKind;
  minArgs: number;
  maxArgs: number;
  /** Result type from the argument types. */
  returns: (args: SqlType[]) => SqlType;
  /** One-line description used in docs and did-you-mean. */
  doc?: string;
}

const fixed = (t: SqlType) => (): SqlType => t;
const firstArg = (args: SqlType[]): SqlType => args[0] ?? 'unknown';
const numeric = (args: SqlType[]): SqlType => (args[0] === 'bigint' ? 'bigint' : 'double');
/** Presto: the common type of the arguments (first one that is known and not NULL). */
const common = (args: SqlType[]): SqlType => args.find((a) => a !== 'null' && a !== 'unknown') ?? 'unknown';

function def(
  kind: FunctionKind,
  minArgs: number,
  maxArgs: number,
  returns: (a: SqlType[]) => SqlType,
): FunctionDef {
  return { kind, minArgs, maxArgs, returns };
}
const s = (min: number, max: number, r: (a: SqlType[]) => SqlType) => def('scalar', min, max, r);
const a = (min: number, max: number, r: (a: SqlType[]) => SqlType) => def('aggregate', min, max, r);
const w = (min: number, max: number, r: (a: SqlType[]) => SqlType) => def('window', min, max, r);

const V = fixed('varchar');
const B = fixed('bigint');
const D = fixed('double');
const BOOL = fixed('boolean');
const TS = fixed('timestamp');
const ARR = fixed('array');

export const FUNCTIONS: Record<string, FunctionDef> = {
  // Aggregates (D-fn:General aggregate functions, Approximate functions)
  count: a(0, 1, B),
  count_if: a(1, 1, B),
  sum: a(1, 1, (x) => (x[0] === 'bigint' ? 'bigint' : x[0] === 'unknown' ? 'unknown' : 'double')),
  avg: a(1, 1, D),
  min: a(1, 1, firstArg),
  max: a(1, 1, firstArg),
  arbitrary: a(1, 1, firstArg),
  max_by: a(2, 3, (x) => (x.length === 3 ? 'varchar' : x[0])),
  min_by: a(2, 3, (x) => (x.length === 3 ? 'varchar' : x[0])),
  approx_distinct: a(1, 2, B),
  approx_percentile: a(2, 3, (x) => (x[1] === 'array' ? 'array' : 'double')),
  histogram: a(1, 1, fixed('map')),
  array_agg: a(1, 1, ARR),
  bool_and: a(1, 1, BOOL),
  bool_or: a(1, 1, BOOL),
  every: a(1, 1, BOOL),
  stddev: a(1, 1, D),
  stddev_samp: a(1, 1, D),
  stddev_pop: a(1, 1, D),
  variance: a(1, 1, D),
  var_samp: a(1, 1, D),
  var_pop: a(1, 1, D),
  geometric_mean: a(1, 1, D),

  // Window-only functions
  row_number: w(0, 0, B),
  rank: w(0, 0, B),
  dense_rank: w(0, 0, B),
  percent_rank: w(0, 0, D),
  cume_dist: w(0, 0, D),
  ntile: w(1, 1, B),
  lag: w(1, 3, firstArg),
  lead: w(1, 3, firstArg),
  first_value: w(1, 1, firstArg),
  last_value: w(1, 1, firstArg),
  nth_value: w(2, 2, firstArg),

  // Date and time (D-fn:Date and time functions, §4.3)
  from_unixtime: s(1, 3, TS),
  to_unixtime: s(1, 1, D),
  date_format: s(2, 2, V),
  date_parse: s(2, 2, TS),
  date_trunc: s(2, 2, (x) => (x[1] === 'bigint' || x[1] === 'double' ? 'bigint' : 'timestamp')),
  date_add: s(3, 3, TS),
  date_diff: s(3, 3, B),
  time_series: s(4, 4, V),
  current_timestamp: s(0, 0, TS),
  localtimestamp: s(0, 0, TS),
  now: s(0, 0, TS),
  current_date: s(0, 0, fixed('date')),
  current_time: s(0, 0, V),
  current_timezone: s(0, 0, V),
  from_iso8601_timestamp: s(1, 1, TS),
  from_iso8601_date: s(1, 1, fixed('date')),
  to_iso8601: s(1, 1, V),
  year: s(1, 1, B),
  quarter: s(1, 1, B),
  month: s(1, 1, B),
  week: s(1, 1, B),
  week_of_year: s(1, 1, B),
  day: s(1, 1, B),
  day_of_month: s(1, 1, B),
  day_of_week: s(1, 1, B),
  dow: s(1, 1, B),
  day_of_year: s(1, 1, B),
  doy: s(1, 1, B),
  hour: s(1, 1, B),
  minute: s(1, 1, B),
  second: s(1, 1, B),
  millisecond: s(1, 1, B),

  // Regular expressions (D-fn:Regular expression functions)
  regexp_extract: s(2, 3, V),
  regexp_extract_all: s(2, 3, ARR),
  regexp_like: s(2, 2, BOOL),
  regexp_replace: s(2, 3, V),
  regexp_split: s(2, 2, ARR),

  // JSON (D-fn:JSON functions); JSON values are JSON text
  json_array_length: s(1, 1, B),
  json_array_get: s(2, 2, V),
  json_array_contains: s(2, 2, BOOL),
  json_format: s(1, 1, V),
  json_parse: s(1, 1, V),
  json_extract: s(2, 2, V),
  json_extract_scalar: s(2, 2, V),
  json_size: s(2, 2, B),

  // Strings (D-fn:String functions)
  length: s(1, 1, B),
  lower: s(1, 1, V),
  upper: s(1, 1, V),
  trim: s(1, 1, V),
  ltrim: s(1, 1, V),
  rtrim: s(1, 1, V),
  concat: s(1, 64, (x) => (x.includes('array') ? 'array' : 'varchar')),
  replace: s(2, 3, V),
  reverse: s(1, 1, V),
  split: s(2, 3, ARR),
  split_part: s(3, 3, V),
  strpos: s(2, 2, B),
  position: s(2, 2, B),
  substr: s(2, 3, V),
  substring: s(2, 3, V),
  lpad: s(3, 3, V),
  rpad: s(3, 3, V),
  starts_with: s(2, 2, BOOL),
  ends_with: s(2, 2, BOOL),
  chr: s(1, 1, V),
  codepoint: s(1, 1, B),
  levenshtein_distance: s(2, 2, B),
  hamming_distance: s(2, 2, B),
  md5: s(1, 1, V),
  sha256: s(1, 1, V),
  to_hex: s(1, 1, V),

  // URL (D-fn:URL函数)
  url_extract_host: s(1, 1, V),
  url_extract_path: s(1, 1, V),
  url_extract_port: s(1, 1, B),
  url_extract_protocol: s(1, 1, V),
  url_extract_query: s(1, 1, V),
  url_extract_fragment: s(1, 1, V),
  url_extract_parameter: s(2, 2, V),
  url_encode: s(1, 1, V),
  url_decode: s(1, 1, V),

  // Mathematics (D-fn:Mathematical calculation functions)
  abs: s(1, 1, firstArg),
  ceil: s(1, 1, numeric),
  ceiling: s(1, 1, numeric),
  floor: s(1, 1, numeric),
  round: s(1, 2, numeric),
  truncate: s(1, 1, D),
  sqrt: s(1, 1, D),
  cbrt: s(1, 1, D),
  pow: s(2, 2, D),
  power: s(2, 2, D),
  exp: s(1, 1, D),
  ln: s(1, 1, D),
  log: s(2, 2, D),
  log2: s(1, 1, D),
  log10: s(1, 1, D),
  mod: s(2, 2, (x) => (x[0] === 'bigint' && x[1] === 'bigint' ? 'bigint' : 'double')),
  sign: s(1, 1, firstArg),
  pi: s(0, 0, D),
  e: s(0, 0, D),
  rand: s(0, 0, D),
  random: s(0, 0, D),
  radians: s(1, 1, D),
  degrees: s(1, 1, D),
  sin: s(1, 1, D),
  cos: s(1, 1, D),
  tan: s(1, 1, D),
  asin: s(1, 1, D),
  acos: s(1, 1, D),
  atan: s(1, 1, D),
  atan2: s(2, 2, D),
  is_nan: s(1, 1, BOOL),
  is_finite: s(1, 1, BOOL),
  is_infinite: s(1, 1, BOOL),
  infinity: s(0, 0, D),
  nan: s(0, 0, D),
  greatest: s(1, 64, common),
  least: s(1, 64, common),

  // Conditional (D-fn:Conditional expressions)
  if: s(2, 3, (x) => common([x[1], x[2] ?? 'null'])),
  coalesce: s(1, 64, common),
  nullif: s(2, 2, firstArg),
  try: s(1, 1, firstArg),
  typeof: s(1, 1, V),

  // Arrays and maps
  cardinality: s(1, 1, B),
  contains: s(2, 2, BOOL),
  element_at: s(2, 2, fixed('unknown')),
  array_join: s(2, 2, V),
  array_distinct: s(1, 1, ARR),
  array_max: s(1, 1, fixed('unknown')),
  array_min: s(1, 1, fixed('unknown')),
  array_position: s(2, 2, B),
  array_sort: s(1, 1, ARR),
  slice: s(3, 3, ARR),
  sequence: s(2, 3, ARR),
  map_keys: s(1, 1, ARR),
  map_values: s(1, 1, ARR),

  // Interval comparison (D-fn:Interval-valued comparison, §9 U-6)
  compare: s(2, 8, ARR),
};

// IP functions (D-fn:IP functions, §9 U-3): arity and result type come from src/enrich/catalog.ts.
for (const [name, f] of Object.entries(ENRICH_FUNCTIONS)) {
  FUNCTIONS[name] = s(f.minArgs, f.maxArgs, fixed(f.returns === 'boolean' ? 'boolean' : f.returns));
}

/** Aggregates that also work as window functions (`sum(x) over (…)`). */
export function isAggregate(name: string): boolean {
  return FUNCTIONS[name]?.kind === 'aggregate';
}

export function findFunction(name: string): FunctionDef | undefined {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
