// When a rule runs and which time window its queries read (sls-query.md §5.1): a fixed interval
// (`30s`, `5m`, `1h`; runs on multiples of the interval since the epoch, so every server agrees) or a
// cron expression (minute precision, croner, in the query time zone); a relative window
// `[now-delay+from, now-delay+to)` or an aligned one (the last whole `align` period before
// `now-delay`, aligned in the query time zone).
import { Cron } from 'croner';
import { parseDuration, tzOffsetSeconds } from '../cli/flags.js';

export type Schedule =
  { kind: 'interval'; seconds: number; text: string } | { kind: 'cron'; expr: string; text: string };

export type Window =
  | { kind: 'relative'; from: number; to: number; delay: number }
  | { kind: 'aligned'; align: number; delay: number };

export type ScheduleSpec = string | { cron: string };
export interface WindowSpec {
  from?: string;
  to?: string;
  delay?: string;
  align?: string;
}

/** Seconds of a duration such as `30s`, `5m`, `1h30m`; an Error naming `what` otherwise. */
export function durationSeconds(text: string | number, what: string): number {
  if (typeof text === 'number') {
    if (text === 0) return 0;
    throw new Error(`${what} ${text} needs a unit; write it like 30s, 5m or 1h`);
  }
  try {
    return parseDuration(text, what);
  } catch (e) {
    throw new Error((e as Error).message.replace(/\.$/, ''));
  }
}

/** An offset relative to now: `now`, `-5m`, `-1h30m` (seconds, ≤ 0). */
function relativeOffset(text: string, what: string): number {
  const s = text.trim();
  if (s === 'now') return 0;
  if (s.startsWith('-')) return -durationSeconds(s.slice(1), what);
  throw new Error(`${what} "${text}" is not relative to now; write it like -5m, -1h or now`);
}

export function parseSchedule(spec: ScheduleSpec): Schedule {
  if (typeof spec === 'string') {
    const seconds = durationSeconds(spec, 'schedule');
    if (seconds < 1) throw new Error(`schedule "${spec}" must be at least 1s`);
    return { kind: 'interval', seconds, text: spec };
  }
  const expr = spec.cron.trim();
  if (expr.split(/\s+/).length !== 5) {
    throw new Error(
      `schedule cron "${spec.cron}" must have 5 fields (minute hour day-of-month month day-of-week), e.g. */5 * * * *`,
    );
  }
  try {
    new Cron(expr, { paused: true });
  } catch (e) {
    throw new Error(`schedule cron "${spec.cron}" is invalid: ${(e as Error).message}`);
  }
  return { kind: 'cron', expr, text: `cron ${expr}` };
}

/** The default window: the schedule's interval (5m for cron) ending 30s ago, so windows tile. */
export function defaultWindow(schedule: Schedule): Window {
  const span = schedule.kind === 'interval' ? schedule.seconds : 300;
  return { kind: 'relative', from: -span, to: 0, delay: 30 };
}

export function parseWindow(spec: WindowSpec | undefined, schedule: Schedule): Window {
  if (!spec) return defaultWindow(schedule);
  const delay = spec.delay !== undefined ? durationSeconds(spec.delay, 'window.delay') : 0;
  if (spec.align !== undefined) {
    if (spec.from !== undefined || spec.to !== undefined) {
      throw new Error('window has both align and from/to; use { align, delay } or { from, to, delay }');
    }
    const align = durationSeconds(spec.align, 'window.align');
    if (align < 1) throw new Error('window.align must be at least 1s');
    return { kind: 'aligned', align, delay };
  }
  const from = relativeOffset(spec.from ?? '-5m', 'window.from');
  const to = relativeOffset(spec.to ?? 'now', 'window.to');
  if (from >= to)
    throw new Error(`window.from (${spec.from}) must be earlier than window.to (${spec.to ?? 'now'})`);
  return { kind: 'relative', from, to, delay };
}

/** The first run time strictly after `afterUnix` (unix seconds). */
export function nextRun(schedule: Schedule, afterUnix: number, timezone = 'UTC'): number {
  if (schedule.kind === 'interval') {
    const s = schedule.seconds;
    return Math.floor(afterUnix / s) * s + s;
  }
  const cron = new Cron(schedule.expr, { paused: true, timezone });
  const next = cron.nextRun(new Date(Math.floor(afterUnix) * 1000));
  if (!next) return Number.POSITIVE_INFINITY;
  return Math.floor(next.getTime() / 1000);
}

/** Nominal gap between runs (for the default window and catch-up decisions). */
export function scheduleInterval(schedule: Schedule, timezone = 'UTC', around = Date.now() / 1000): number {
  if (schedule.kind === 'interval') return schedule.seconds;
  const a = nextRun(schedule, around, timezone);
  return nextRun(schedule, a, timezone) - a;
}

/** The half-open `[from, to)` (unix seconds) a rule evaluated at `atUnix` reads. */
export function windowAt(window: Window, atUnix: number, timezone = 'UTC'): { from: number; to: number } {
  const end = Math.floor(atUnix) - window.delay;
  if (window.kind === 'relative') return { from: end + window.from, to: end + window.to };
  const offset = tzOffsetSeconds(timezone, end);
  const to = Math.floor((end + offset) / window.align) * window.align - offset;
  return { from: to - window.align, to };
}

export function describeWindow(w: Window): string {
  const d = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);
  if (w.kind === 'aligned') return `the last whole ${d(w.align)}${w.delay ? `, ${d(w.delay)} late` : ''}`;
  return `[now${w.from ? `-${d(-w.from)}` : ''}, now${w.to ? `-${d(-w.to)}` : ''})${w.delay ? ` delayed ${d(w.delay)}` : ''}`;
}
