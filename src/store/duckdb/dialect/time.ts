// Time helpers shared by the DuckDB function translations: SLS timestamps are DuckDB TIMESTAMP
// values holding the wall-clock time of the query zone (so they print as SLS shows them), and unix
// seconds convert to and from them through that zone (ICU, loaded in every DuckDB build we ship).
import { quoteString } from './quote.js';
import { QueryError } from '../../../query/errors.js';
import { tzOffsetSeconds } from '../../../cli/flags.js';

function isUtc(tz: string): boolean {
  return tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' || tz === 'Etc/GMT';
}

function q(s: string): string {
  return quoteString(s);
}

/** Unix seconds (bigint or double SQL) → TIMESTAMP in the zone. */
export function secondsToLocal(seconds: string, tz: string, whole = false): string {
  if (isUtc(tz)) {
    return whole
      ? `make_timestamp(CAST(${seconds} AS BIGINT) * 1000000)`
      : `make_timestamp(CAST(round(CAST(${seconds} AS DOUBLE) * 1000000) AS BIGINT))`;
  }
  return `timezone(${q(tz)}, to_timestamp(CAST(${seconds} AS DOUBLE)))`;
}

/** TIMESTAMP in the zone → unix seconds as DOUBLE. */
export function localToSeconds(ts: string, tz: string): string {
  if (isUtc(tz)) return `(epoch_us(${ts}) / 1000000.0)`;
  return `epoch(timezone(${q(tz)}, ${ts}))`;
}

/** The zone's offset from UTC now, in seconds (used to align time_series buckets to local midnight). */
export function tsOffsetSeconds(tz: string): number {
  return tzOffsetSeconds(tz, Math.floor(Date.now() / 1000));
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `5m`, `2h`, `1d`, `30s` → seconds (the time_series window). */
export function parseWindowSeconds(text: string, pos: number): number {
  const m = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new QueryError(`time_series window '${text}' is not valid; write it like 30s, 5m, 1h or 1d`, pos);
  }
  return Number(m[1]) * UNIT[m[2].toLowerCase()];
}
