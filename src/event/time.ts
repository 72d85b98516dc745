// Timestamps of audit events: MicroTime (`2024-01-15T10:20:30.123456Z`) and RFC 3339 seconds.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Parses an RFC 3339 / MicroTime string into microseconds since the epoch, or null. */
export function parseTimestampMicros(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = RFC3339.exec(text);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(ms)) return null;
  let micros = ms * 1000;
  if (m[7]) micros += Number((m[7] + '000000').slice(0, 6));
  const zone = m[8];
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    micros -= sign * offsetMin * 60_000_000;
  }
  return micros;
}

/** Formats microseconds since the epoch as a MicroTime string (UTC, always 6 decimals). */
export function formatMicroTime(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const frac = String(Math.round(micros - ms * 1000)).padStart(3, '0');
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${frac}Z`;
}
