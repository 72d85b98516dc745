// Batch import of audit logs into a store: read → decode → identity → (policy, redaction) → store,
// with rejects recorded and never fatal. Reading and decoding in JS overlaps with DuckDB's insert of
// the previous batch.
import { statSync } from 'node:fs';
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { DecodeJob, DecodeMessage } from './decode-worker.js';
import type { Readable } from 'node:stream';
import { readAuditBatches, InputError, type ReadItem } from '../event/read.js';
import type { IngestRow, RejectRecord, Store } from '../store/store.js';
import { planInputs } from './inputs.js';
import { newTransformCounts, prepareRow, type EventTransforms } from './prepare.js';

export interface ImportOptions {
  cluster: string;
  transforms?: EventTransforms;
  /**
   * The transforms as data: with it, files are decoded in a worker thread (which rebuilds the
   * transforms) while the main thread writes. Streams and stdin are always decoded in-thread.
   */
  transformSpec?: { policy?: string; redact: boolean };
  /** Rows per store transaction. */
  batchRows?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Called for each of the first few rejects (for the screen). */
  onReject?: (r: RejectRecord) => void;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  events: number;
}

export interface ImportSummary {
  read: number;
  stored: number;
  duplicates: number;
  rejected: number;
  policyDropped: number;
  policyTrimmed: number;
  redactions: number;
  files: string[];
  skipped: { path: string; reason: string }[];
  errors: { path: string; reason: string }[];
  warnings: string[];
  bytes: number;
  seconds: number;
  eventsPerSecond: number;
}

/** An input that is not a file: generated data, a request body … */
export interface StreamInput {
  name: string;
  stream: Readable;
}

/** What an import does with what it reads; `readInputs` drives it over every input. */
export interface InputHandlers {
  /** One decoded event of `source`. */
  event(item: Extract<ReadItem, { type: 'event' }>, source: string): void;
  /** After each batch read (flush writes here). */
  afterBatch(): Promise<void>;
  /** After each input, with the rejects it had. */
  afterInput(source: string, rejects: RejectRecord[]): Promise<void>;
}

/**
 * Reads every input (files, directories, stdin, streams) in order, counting reads, rejects, bytes,
 * empty and unreadable inputs into `summary`. Used by the local import and the import through a
 * server, so both count and report alike.
 */
export async function readInputs(
  inputs: (string | StreamInput)[],
  opts: Pick<ImportOptions, 'onProgress' | 'onReject'>,
  handlers: InputHandlers,
): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  const streams = inputs.filter((p): p is StreamInput => typeof p !== 'string');
  const plan = planInputs(inputs.filter((p): p is string => typeof p === 'string'));
  const summary = newSummary(plan, streams);
  const bytesTotal = totalBytes(plan.files);
  let bytesRead = 0;
  for (const input of [...plan.files, ...streams]) {
    const source = typeof input !== 'string' ? input.name : input === '-' ? 'stdin' : input;
    const rejects: RejectRecord[] = [];
    let sawAny = false;
    try {
      for await (const batch of readAuditBatches(input, { onBytes: (n) => (bytesRead += n) })) {
        for (const item of batch) {
          sawAny = true;
          if (item.type === 'reject') {
            summary.rejected++;
            const r = { source, line: item.line, reason: item.reason, raw: item.raw };
            rejects.push(r);
            opts.onReject?.(r);
            continue;
          }
          summary.read++;
          handlers.event(item, source);
        }
        opts.onProgress?.({ bytesRead, bytesTotal, events: summary.read });
        await handlers.afterBatch();
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      summary.errors.push({ path: source, reason: e.message });
    }
    await handlers.afterInput(source, rejects);
    if (!sawAny && !summary.errors.some((x) => x.path === source)) {
      summary.warnings.push(`${source} is empty; nothing was imported from it`);
    }
  }
  summary.bytes = bytesRead;
  return finish(summary, started);
}

function newSummary(plan: ReturnType<typeof planInputs>, streams: StreamInput[]): ImportSummary {
  return {
    read: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    policyDropped: 0,
    policyTrimmed: 0,
    redactions: 0,
    files: [...plan.files, ...streams.map((s) => s.name)],
    skipped: plan.skipped,
    errors: [...plan.errors],
    warnings: [],
    bytes: 0,
    seconds: 0,
    eventsPerSecond: 0,
  };
}

function totalBytes(files: string[]): number {
  let n = 0;
  for (const f of files) if (f !== '-') n += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return n;
}

