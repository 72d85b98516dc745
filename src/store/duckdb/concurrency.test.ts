// Writes from several places at once (a file source's checkpoints, the API's self-audit records,
// rejects) while an ingest transaction is open: every acknowledged row must be stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openDuckDbStore } from './index.js';
import type { IngestRow } from '../store.js';

const row = (i: number): IngestRow => ({
  id: BigInt(i) + 1000n,
  cluster: 'c',
  time: 1705314030,
  timeUs: 1705314030_000000 + i,
  source: 's',
  raw: JSON.stringify({ level: 'Metadata', auditID: `e${i}`, stage: 'ResponseComplete', verb: 'get' }),
});

test('settings, self-audit records, rejects and queries during ingests never break a batch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-conc-'));
  const store = await openDuckDbStore({ path: join(dir, 'k.duckdb') });
  try {
    const work: Promise<unknown>[] = [];
    let acknowledged = 0;
    for (let b = 0; b < 10; b++) {
      const rows = Array.from({ length: 2000 }, (_, i) => row(b * 2000 + i));
      work.push(store.ingest(rows).then((r) => (acknowledged += r.stored)));
      work.push(store.setSetting(`checkpoint:test:${b}`, JSON.stringify({ offset: b })));
      work.push(
        store.recordSelfAudit({
          actor: 'a',
          role: 'viewer',
          remote: '::1',
          action: 'query',
          detail: `q${b}`,
        }),
      );
      work.push(store.addRejects([{ source: 'f', line: b, reason: 'bad', raw: '{' }]));
      work.push(store.count());
    }
    await Promise.all(work);
    assert.equal(acknowledged, 20000);
    assert.equal(await store.count(), 20000);
    assert.equal(await store.getSetting('checkpoint:test:9'), '{"offset":9}');
    assert.equal((await store.listSelfAudit()).rows.length, 10);
    assert.equal((await store.listRejects()).rows.length, 10);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true });
  }
});

test('bulk mode: batches share a transaction, still exactly once, committed by other writes and endBulk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-bulk-'));
  const path = join(dir, 'k.duckdb');
  let store = await openDuckDbStore({ path });
  try {
    store.beginBulk();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => row(from + i));
    // Rows 0–9, then 5–14: the second batch sees the first, uncommitted one, and stores only 10–14.
    assert.equal((await store.ingest(range(0, 10))).stored, 10);
    const second = await store.ingest(range(5, 15));
    assert.deepEqual([second.stored, second.duplicates], [5, 5]);
    // Not committed yet: a reader does not see the batches.
    assert.equal(await store.count(), 0);
    // A write to the main file commits first (one transaction may write one database only).
    await store.setSetting('k', 'v');
    assert.equal(await store.count(), 15);
    assert.equal((await store.ingest(range(10, 20))).stored, 5);
    await store.addRejects([{ source: 'f', line: 1, reason: 'r', raw: 'x' }]);
    assert.equal((await store.ingest(range(20, 25))).stored, 5);
    await store.endBulk();
    assert.equal(await store.count(), 25);
    // After endBulk every ingest commits on its own again.
    assert.equal((await store.ingest(range(24, 26))).stored, 1);
    assert.equal(await store.count(), 26);
    store.beginBulk();
    assert.equal((await store.ingest(range(26, 30))).stored, 4);
    // close() commits what bulk mode holds.
    await store.close();
    store = await openDuckDbStore({ path });
    assert.equal(await store.count(), 30);
    assert.equal(await store.getSetting('k'), 'v');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
