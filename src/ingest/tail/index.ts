// The file source: follows audit logs written by the apiserver's log backend (`--watch PATH|GLOB`)
// and hands their events to a sink — the store's IngestSink in `kaudit serve`, the HTTP forwarder in
// `kaudit agent`. Each followed path has a Follower (rotation, copytruncate, partial lines) and one
// checkpoint that moves only after the sink said the rows are durable; together with event identity
// (re-read rows collapse) that makes "kill -9 at any moment, restart" store every event exactly once.
// Polling with fs.stat every `pollMs` is deliberate: it works on every filesystem (hostPath, NFS,
// overlay) where inotify does not, and costs one stat per file per poll.
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeLine } from '../../event/decode.js';
import type { IngestResult, IngestRow, RejectRecord } from '../../store/store.js';
import { BackpressureError } from '../sink.js';
import { newTransformCounts, prepareRow, type EventTransforms } from '../prepare.js';
import type { Checkpoint, CheckpointStore } from './checkpoint.js';
import { Follower, type FollowerStatus } from './follower.js';
import { expandPattern, hasWildcard } from './glob.js';
import { looksLikeBackup } from './files.js';
import type { TextRecord } from './lines.js';

export type { Checkpoint, CheckpointStore } from './checkpoint.js';
export { JsonFileCheckpointStore, MemoryCheckpointStore, SettingsCheckpointStore } from './checkpoint.js';

export interface FileSourceSink {
  /** Resolves once the rows are durable; may throw BackpressureError (then retried after its delay). */
  write(rows: IngestRow[]): Promise<IngestResult>;
}

export interface FileSourceStats {
  linesRead: number;
  eventsRead: number;
  stored: number;
  duplicates: number;
  rejected: number;
  policyDropped: number;
  policyTrimmed: number;
  redactions: number;
  bytesRead: number;
  batches: number;
  rotations: number;
  truncations: number;
  /** Errors reported through onError (unreadable files, failed writes being retried). */
  errors: number;
  /** `__time__` (unix seconds) of the newest event delivered, 0 before the first. */
  newestEventTime: number;
}

export interface FileSourceOptions {
  /** Paths or globs (`*`, `?`, `[…]` in any segment). */
  patterns: string[];
  /** Where to start in a file present at start-up that has no checkpoint. */
  startAt: 'beginning' | 'end';
  cluster: string;
  sink: FileSourceSink;
  checkpoints: CheckpointStore;
  transforms?: EventTransforms;
  /** How often to look for new lines, rotations and new files (ms, default 250). */
  pollMs?: number;
  /** `__source__` of the rows of a followed path (default: the absolute path). */
  sourceName?: (path: string) => string;
  /** Rows per sink write at most (default 5000). */
  maxBatchRows?: number;
  /** Rejected lines; awaited before the checkpoint moves (store them, or print them). */
  onRejects?: (rejects: RejectRecord[]) => Promise<void> | void;
  /** A problem the user should see (unreadable file, write failing and being retried). */
  onError?: (msg: string) => void;
  /** Progress worth a log line (following a file, rotation detected). */
  onNotice?: (msg: string) => void;
  /** After every delivered batch. */
  onStats?: (stats: FileSourceStats) => void;
  /** Clock in ms (tests). */
  now?: () => number;
}

export interface FileSourceStatus {
  files: (FollowerStatus & { newestEventTime: number })[];
  stats: FileSourceStats;
}

class Stopped extends Error {}

/** Longest wait between retries of a failing write. */
const MAX_BACKOFF_MS = 30_000;

export class FileSource {
  private readonly followers = new Map<string, Follower>();
  private readonly newest = new Map<string, number>();
  private readonly stats: FileSourceStats = {
    linesRead: 0,
    eventsRead: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    policyDropped: 0,
    policyTrimmed: 0,
    redactions: 0,
    bytesRead: 0,
    batches: 0,
    rotations: 0,
    truncations: 0,
    errors: 0,
    newestEventTime: 0,
  };
  private readonly lastError = new Map<string, string>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: AbortController = new AbortController();
  private readonly pollMs: number;
  private readonly maxBatchRows: number;

  constructor(private readonly opts: FileSourceOptions) {
    if (!opts.patterns.length) throw new Error('FileSource needs at least one pattern');
    this.pollMs = opts.pollMs ?? 250;
    this.maxBatchRows = opts.maxBatchRows ?? 5000;
  }

