// ClickHouse results in the Store's QueryResult form, as the DuckDB store returns them (so runQuery
// normalises both alike): DuckDB type names (`BIGINT`, `TIMESTAMP`, `VARCHAR[]` …) and plain JS
// values — integers as numbers (a bigint beyond 2^53; ClickHouse's JSON formats quote 64-bit
// integers), maps as objects, arrays as arrays, timestamps as their text.
import type { QueryResult } from '../../store.js';

/** A JSONCompact answer: `meta` (name, ClickHouse type) and `data` (rows of values). */
export interface ClickHouseJson {
  meta: { name: string; type: string }[];
  data: unknown[][];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function unwrap(t: string): string {
  let m: RegExpExecArray | null;
  while ((m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t))) t = m[1];
  return t;
}

/** Splits `A, B(C, D), E` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The DuckDB name of a ClickHouse type. */
export function duckTypeName(chType: string): string {
  const t = unwrap(chType);
  let m: RegExpExecArray | null;
  if ((m = /^Array\((.*)\)$/.exec(t))) return `${duckTypeName(m[1])}[]`;
  if ((m = /^Map\((.*)\)$/.exec(t))) {
    const [k, v] = splitArgs(m[1]);
    return `MAP(${duckTypeName(k)}, ${duckTypeName(v)})`;
  }
  if (/^Tuple\(/.test(t)) return 'STRUCT';
  if (/^(U?Int(8|16)|Int32)$/.test(t)) return 'INTEGER';
  if (/^(UInt32|Int64)$/.test(t)) return 'BIGINT';
  if (t === 'UInt64') return 'UBIGINT';
  if (/^U?Int(128|256)$/.test(t)) return 'HUGEINT';
  if (t === 'Float32') return 'FLOAT';
  if (t === 'Float64') return 'DOUBLE';
  if ((m = /^Decimal(?:\d+)?\((.*)\)$/.exec(t))) return `DECIMAL(${m[1]})`;
  if (t === 'Bool') return 'BOOLEAN';
  if (/^Date(32)?$/.test(t)) return 'DATE';
  if (/^DateTime/.test(t)) return 'TIMESTAMP';
  if (t === 'Nothing') return 'NULL';
  return 'VARCHAR';
}

/** One value of ClickHouse type `chType` as a plain JS value. */
export function clickHouseValue(v: unknown, chType: string): unknown {
  if (v === null || v === undefined) return null;
  const t = unwrap(chType);
  let m: RegExpExecArray | null;
  if ((m = /^Array\((.*)\)$/.exec(t)) && Array.isArray(v)) return v.map((x) => clickHouseValue(x, m![1]));
  if ((m = /^Map\((.*)\)$/.exec(t)) && typeof v === 'object') {
    const [, vt] = splitArgs(m[1]);
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = clickHouseValue(x, vt);
    return o;
  }
  if (/^U?Int\d+$/.test(t)) {
    if (typeof v === 'number') return v;
    const b = BigInt(String(v));
    return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
  }
  if (/^(Float\d+|Decimal)/.test(t)) {
    if (typeof v === 'number') return v;
    // output_format_json_quote_denormals: ±inf and nan arrive as text.
    const special: Record<string, number> = {
      inf: Infinity,
      '+inf': Infinity,
      '-inf': -Infinity,
      nan: NaN,
      '-nan': NaN,
    };
    return special[String(v)] ?? Number(v);
  }
  return v;
}

export function clickHouseResult(json: ClickHouseJson): QueryResult {
  const columns = json.meta.map((c) => ({ name: c.name, type: duckTypeName(c.type) }));
  const rows = json.data.map((row) => row.map((v, i) => clickHouseValue(v, json.meta[i].type)));
  return { columns, rows };
}
