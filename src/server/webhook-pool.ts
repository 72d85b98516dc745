// Parses webhook bodies in worker threads. JSON parsing, decoding and the canonical identity hash cost
// tens of microseconds per event; on the main thread they competed with HTTP and the store's writer
// for one core. Each body goes to the worker with the fewest bodies in flight; a worker that dies is
// replaced, and the bodies it held fail (the sender hears 503 and retries).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { BadBodyError, type ParsedBody } from './webhook.js';
import type { WebhookAnswer, WebhookJob, WebhookWorkerData } from './webhook-worker.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (p: ParsedBody) => void; reject: (e: Error) => void }>;
  ready: Promise<void>;
  started: boolean;
}

/** Worker threads for a machine: one core stays with the main thread (HTTP, store writer). */
export function defaultParserThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

export class WebhookParserPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * @param fallback parses on the calling thread; used when no worker thread can start (a worker
   *   that dies before it is ready is not started again, so a broken install cannot spin).
   */
  constructor(
    private readonly data: WebhookWorkerData,
    size = defaultParserThreads(),
    private readonly fallback?: (body: string, cluster: string, source: string) => ParsedBody,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // execArgv: [] — the parent's flags (e.g. --cpu-prof) do not apply to a worker file.
    const worker = new Worker(new URL('./webhook-worker.js', import.meta.url), {
      workerData: this.data,
      execArgv: [],
    });
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), ready: Promise.resolve(), started: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m) => {
        if (m !== 'ready') return reject(new Error(String(m)));
        slot.started = true;
        resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the webhook parser thread exited with code ${code}`)));
    });
    worker.on('message', (m: WebhookAnswer | 'ready') => {
      if (m === 'ready') return;
      const waiter = slot.pending.get(m.id);
      if (!waiter) return;
      slot.pending.delete(m.id);
      if (m.type === 'parsed') waiter.resolve(m.parsed);
      else if (m.type === 'bad-body') waiter.reject(new BadBodyError(m.message));
      else waiter.reject(new Error(`the webhook parser failed: ${m.message}`));
    });
    const fail = (why: string) => {
      for (const w of slot.pending.values()) w.reject(new Error(why));
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i < 0 || this.closed) return;
      if (slot.started) this.slots[i] = this.spawn();
      else this.slots.splice(i, 1);
    };
    worker.on('error', (e) => fail(`the webhook parser thread failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`the webhook parser thread exited with code ${code}`);
    });
    // A worker that never starts (a broken install) is dropped by fail() above; the pool then parses
    // on the calling thread.
    slot.ready.catch(() => {});
    return slot;
  }

  /** Parses one EventList body; rejects with BadBodyError for a body the sender must fix. */
  async parse(body: string, cluster: string, source: string): Promise<ParsedBody> {
    if (this.closed) throw new Error('the webhook parser pool is closed');
    let slot: Slot | undefined;
    while (!slot) {
      if (this.slots.length === 0) {
        if (this.fallback) return this.fallback(body, cluster, source);
        throw new Error('no webhook parser thread could start');
      }
      const candidate = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      try {
        await candidate.ready;
        slot = candidate;
      } catch {
        // It never started: drop it (fail() may not have run yet) and take another, or the fallback.
        const i = this.slots.indexOf(candidate);
        if (i >= 0 && !candidate.started) this.slots.splice(i, 1);
      }
    }
    const id = this.nextId++;
    return new Promise<ParsedBody>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, body, cluster, source } satisfies WebhookJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
