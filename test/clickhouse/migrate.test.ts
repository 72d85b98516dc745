// kaudit migrate between a DuckDB file and a real ClickHouse server: the same events (count and
// answers to queries through runQuery), the receive time kept, and a second run adds nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbStore } from '../../src/store/duckdb/index.js';
import { openClickHouseStore } from '../../src/store/clickhouse/index.js';
import { copyEvents } from '../../src/store/clickhouse/migrate.js';
import { importPaths } from '../../src/ingest/import.js';
import { runQuery } from '../../src/query/run.js';
import type { Store } from '../../src/store/store.js';
import { requireOrSkip } from '../e2e/requirements.js';
import { kaudit, REPO } from '../cli/helpers.js';
import {
  NO_SERVER_REASON,
  clickHouseServerCommand,
  startTestClickHouse,
  type TestClickHouse,
} from './server.js';

const available = clickHouseServerCommand() !== null;
let ch: TestClickHouse | null = null;
let dir = '';
const SAMPLES = join(REPO, 'test', 'fixtures', 'samples');
/** The fixture store's receive time: 2024-05-01 12:00 UTC. */
const RECEIVED = Date.UTC(2024, 4, 1, 12) / 1000;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaudit-migrate-'));
  if (available) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A DuckDB file with the audit2rbac demo log (757 events) and the Falco samples, in two clusters. */
async function fixtureFile(name: string): Promise<string> {
  const path = join(dir, name);
  const store = await openDuckDbStore({ path, now: () => RECEIVED });
  await importPaths(store, [join(SAMPLES, 'audit2rbac', 'demo.log')], { cluster: 'demo' });
  const falco = readdirSync(join(SAMPLES, 'falco'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(SAMPLES, 'falco', f));
  const r = await importPaths(store, falco, { cluster: 'falco' });
  assert.ok(r.stored > 40, `falco samples stored: ${r.stored}`);
  await store.close();
  return path;
}

const QUERIES = [
  '* | select verb, count(*) as n group by verb order by verb',
  'objectRef.resource: pods and verb: create | select count(*) as n',
  '* | select cluster, "user.username", count(*) as n group by cluster, "user.username" order by n desc, "user.username" limit 5',
  '* | select "responseStatus.code" as code, count(*) as n group by code order by code',
];

async function answers(store: Store) {
  const out: unknown[] = [];
  for (const q of QUERIES) {
    const r = await runQuery(store, q, { timezone: 'UTC' });
    assert.equal(r.kind, 'sql');
    out.push(r.kind === 'sql' ? r.rows : null);
  }
  const search = await runQuery(store, 'verb: delete', { timezone: 'UTC', limit: 5 });
  out.push(search.kind === 'search' ? search.events : null);
  return out;
}

test('DuckDB → ClickHouse: same count and answers, receive time kept; again adds nothing', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  const file = await fixtureFile('source.duckdb');
  const duck = await openDuckDbStore({ path: file });
  const target = await openClickHouseStore({ url: ch!.storeUrl(`kmig_${process.pid}`) });
  try {
    const n = await duck.count();
    assert.ok(n > 757, `fixture has ${n} events`);
    const progress: number[] = [];
    const first = await copyEvents(duck, target, {
      batchRows: 200,
      onProgress: (p) => progress.push(p.read),
    });
    assert.deepEqual([first.read, first.stored, first.duplicates], [n, n, 0]);
    // Batches of 200: progress after each of them, ending at the total.
    assert.equal(progress.at(-1), n);
    assert.equal(progress.length, 1 + Math.ceil(n / 200));
    assert.equal(await target.count(), n);
    assert.deepEqual(await answers(target), await answers(duck));
    // Receive time kept: one partition, the fixture's day.
    assert.deepEqual(
      (await target.partitionInfo()).map((p) => [p.day, p.events]),
      [['20240501', n]],
    );
    const again = await copyEvents(duck, target, { batchRows: 500 });
    assert.deepEqual([again.read, again.stored, again.duplicates], [n, 0, n]);
    assert.equal(await target.count(), n);
  } finally {
    await duck.close();
    await target.close();
  }
});

test('kaudit migrate on the command line, there and back', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  const file = await fixtureFile('cli.duckdb');
  const url = ch!.storeUrl(`kmigcli_${process.pid}`);
  const there = kaudit(['migrate', '--from', file, '--to', url, '--format', 'json']);
  assert.equal(there.status, 0, there.stderr);
  const s1 = JSON.parse(there.stdout);
  assert.equal(s1.stored, s1.read);
  assert.ok(s1.read > 757);
  assert.equal(s1.to, url.replace('default:@', 'default@'));
  const again = JSON.parse(kaudit(['migrate', '--from', file, '--to', url, '--format', 'json']).stdout);
  assert.deepEqual([again.read, again.stored], [s1.read, 0]);
  const back = join(dir, 'back.duckdb');
  const r = kaudit(['migrate', '--from', url, '--to', back, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([JSON.parse(r.stdout).read, JSON.parse(r.stdout).stored], [s1.read, s1.read]);
  const copy = await openDuckDbStore({ path: back });
  const orig = await openDuckDbStore({ path: file });
  try {
    assert.equal(await copy.count(), s1.read);
    assert.deepEqual(await answers(copy), await answers(orig));
  } finally {
    await copy.close();
    await orig.close();
  }
  // Mistakes are one sentence each.
  const missing = kaudit(['migrate', '--from', join(dir, 'nope.duckdb'), '--to', url]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--from .*nope\.duckdb: there is no DuckDB store/);
  const same = kaudit(['migrate', '--from', url, '--to', url]);
  assert.match(same.stderr, /are the same store/);
});
