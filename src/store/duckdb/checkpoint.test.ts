// Committed batches wait in a partition's WAL (the checkpoint threshold is large, sandbox.ts) until
// the partition has been idle for a moment; then the store checkpoints it, so a restart has little
// to replay and the rows are in the compressed file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLines } from '../../generate/index.js';
import type { AuditEvent } from '../../event/types.js';
import { DuckDbStore, openDuckDbStore } from './index.js';
import { addEvents } from './testing.js';

const walBytes = (parts: string): number =>
  readdirSync(parts)
    .filter((f) => f.endsWith('.duckdb.wal'))
    .reduce((n, f) => n + statSync(join(parts, f)).size, 0);

/** Runs `fn` with a 300 ms idle period and a fresh directory, restoring both afterwards. */
async function withShortIdle(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-checkpoint-'));
  const saved = DuckDbStore.IDLE_CHECKPOINT_MS;
  DuckDbStore.IDLE_CHECKPOINT_MS = 300;
  try {
    await fn(dir);
  } finally {
    DuckDbStore.IDLE_CHECKPOINT_MS = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an idle partition is checkpointed: its WAL empties and the rows stay', async () => {
  await withShortIdle(async (dir) => {
    const path = join(dir, 'k.duckdb');
    const store = await openDuckDbStore({ path });
    const events = [
      ...generateLines({ events: 2000, seed: 5, days: 1, end: new Date('2026-11-20T00:00:00Z') }),
    ].map((l) => JSON.parse(l) as AuditEvent);
    await addEvents(store, events);
    // Committed (durable) but not checkpointed yet: the rows are in the WAL, ~1 KB or more each.
    assert.ok(
      walBytes(`${path}.parts`) > 1_000_000,
      `WAL after the commit: ${walBytes(`${path}.parts`)} bytes`,
    );
    const deadline = Date.now() + 10_000;
    while (walBytes(`${path}.parts`) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(walBytes(`${path}.parts`), 0, 'the WAL was checkpointed into the partition file');
    const count = await store.querySql('SELECT count(*) FROM kaudit_events');
    assert.equal(Number(count.rows[0][0]), 2000);
    await store.close();
    assert.ok(existsSync(path));
  });
});

test('after midnight both days are checkpointed once idle, not only the newest', async () => {
  await withShortIdle(async (dir) => {
    const path = join(dir, 'k.duckdb');
    // Received at 23:59:59 and then at 00:00:00: two partitions, written within the idle period.
    let now = Date.UTC(2026, 10, 20, 23, 59, 59) / 1000;
    const store = await openDuckDbStore({ path, now: () => now });
    const events = [
      ...generateLines({ events: 2000, seed: 6, days: 1, end: new Date('2026-11-20T00:00:00Z') }),
    ].map((l) => JSON.parse(l) as AuditEvent);
    await addEvents(store, events.slice(0, 1000));
    now += 1;
    await addEvents(store, events.slice(1000));
    const wals = () =>
      readdirSync(`${path}.parts`)
        .filter((f) => f.endsWith('.duckdb.wal'))
        .map((f) => [f, statSync(join(`${path}.parts`, f)).size] as const)
        .filter(([, size]) => size > 0);
    assert.deepEqual(
      wals().map(([f]) => f),
      ['events-20261120.duckdb.wal', 'events-20261121.duckdb.wal'],
    );
    const deadline = Date.now() + 10_000;
    while (wals().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(wals(), [], 'both partitions were checkpointed');
    const count = await store.querySql('SELECT count(*) FROM kaudit_events');
    assert.equal(Number(count.rows[0][0]), 2000);
    await store.close();
  });
});
