// Batch import of audit logs into a store: read → decode → identity → (policy, redaction) → store,
// with rejects recorded and never fatal. Reading and decoding in JS overlaps with DuckDB's insert of
// the previous batch.
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { readAuditBatches, InputError, type ReadItem } from '../event/read.js';
import type { IngestRow, RejectRecord, Store } from '../store/store.js';
import { planInputs } from './inputs.js';
import { newTransformCounts, prepareRow, type EventTransforms } from './prepare.js';

export interface ImportOptions {
  cluster: string;
  transforms?: EventTransforms;
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

export async function importPaths(
  store: Store,
  paths: (string | StreamInput)[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  const streams = paths.filter((p): p is StreamInput => typeof p !== 'string');
  const plan = planInputs(paths.filter((p): p is string => typeof p === 'string'));
  const summary: ImportSummary = {
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
  const counts = newTransformCounts();
  const batchRows = opts.batchRows ?? 20_000;
  let bytesTotal = 0;
  for (const f of plan.files) {
    if (f === '-') continue;
    try {
      bytesTotal += statSync(f).size;
    } catch {
      /* reported when read */
    }
  }
  let bytesRead = 0;
  let pending: IngestRow[] = [];
  let inFlight: Promise<void> | null = null;
  let rejects: RejectRecord[] = [];

  const flush = async () => {
    if (inFlight) await inFlight;
    inFlight = null;
    if (pending.length) {
      const rows = pending;
      pending = [];
      inFlight = store.ingest(rows).then((r) => {
        summary.stored += r.stored;
        summary.duplicates += r.duplicates;
      });
    }
    if (rejects.length >= 1000) {
      const rs = rejects;
      rejects = [];
      await store.addRejects(rs);
    }
  };

  for (const file of [...plan.files, ...streams]) {
    const source = typeof file !== 'string' ? file.name : file === '-' ? 'stdin' : file;
    let sawAny = false;
    try {
      for await (const batch of readAuditBatches(file, {
        onBytes: (n) => {
          bytesRead += n;
        },
      })) {
        for (const item of batch as ReadItem[]) {
          sawAny = true;
          if (item.type === 'reject') {
            summary.rejected++;
            const r = { source, line: item.line, reason: item.reason, raw: item.raw };
            rejects.push(r);
            opts.onReject?.(r);
            continue;
          }
          summary.read++;
          const row = prepareRow(item, opts.cluster, source, opts.transforms, counts);
          if (row) pending.push(row);
        }
        opts.onProgress?.({ bytesRead, bytesTotal, events: summary.read });
        if (pending.length >= batchRows) await flush();
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      summary.errors.push({ path: source, reason: e.message });
      continue;
    }
    if (!sawAny) summary.warnings.push(`${source} is empty; nothing was imported from it`);
  }
  await flush();
  await flush();
  if (rejects.length) await store.addRejects(rejects);
  summary.policyDropped = counts.policyDropped;
  summary.policyTrimmed = counts.policyTrimmed;
  summary.redactions = counts.redactions;
  summary.bytes = bytesRead;
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : 0;
  return summary;
}
