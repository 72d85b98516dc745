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
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateLines } from '../../generate/index.js';
import type { AuditEvent } from '../../event/types.js';
import { ALL_COLUMNS } from '../../event/columns.js';
import { runQuery } from '../../query/run.js';
import { openDuckDbStore } from './index.js';
import { addEvents } from './testing.js';
import { createEventsTableSql, quoteIdent } from './schema.js';

function generated(events: number, seed: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  const end = new Date('2026-11-20T00:00:00Z');
  for (const line of generateLines({ events, seed, days: 1, end })) out.push(JSON.parse(line) as AuditEvent);
  return out;
}

/** Segments of `_raw` and `_text` per compression: [column, compression, segments]. */
async function textSegments(conn: DuckDBConnection): Promise<[string, string, number][]> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name, compression, count(*)::INTEGER FROM pragma_storage_info('events')
     WHERE column_name IN ('_raw', '_text') AND segment_type = 'VARCHAR' GROUP BY ALL ORDER BY ALL`,
  );
  return reader.getRows() as [string, string, number][];
}

/** Runs `fn` with the path of a store in a new temporary directory, removed afterwards. */
async function withStorePath(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-compression-'));
  try {
    await fn(join(dir, 'k.duckdb'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPartition<T>(file: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

test('the original JSON and the full-text column are stored compressed with ZSTD', async () => {
  await withStorePath(async (path) => {
    const store = await openDuckDbStore({ path });
    await addEvents(store, generated(4000, 3));
    await store.close();
    const part = readdirSync(`${path}.parts`).find((f) => f.endsWith('.duckdb'));
    assert.ok(part, 'a partition file was written');
    const rows = await withPartition(join(`${path}.parts`, part), textSegments);
    for (const col of ['_raw', '_text']) {
      const segs = rows.filter((r) => r[0] === col);
      const total = segs.reduce((n, r) => n + r[2], 0);
      const zstd = segs.filter((r) => r[1] === 'ZSTD').reduce((n, r) => n + r[2], 0);
      assert.ok(total > 0, `${col} has segments`);
      assert.equal(zstd, total, `${col}: ${zstd} of ${total} segments are ZSTD (${JSON.stringify(segs)})`);
    }
  });
});

test('a partition written before ZSTD (dictionary + FSST) is read beside new ones; identity spans both', async () => {
  await withStorePath(async (path) => {
    let now = Date.UTC(2026, 10, 20, 12) / 1000;
    const first = generated(1500, 3);
    const second = generated(1500, 4);
    const store = await openDuckDbStore({ path, now: () => now });
    await addEvents(store, first);
    await store.close();
    // Day 1's table as the schema before this change wrote it: the same DDL without the clause.
    const [day1] = readdirSync(`${path}.parts`).filter((f) => f.endsWith('.duckdb'));
    const before = await withPartition(join(`${path}.parts`, day1), async (conn) => {
      const cols = ALL_COLUMNS.filter((c) => !c.virtual)
        .map((c) => quoteIdent(c.name))
        .join(', ');
      await conn.run(createEventsTableSql('main', 'events_old').replaceAll(' USING COMPRESSION zstd', ''));
      await conn.run(`INSERT INTO events_old (${cols}) SELECT ${cols} FROM events`);
      await conn.run('DROP TABLE events');
      await conn.run('ALTER TABLE events_old RENAME TO events');
      await conn.run('CHECKPOINT');
      return textSegments(conn);
    });
    assert.ok(before.length > 0 && before.every((r) => r[1] !== 'ZSTD'), JSON.stringify(before));

    now += 86400;
    const again = await openDuckDbStore({ path, now: () => now });
    try {
      await addEvents(again, second);
      await addEvents(again, first); // already stored on day 1: nothing new
      const count = async (q: string) => {
        const out = await runQuery(again, q, { timezone: 'UTC' });
        return out.kind === 'sql' ? Number(out.rows[0][0]) : NaN;
      };
      assert.equal(await count('* | select count(*)'), 3000);
      const admin = [...first, ...second].filter((e) => e.user?.username === 'kubernetes-admin').length;
      assert.ok(admin > 0);
      assert.equal(await count('user.username: kubernetes-admin | select count(*)'), admin);
    } finally {
      await again.close();
    }
    const day2 = readdirSync(`${path}.parts`).find((f) => f.endsWith('.duckdb') && f !== day1);
    assert.ok(day2, 'day 2 has its own partition');
    const after = await withPartition(join(`${path}.parts`, day2), textSegments);
    assert.ok(after.length > 0 && after.every((r) => r[1] === 'ZSTD'), JSON.stringify(after));
  });
});