function finish(summary: ImportSummary, started: bigint): ImportSummary {
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : 0;
  return summary;
}

export async function importPaths(
  store: Store,
  paths: (string | StreamInput)[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  // An import owns the store: its batches share long transactions (see DuckDbStore.beginBulk),
  // committed before the summary is returned.
  store.beginBulk?.();
  try {
    return await importPathsInBatches(store, paths, opts);
  } finally {
    await store.endBulk?.();
  }
}

async function importPathsInBatches(
  store: Store,
  paths: (string | StreamInput)[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  if (opts.transformSpec && paths.every((p) => typeof p === 'string' && p !== '-')) {
    return importFilesInWorker(store, paths as string[], { ...opts, transformSpec: opts.transformSpec });
  }
  const started = process.hrtime.bigint();
  const counts = newTransformCounts();
  const batchRows = opts.batchRows ?? 20_000;
  let pending: IngestRow[] = [];
  let inFlight: Promise<void> | null = null;
  let stored = 0;
  let duplicates = 0;

  // One batch is written while the next is read and decoded.
  const flush = async (force: boolean) => {
    if (!force && pending.length < batchRows) return;
    if (inFlight) await inFlight;
    inFlight = null;
    if (pending.length) {
      const rows = pending;
      pending = [];
      inFlight = store.ingest(rows).then((r) => {
        stored += r.stored;
        duplicates += r.duplicates;
      });
    }
  };
  const summary = await readInputs(paths, opts, {
    event: (item, source) => {
      const row = prepareRow(item, opts.cluster, source, opts.transforms, counts);
      if (row) pending.push(row);
    },
    afterBatch: () => flush(false),
    afterInput: async (_source, rejects) => {
      if (rejects.length) await store.addRejects(rejects);
    },
  });
  await flush(true);
  if (inFlight) await inFlight;
  summary.stored = stored;
  summary.duplicates = duplicates;
  summary.policyDropped = counts.policyDropped;
  summary.policyTrimmed = counts.policyTrimmed;
  summary.redactions = counts.redactions;
  // The time includes the last batch's write.
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : 0;
  return summary;
}

/**
 * The import of files with decoding in a worker thread: the worker parses, hashes and transforms
 * batch N+1 while DuckDB stores batch N, so the two halves of the work use both cores.
 */
async function importFilesInWorker(
  store: Store,
  paths: string[],
  opts: ImportOptions & { transformSpec: { policy?: string; redact: boolean } },
): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  const plan = planInputs(paths);
  const summary = newSummary(plan, []);
  const bytesTotal = totalBytes(plan.files);
  let bytesRead = 0;
  let inFlight: Promise<void> | null = null;
  const write = async (rows: IngestRow[]) => {
    if (inFlight) await inFlight;
    inFlight = rows.length
      ? store.ingest(rows).then((r) => {
          summary.stored += r.stored;
          summary.duplicates += r.duplicates;
        })
      : null;
  };
  for (const file of plan.files) {
    const job: DecodeJob = {
      file,
      source: file,
      cluster: opts.cluster,
      policy: opts.transformSpec.policy,
      redact: opts.transformSpec.redact,
      batchRows: opts.batchRows ?? 5_000,
    };
    // execArgv: [] — the parent's flags (e.g. --input-type with -e) do not apply to a worker file.
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url), {
      workerData: job,
      execArgv: [],
    });
    const messages = on(worker, 'message');
    try {
      for await (const [m] of messages as AsyncIterable<[DecodeMessage]>) {
        if (m.type === 'batch') {
          summary.read += m.read;
          summary.rejected += m.rejects.length;
          bytesRead += m.bytesRead;
          for (const r of m.rejects) opts.onReject?.(r);
          if (m.rejects.length) await store.addRejects(m.rejects);
          await write(m.rows);
          worker.postMessage('ack');
          opts.onProgress?.({ bytesRead, bytesTotal, events: summary.read });
        } else if (m.type === 'done') {
          summary.policyDropped += m.policyDropped;
          summary.policyTrimmed += m.policyTrimmed;
          summary.redactions += m.redactions;
          if (!m.sawAny) summary.warnings.push(`${file} is empty; nothing was imported from it`);
          break;
        } else if (m.type === 'input-error') {
          summary.errors.push({ path: file, reason: m.message });
          break;
        } else {
          throw new Error(`decoding ${file} failed: ${m.message}`);
        }
      }
    } finally {
      await worker.terminate();
    }
  }
  if (inFlight) await inFlight;
  summary.bytes = bytesRead;
  return finish(summary, started);
}
