// When events happen: a day/night rate profile and a monotone mapping from "the c-th event of N"
// to a time in [start, end).
//
// The profile is in UTC hours (kaudit's demo data has no home time zone; UTC keeps the shape easy
// to see with the default query time zone). People work 08–19 UTC on weekdays, much less on
// weekends; workload controllers follow the people (deployments, pod churn); node heartbeats,
// leases and watches run at a constant rate day and night; scanners never sleep.

/** Share of people's activity by UTC hour (peak 1.0). */
export const PEOPLE_BY_HOUR = [
  0.04, 0.03, 0.03, 0.03, 0.04, 0.08, 0.18, 0.4, 0.8, 1, 1, 0.95, 0.7, 0.9, 1, 1, 0.95, 0.8, 0.55, 0.35, 0.25,
  0.16, 0.1, 0.06,
];
/** People on Saturday and Sunday work at this fraction of a weekday. */
export const WEEKEND_FACTOR = 0.25;

export type Category = 'system' | 'workload' | 'apps' | 'people' | 'attack' | 'anonymous';
export const CATEGORIES: Category[] = ['system', 'workload', 'apps', 'people', 'attack', 'anonymous'];

/**
 * Events per second-ish weights of each category at a UTC hour (weekday or weekend). Only the
 * ratios matter: the total is scaled to the requested event count.
 */
export function categoryRates(hour: number, weekend: boolean): Record<Category, number> {
  const people = PEOPLE_BY_HOUR[hour] * (weekend ? WEEKEND_FACTOR : 1);
  return {
    system: 52,
    workload: 28 * (0.3 + 0.7 * people),
    apps: 10 * (0.7 + 0.3 * people),
    people: 18 * people,
    attack: 0.12,
    anonymous: 0.8,
  };
}

export function totalRate(hour: number, weekend: boolean): number {
  const r = categoryRates(hour, weekend);
  let sum = 0;
  for (const c of CATEGORIES) sum += r[c];
  return sum;
}

/** UTC hour and weekend flag of a unix-seconds instant. */
export function hourOf(unixSeconds: number): { hour: number; weekend: boolean } {
  const day = Math.floor(unixSeconds / 86400);
  const hour = Math.floor((unixSeconds - day * 86400) / 3600);
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return { hour, weekend: weekday === 0 || weekday === 6 };
}

/**
 * Maps a position u in [0, 1) to a time (integer microseconds) so that the density of positions
 * follows the rate profile. Successive calls must pass non-decreasing u (the cursor only moves
 * forward, which makes the whole run O(N + minutes)).
 */
export class Timeline {
  private readonly cumulative: Float64Array;
  private readonly bucketStart: Float64Array;
  private readonly bucketWidth: Float64Array;
  private cursor = 0;

  constructor(
    readonly startSeconds: number,
    readonly endSeconds: number,
  ) {
    const span = endSeconds - startSeconds;
    const buckets = Math.max(1, Math.ceil(span / 60));
    this.cumulative = new Float64Array(buckets + 1);
    this.bucketStart = new Float64Array(buckets);
    this.bucketWidth = new Float64Array(buckets);
    const rateCache = new Map<number, number>();
    for (let b = 0; b < buckets; b++) {
      const s = startSeconds + b * 60;
      const w = Math.min(60, endSeconds - s);
      const { hour, weekend } = hourOf(s);
      const key = hour * 2 + (weekend ? 1 : 0);
      let rate = rateCache.get(key);
      if (rate === undefined) {
        rate = totalRate(hour, weekend);
        rateCache.set(key, rate);
      }
      this.bucketStart[b] = s;
      this.bucketWidth[b] = w;
      this.cumulative[b + 1] = this.cumulative[b] + rate * w;
    }
  }

  /** Time in microseconds for position u ∈ [0, 1), clamped inside [start, end). */
  at(u: number): number {
    const total = this.cumulative[this.cumulative.length - 1];
    const target = u * total;
    const last = this.bucketStart.length - 1;
    while (this.cursor < last && this.cumulative[this.cursor + 1] <= target) this.cursor++;
    const b = this.cursor;
    const inBucket = (target - this.cumulative[b]) / (this.cumulative[b + 1] - this.cumulative[b]);
    const us = Math.floor((this.bucketStart[b] + inBucket * this.bucketWidth[b]) * 1e6);
    return Math.min(Math.max(us, this.startSeconds * 1e6), this.endSeconds * 1e6 - 1);
  }
}

/** A min-heap of events scheduled for later (second stages of long requests, bursts). */
export class DeferredQueue {
  private heap: { time: number; seq: number; cluster: number; line: string }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest scheduled time (Infinity when empty). */
  peekTime(): number {
    return this.heap.length ? this.heap[0].time : Infinity;
  }

  push(time: number, cluster: number, line: string): void {
    const h = this.heap;
    const entry = { time, seq: this.seq++, cluster, line };
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent.time < time || (parent.time === time && parent.seq < entry.seq)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = entry;
  }

  /** Removes the earliest entry; returns its cluster and line. */
  pop(): { cluster: number; line: string } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && earlier(h[r], h[l]) ? r : l;
        if (!earlier(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function earlier(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
