import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackpressureError, IngestSink } from './sink.js';
import type { IngestRow } from '../store/store.js';

const row = (i: number): IngestRow => ({
  id: BigInt(i),
  cluster: 'c',
  time: 0,
  timeUs: 0,
  source: 's',
  raw: '{}',
});

/** A store stand-in that records batches and can be held up. */
function slowStore() {
  const batches: number[] = [];
  const seen = new Set<bigint>();
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  return {
    batches,
    open() {
      release();
    },
    hold() {
      gate = new Promise<void>((r) => (release = r));
    },
    async ingest(rows: IngestRow[]) {
      await gate;
      batches.push(rows.length);
      const alreadyStored = new Set([...rows.map((r) => r.id)].filter((id) => seen.has(id)));
      let stored = 0;
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        stored++;
      }
      return { stored, duplicates: rows.length - stored, alreadyStored };
    },
  };
}

test('writes resolve only after the store call returns, batched by size', async () => {
  const store = slowStore();
  const sink = new IngestSink(store, { maxBatchRows: 4, maxDelayMs: 10_000 });
  let done = false;
  const p = sink.write([row(1), row(2), row(3), row(4), row(5)]).then((r) => ((done = true), r));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false, 'not durable yet');
  store.open();
  assert.deepEqual(await p, { stored: 5, duplicates: 0 });
  assert.deepEqual(store.batches, [5]); // one caller's rows are never split
  await sink.close();
});

test('a full queue refuses at once with BackpressureError instead of buffering', async () => {
  const store = slowStore();
  const sink = new IngestSink(store, { maxBatchRows: 2, maxQueuedRows: 3, maxDelayMs: 1 });
  const first = sink.write([row(1), row(2)]); // taken by the writer, held in the store
  await new Promise((r) => setTimeout(r, 20));
  const second = sink.write([row(3), row(4), row(5)]); // queued: 3 rows
  await assert.rejects(
    sink.write([row(6)]),
    (e: unknown) => e instanceof BackpressureError && e.retryAfterSeconds === 1,
  );
  store.open();
  assert.deepEqual(await first, { stored: 2, duplicates: 0 });
  assert.deepEqual(await second, { stored: 3, duplicates: 0 });
  await sink.close();
});

test('a store failure rejects the callers of that batch only', async () => {
  let fail = true;
  const sink = new IngestSink(
    {
      async ingest(rows: IngestRow[]) {
        if (fail) throw new Error('disk full');
        return { stored: rows.length, duplicates: 0 };
      },
    },
    { maxDelayMs: 1 },
  );
  await assert.rejects(sink.write([row(1)]), /disk full/);
  fail = false;
  assert.deepEqual(await sink.write([row(2)]), { stored: 1, duplicates: 0 });
  await sink.close();
});

test('counts are exact per caller when callers share a batch and resend stored rows', async () => {
  const store = slowStore();
  store.open();
  const sink = new IngestSink(store, { maxBatchRows: 100, maxDelayMs: 20 });
  assert.deepEqual(await sink.write([row(1), row(2)]), { stored: 2, duplicates: 0 });
  // Three callers in one batch: a retry of stored rows, a new row, and the same new row again.
  const [a, b, c] = await Promise.all([
    sink.write([row(1), row(2)]),
    sink.write([row(3)]),
    sink.write([row(3), row(4)]),
  ]);
  assert.deepEqual(a, { stored: 0, duplicates: 2 });
  assert.deepEqual(b, { stored: 1, duplicates: 0 });
  assert.deepEqual(c, { stored: 1, duplicates: 1 });
  assert.deepEqual(store.batches, [2, 5]);
  await sink.close();
});

test('group commit: an idle sink writes within milliseconds; rows that arrive during a write share the next batch', async () => {
  const store = slowStore();
  store.open();
  const sink = new IngestSink(store); // default gathering delay
  const started = Date.now();
  await sink.write([row(1)]);
  // The old default waited 200 ms for more rows; a sender then waited that long for every answer.
  assert.ok(Date.now() - started < 150, `a lone batch took ${Date.now() - started} ms`);
  store.hold();
  const first = sink.write([row(2)]);
  await new Promise((r) => setTimeout(r, 30)); // the writer now holds row 2 in the store
  const later = [sink.write([row(3)]), sink.write([row(4), row(5)]), sink.write([row(6)])];
  store.open();
  await Promise.all([first, ...later]);
  assert.deepEqual(store.batches, [1, 1, 4]);
  await sink.close();
});
