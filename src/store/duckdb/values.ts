// Conversion of DuckDB result values into plain JS values: integers as numbers (bigint beyond
// 2^53), decimals as numbers, lists/structs/maps as arrays/objects, temporal values as their text.
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  type DuckDBValue,
} from '@duckdb/node-api';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

export function convertValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
  if (v instanceof DuckDBDecimalValue) return Number(v.toString());
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(convertValue);
  if (v instanceof DuckDBStructValue) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v.entries)) o[k] = convertValue(x);
    return o;
  }
  if (v instanceof DuckDBMapValue) {
    const o: Record<string, unknown> = {};
    for (const e of v.entries) o[String(convertValue(e.key))] = convertValue(e.value);
    return o;
  }
  return v.toString();
}
