// A worker thread that reads, decodes and prepares one file's events (JSON parsing, identity
// hashing, policy and redaction: the JavaScript half of an import) while the main thread hands the
// previous batch to DuckDB. It answers in batches and waits for an acknowledgement before reading
// further, so memory stays bounded whatever the file size.
import { parentPort, workerData } from 'node:worker_threads';
import { readAuditBatches, InputError } from '../event/read.js';
import type { IngestRow, RejectRecord } from '../store/store.js';
import { newTransformCounts, prepareRow } from './prepare.js';
import { ingestTransforms } from '../cli/transforms.js';

export interface DecodeJob {
  file: string;
  source: string;
  cluster: string;
  policy?: string;
  redact: boolean;
  batchRows: number;
}

export type DecodeMessage =
  | { type: 'batch'; rows: IngestRow[]; rejects: RejectRecord[]; read: number; bytesRead: number }
  | { type: 'done'; policyDropped: number; policyTrimmed: number; redactions: number; sawAny: boolean }
  | { type: 'input-error'; message: string }
  | { type: 'failed'; message: string };

async function run(job: DecodeJob): Promise<void> {
  const port = parentPort!;
  let acks = 0;
  let waiting: (() => void) | null = null;
  port.on('message', (m: string) => {
    if (m === 'ack') {
      acks++;
      waiting?.();
    }
  });
  let sent = 0;
  const transforms = await ingestTransforms({ policy: job.policy, redact: job.redact, quiet: true });
  const counts = newTransformCounts();
  let rows: IngestRow[] = [];
  let rejects: RejectRecord[] = [];
  let read = 0;
  let bytesRead = 0;
  let sawAny = false;
  const send = async () => {
    port.postMessage({ type: 'batch', rows, rejects, read, bytesRead } satisfies DecodeMessage);
    sent++;
    rows = [];
    rejects = [];
    read = 0;
    bytesRead = 0;
    // At most one batch ahead of the writer (memory: a peak RSS under 1 GiB).
    while (sent - acks > 1) await new Promise<void>((r) => (waiting = r));
  };
  try {
    for await (const batch of readAuditBatches(job.file, { onBytes: (n) => (bytesRead += n) })) {
      for (const item of batch) {
        sawAny = true;
        if (item.type === 'reject') {
          rejects.push({ source: job.source, line: item.line, reason: item.reason, raw: item.raw });
          continue;
        }
        read++;
        const row = prepareRow(item, job.cluster, job.source, transforms, counts);
        if (row) rows.push(row);
      }
      if (rows.length >= job.batchRows) await send();
    }
    await send();
    port.postMessage({ type: 'done', ...counts, sawAny } satisfies DecodeMessage);
  } catch (e) {
    if (e instanceof InputError)
      port.postMessage({ type: 'input-error', message: e.message } satisfies DecodeMessage);
    else
      port.postMessage({
        type: 'failed',
        message: e instanceof Error ? e.message : String(e),
      } satisfies DecodeMessage);
  }
  port.close();
}

if (parentPort && workerData) void run(workerData as DecodeJob);
