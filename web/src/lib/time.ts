// Time ranges of the console: the presets of the time picker and absolute ranges, resolved to the
// half-open [from, to) unix-second window the API takes (DESIGN.md "Time").

export interface Preset {
  id: string;
  label: string;
  seconds: number;
}

export const PRESETS: Preset[] = [
  { id: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { id: '1h', label: 'Last hour', seconds: 3600 },
  { id: '24h', label: 'Last 24 hours', seconds: 24 * 3600 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 24 * 3600 },
  { id: '30d', label: 'Last 30 days', seconds: 30 * 24 * 3600 },
];

/** The reports' default (issue #6: "default last 7 days"). */
export const DEFAULT_RANGE = '7d';

export interface TimeRange {
  /** A preset id, or 'abs' for an absolute range. */
  range: string;
  /** Unix seconds; only for 'abs'. */
  from?: number;
  to?: number;
}

/** The window a range covers at `now` (unix seconds). An unknown preset falls back to the default. */
export function resolveRange(r: TimeRange, now: number): { from: number; to: number } {
  if (r.range === 'abs' && r.from !== undefined && r.to !== undefined) return { from: r.from, to: r.to };
  const preset = PRESETS.find((p) => p.id === r.range) ?? PRESETS.find((p) => p.id === DEFAULT_RANGE)!;
  const to = Math.floor(now);
  return { from: to - preset.seconds, to };
}

/** What the picker shows for a range. */
export function describeRange(r: TimeRange): string {
  if (r.range === 'abs' && r.from !== undefined && r.to !== undefined) {
    return `${toInputValue(r.from)} → ${toInputValue(r.to)}`.replace(/T/g, ' ');
  }
  return (PRESETS.find((p) => p.id === r.range) ?? PRESETS.find((p) => p.id === DEFAULT_RANGE)!).label;
}

/** Unix seconds → the value of an `<input type="datetime-local">` (browser's local time). */
export function toInputValue(unix: number): string {
  const d = new Date(unix * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** An `<input type="datetime-local">` value (local time) → unix seconds, or null when it is not one. */
export function fromInputValue(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return Math.floor(date.getTime() / 1000);
}

const STEPS = [60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

/** Histogram bucket width: the smallest step that gives at most `maxBuckets` bars over the window. */
export function bucketSeconds(from: number, to: number, maxBuckets = 120): number {
  const span = Math.max(1, to - from);
  return STEPS.find((s) => span / s <= maxBuckets) ?? STEPS[STEPS.length - 1];
}

/** `2026-11-20 10:00` in the browser's zone, for axis labels and the log list. */
export function formatTime(unix: number, withSeconds = false): string {
  const v = toInputValue(unix).replace('T', ' ');
  if (!withSeconds) return v;
  return `${v}:${String(new Date(unix * 1000).getSeconds()).padStart(2, '0')}`;
}

/** The browser's IANA time zone, sent with every query so times read in local time. */
export function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
