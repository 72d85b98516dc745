// The long text columns (the original JSON `_raw` and the full-text `_text`) are most of a stored
// event. They must be stored compressed: DuckDB's default storage format keeps them uncompressed
// (about 3× the disk and 2–3× slower full-text scans; docs/store.md), so the store writes its files
// in a format that has string compression (sandbox.ts `storage_compatibility_version`), and asks for
// ZSTD on these two columns (schema.ts): 5× smaller than DuckDB's own choice (dictionary + FSST) and
// cheaper to write, with scans as fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateLines } from '../../generate/index.js';
import type { AuditEvent } from '../../event/types.js';
import { openDuckDbStore } from './index.js';
import { addEvents } from './testing.js';

test('the original JSON and the full-text column are stored compressed with ZSTD', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-compression-'));
  try {
    const path = join(dir, 'k.duckdb');
    const store = await openDuckDbStore({ path });
    const events: AuditEvent[] = [];
    for (const line of generateLines({
      events: 4000,
      seed: 3,
      days: 1,
      end: new Date('2026-11-20T00:00:00Z'),
    })) {
      events.push(JSON.parse(line) as AuditEvent);
    }
    await addEvents(store, events);
    await store.close();
    const part = readdirSync(`${path}.parts`).find((f) => f.endsWith('.duckdb'));
    assert.ok(part, 'a partition file was written');
    const db = await DuckDBInstance.create(join(`${path}.parts`, part));
    const conn = await db.connect();
    const rows = (
      await conn.runAndReadAll(
        `SELECT column_name, compression, count(*)::INTEGER FROM pragma_storage_info('events')
         WHERE column_name IN ('_raw', '_text') AND segment_type = 'VARCHAR' GROUP BY ALL`,
      )
    ).getRows() as [string, string, number][];
    conn.closeSync();
    for (const col of ['_raw', '_text']) {
      const segs = rows.filter((r) => r[0] === col);
      const total = segs.reduce((n, r) => n + r[2], 0);
      const zstd = segs.filter((r) => r[1] === 'ZSTD').reduce((n, r) => n + r[2], 0);
      assert.ok(total > 0, `${col} has segments`);
      assert.equal(zstd, total, `${col}: ${zstd} of ${total} segments are ZSTD (${JSON.stringify(segs)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