  /** Scans the patterns, opens files (resuming from checkpoints) and starts following. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.scan(true);
    // The first pass positions every file (and reports missing ones) before start() returns.
    for (const f of this.followers.values()) await f.step().catch((e) => this.fail(f.path, e));
    this.loop = this.run();
  }

  /** Finishes the batch in progress (its checkpoint included), then closes every file. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    if (this.loop) await this.loop;
    this.loop = null;
    for (const f of this.followers.values()) await f.close();
  }

  status(): FileSourceStatus {
    return {
      files: [...this.followers.values()].map((f) => ({
        ...f.status(),
        newestEventTime: this.newest.get(f.path) ?? 0,
      })),
      stats: { ...this.stats },
    };
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private scan(first: boolean): void {
    for (const pattern of this.opts.patterns) {
      const wildcard = hasWildcard(pattern);
      for (const path of expandPattern(pattern)) {
        if (this.followers.has(path)) continue;
        // Backups and compressed files are read through their active file's rotation, not on their own.
        if (wildcard && (looksLikeBackup(path) || path.endsWith('.gz'))) continue;
        const startAt = first ? this.opts.startAt : 'beginning';
        this.followers.set(path, new Follower(path, pattern, this.context(), startAt, !wildcard));
      }
    }
  }

  private async run(): Promise<void> {
    let rounds = 0;
    while (!this.stopping) {
      let busy = false;
      if (++rounds % 4 === 0 || rounds === 1) this.scan(false);
      for (const f of this.followers.values()) {
        // A few batches per file per round, so one busy file does not starve the others.
        for (let i = 0; i < 8 && !this.stopping; i++) {
          let did = false;
          try {
            did = await f.step();
          } catch (e) {
            if (e instanceof Stopped) break;
            this.fail(f.path, e);
          }
          if (!did) break;
          busy = true;
          this.lastError.delete(f.path);
        }
        if (this.stopping) break;
      }
      if (!busy && !this.stopping) await this.pause(this.pollMs).catch(() => {});
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) throw new Stopped();
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch {
      /* woken by stop() */
    }
    if (this.stopping) throw new Stopped();
  }

  private fail(path: string, e: unknown): void {
    if (e instanceof Stopped) return;
    this.reportError(
      path,
      `following ${path} failed: ${e instanceof Error ? e.message : String(e)}; retrying`,
    );
  }

  /** Reports an error once until it changes (a missing file is not repeated every poll). */
  private reportError(path: string, msg: string): void {
    this.stats.errors++;
    if (this.lastError.get(path) === msg) return;
    this.lastError.set(path, msg);
    this.opts.onError?.(msg);
  }

  private context() {
    return {
      deliver: (
        path: string,
        records: TextRecord[],
        oversize: { line: number; bytes: number; raw: string }[],
      ) => this.deliver(path, records, oversize),
      saveCheckpoint: (path: string, cp: Checkpoint) => this.saveCheckpoint(path, cp),
      loadCheckpoint: (path: string) => this.opts.checkpoints.load(path),
      notice: (msg: string) => this.opts.onNotice?.(msg),
      error: (path: string, msg: string) => this.reportError(path, msg),
      counted: (what: 'rotations' | 'truncations' | 'bytesRead', n = 1) => {
        this.stats[what] += n;
      },
      now: () => this.now(),
    };
  }

  private async saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.checkpoints.save(path, cp);
        return;
      } catch (e) {
        // Not saving is safe (the rows are re-read and collapse by identity), but say so and retry.
        this.reportError(path, `cannot save the checkpoint of ${path} (${(e as Error).message}); retrying`);
        await this.pause(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt));
      }
    }
  }

  private async deliver(
    path: string,
    records: TextRecord[],
    oversize: { line: number; bytes: number; raw: string }[],
  ): Promise<void> {
    const source = this.opts.sourceName ? this.opts.sourceName(path) : path;
    const counts = newTransformCounts();
    const rows: IngestRow[] = [];
    const rejects: RejectRecord[] = [];
    let newest = 0;
    for (const r of records) {
      const out = decodeLine(r.text);
      for (const e of out.events) {
        this.stats.eventsRead++;
        const text = out.bare && out.events.length === 1 ? r.text : undefined;
        const row = prepareRow({ ...e, text }, this.opts.cluster, source, this.opts.transforms, counts);
        if (row) {
          rows.push(row);
          if (row.time > newest) newest = row.time;
        }
      }
      for (const reason of out.errors) {
        rejects.push({ source, line: r.line, reason, raw: r.text.slice(0, 64 * 1024) });
      }
    }
    for (const o of oversize) {
      rejects.push({
        source,
        line: o.line,
        reason: `the line is over ${Math.round(o.bytes / 1048576)} MiB without an end, over the limit for one event; it was skipped`,
        raw: o.raw,
      });
    }
    // All parts at once, so the sink can put them in one store transaction; all must be durable.
    const parts: Promise<void>[] = [];
    for (let i = 0; i < rows.length; i += this.maxBatchRows) {
      parts.push(this.writeDurably(path, rows.slice(i, i + this.maxBatchRows)));
    }
    await Promise.all(parts);
    if (rejects.length && this.opts.onRejects) await this.opts.onRejects(rejects);
    this.stats.linesRead += records.length;
    this.stats.rejected += rejects.length;
    this.stats.policyDropped += counts.policyDropped;
    this.stats.policyTrimmed += counts.policyTrimmed;
    this.stats.redactions += counts.redactions;
    this.stats.batches++;
    if (newest) {
      this.newest.set(path, Math.max(newest, this.newest.get(path) ?? 0));
      this.stats.newestEventTime = Math.max(this.stats.newestEventTime, newest);
    }
    this.opts.onStats?.({ ...this.stats });
  }

  /** Writes until the sink says durable: waits on backpressure, backs off on errors, never drops. */
  private async writeDurably(path: string, rows: IngestRow[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.opts.sink.write(rows);
        this.stats.stored += r.stored;
        this.stats.duplicates += r.duplicates;
        if (attempt > 0) this.lastError.delete(path);
        return;
      } catch (e) {
        if (e instanceof BackpressureError) {
          await this.pause(e.retryAfterSeconds * 1000);
          continue;
        }
        if (this.stopping) throw new Stopped();
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(attempt, 10));
        this.reportError(
          path,
          `writing events from ${path} failed (${e instanceof Error ? e.message : String(e)}); retrying in ${Math.round(delay / 1000)} s, nothing is skipped`,
        );
        await this.pause(delay);
      }
    }
  }
}
