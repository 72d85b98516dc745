// A file source (kaudit serve --watch) on a ClickHouse store through an outage: while the server is
// down its writes fail and are retried, the checkpoint (kept in the store) stays, and after the
// restart every line is stored exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestSink } from '../../src/ingest/sink.js';
import { FileSource, SettingsCheckpointStore } from '../../src/ingest/tail/index.js';
import { openClickHouseStore } from '../../src/store/clickhouse/index.js';
import { requireOrSkip } from '../e2e/requirements.js';
import {
  NO_SERVER_REASON,
  clickHouseServerCommand,
  startTestClickHouse,
  type TestClickHouse,
} from './server.js';
import { testEvent } from './events.js';

const available = clickHouseServerCommand() !== null;
let ch: TestClickHouse | null = null;
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaudit-ch-file-'));
  if (available) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => JSON.stringify(testEvent(from + k)) + '\n').join('');

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a followed file through a ClickHouse restart: retried, then stored exactly once', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  const store = await openClickHouseStore({ url: ch!.storeUrl(`kfile_${process.pid}`), retryForMs: 200 });
  const log = join(dir, 'audit.log');
  writeFileSync(log, lines(0, 300));
  const sink = new IngestSink(store, { maxDelayMs: 20 });
  const errors: string[] = [];
  const source = new FileSource({
    patterns: [log],
    startAt: 'beginning',
    cluster: 'prod',
    sink,
    checkpoints: new SettingsCheckpointStore(store),
    pollMs: 50,
    onError: (m) => errors.push(m),
  });
  try {
    await source.start();
    await until('the first 300 events', async () => (await store.count()) === 300);
    await ch!.kill9();
    appendFileSync(log, lines(300, 500));
    await until('a failed write', async () => errors.some((e) => /retrying/.test(e)), 10_000);
    await ch!.restart();
    await until('all 500 events', async () => (await store.count()) === 500);
    // Nothing more arrives later (the retried lines were not stored twice).
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await store.count(), 500);
    assert.deepEqual((await store.querySql('SELECT count() - uniqExact(_id) FROM kaudit_events')).rows, [
      [0],
    ]);
  } finally {
    await source.stop();
    await sink.close();
    await store.close();
  }
});
