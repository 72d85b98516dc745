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
