// The ClickHouse store against a real server (Debian's clickhouse-server 18.16 here): schema,
// exactly-once ingest under re-ingest, concurrent writers and a server killed mid-ingest, retention.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/cli/errors.js';
import { QueryError } from '../../src/query/errors.js';
import { IngestSink } from '../../src/ingest/sink.js';
import { openClickHouseStore } from '../../src/store/clickhouse/index.js';
import { MIGRATIONS } from '../../src/store/clickhouse/schema.js';
import { requireOrSkip } from '../e2e/requirements.js';
import {
  NO_SERVER_REASON,
  clickHouseServerCommand,
  startTestClickHouse,
  type TestClickHouse,
} from './server.js';
import { T0, testEvent, testRows } from './events.js';
import { clickHouseRows } from '../../src/store/clickhouse/rows.js';
import { decodeEventObject } from '../../src/event/decode.js';
import { prepareRow } from '../../src/ingest/prepare.js';

let server: TestClickHouse | null = null;
const available = clickHouseServerCommand() !== null;

before(async () => {
  if (available) server = await startTestClickHouse();
});
after(async () => {
  await server?.stop();
});

let dbCounter = 0;
async function open(t: TestContext, opts: { db?: string; now?: () => number; retryForMs?: number } = {}) {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return null;
  const notices: string[] = [];
  const store = await openClickHouseStore({
    url: server!.storeUrl(opts.db ?? `kt_${process.pid}_${++dbCounter}`),
    onNotice: (m) => notices.push(m),
    now: opts.now,
    retryForMs: opts.retryForMs,
  });
  return { store, notices };
}

async function scalar(sql: string): Promise<number> {
  return Number((await server!.sql(sql)).trim());
}

test('schema: created once, reopened without change, migrated from an older version, newer refused', async (t) => {
  const db = `kt_schema_${process.pid}`;
  const first = await open(t, { db });
  if (!first) return;
  assert.deepEqual(first.notices, [
    `created a kaudit store in ClickHouse at clickhouse://default@127.0.0.1:${server!.port}/${db}`,
  ]);
  const tables = (await server!.sql(`SELECT name FROM system.tables WHERE database = '${db}' ORDER BY name`))
    .trim()
    .split('\n');
  assert.deepEqual(tables, [
    'kaudit_documents',
    'kaudit_events',
    'kaudit_events_local',
    'kaudit_meta',
    'kaudit_rejects',
    'kaudit_self_audit',
  ]);
  assert.equal(await first.store.getSetting('schema_version'), '1');
  await first.store.close();

  const again = (await open(t, { db }))!;
  assert.deepEqual(again.notices, []);
  // An older store (version 0) is upgraded by the migration steps, in order, and says so.
  await again.store.setSetting('schema_version', '0');
  await again.store.close();
  MIGRATIONS[0] = (o) => [`CREATE TABLE IF NOT EXISTS \`${o.database}\`.probe (a UInt8) ENGINE = Memory`];
  try {
    const migrated = (await open(t, { db }))!;
    assert.match(migrated.notices.join('\n'), /migrated the ClickHouse store .* to schema 1/);
    assert.equal(
      await scalar(`SELECT count() FROM system.tables WHERE database = '${db}' AND name = 'probe'`),
      1,
    );
    assert.equal(await migrated.store.getSetting('schema_version'), '1');
    await migrated.store.setSetting('schema_version', '7');
    await migrated.store.close();
  } finally {
    delete MIGRATIONS[0];
  }
  // A store remembers whether it was created on a ClickHouse cluster.
  await assert.rejects(
    () => openClickHouseStore({ url: server!.storeUrl(db), cluster: 'c2x2' }),
    (e: Error) =>
      e instanceof UserError && /created on a single server, not on the cluster c2x2/.test(e.message),
  );
  await assert.rejects(
    () => openClickHouseStore({ url: server!.storeUrl(db) }),
    (e: Error) =>
      e instanceof UserError && /written by a newer kaudit \(schema 7, this one knows 1\)/.test(e.message),
  );
});

test('a store created on a ClickHouse cluster is read as one without --ch-cluster', async (t) => {
  const db = `kt_cl_${process.pid}`;
  const s = await open(t, { db });
  if (!s) return;
  // As if created with --ch-cluster audit_2x2 (four servers and ZooKeeper cannot run here).
  await s.store.setSetting('ch_cluster', 'audit_2x2');
  await s.store.close();
  const again = await openClickHouseStore({ url: server!.storeUrl(db) });
  assert.match(again.location, /\/kt_cl_\d+ \(cluster audit_2x2\)$/);
  await again.close();
  await assert.rejects(
    () => openClickHouseStore({ url: server!.storeUrl(db), cluster: 'other' }),
    (e: Error) =>
      e instanceof UserError && /created on the ClickHouse cluster audit_2x2, not other/.test(e.message),
  );
});

test('ingest and re-ingest: exact counts, each event once', async (t) => {
  const s = await open(t);
  if (!s) return;
  const { store } = s;
  const r1 = await store.ingest(testRows(0, 1000));
  assert.deepEqual([r1.stored, r1.duplicates], [1000, 0]);
  const r2 = await store.ingest(testRows(0, 1000));
  assert.deepEqual([r2.stored, r2.duplicates, r2.alreadyStored?.size], [0, 1000, 1000]);
  // Half old, half new, plus copies inside the batch.
  const mixed = [...testRows(500, 1500), ...testRows(1400, 1500)];
  const r3 = await store.ingest(mixed);
  assert.deepEqual([r3.stored, r3.duplicates], [500, 600]);
  assert.equal(await store.count(), 1500);
  // Nothing was written twice: the physical table holds exactly 1500 rows too.
  assert.equal(
    await scalar(`SELECT count() FROM ${s.store.location.split('/').pop()}.kaudit_events_local`),
    1500,
  );
  // The same events in another cluster are other events.
  assert.equal((await store.ingest(testRows(0, 10, 'staging'))).stored, 10);
  // Plain SQL over the events relation: 1510 events, of which i % 10 == 0 → 403: 150 + 1.
  const r = await store.querySql(
    "SELECT count() AS n, countIf(`responseStatus.code` = 403) AS denied, max(__time__) AS newest FROM kaudit_events WHERE cluster = 'prod'",
  );
  assert.deepEqual(r.rows, [[1500, 150, T0 + 1499]]);
  assert.equal(await store.newestEventTime(), T0 + 1499);
  await store.close();
});

test('stored values equal the DuckDB-derived reference, for awkward text too', async (t) => {
  const now = Date.UTC(2024, 4, 2) / 1000;
  const s = await open(t, { now: () => now });
  if (!s) return;
  const awkward = [
    { ...testEvent(1), user: { username: '张三 🚀', groups: ['a"b', 'c\\d'] } },
    { ...testEvent(2), requestObject: { msg: 'line1\nline2\ttab \u0001 ctl </script> & é' } },
    { ...testEvent(3), responseStatus: { metadata: {}, status: 'Failure', message: '' } },
    {
      ...testEvent(4),
      annotations: { 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "x"' },
    },
  ];
  const rows = awkward.map((e) => {
    const d = decodeEventObject(e);
    if (typeof d === 'string') throw new Error(d);
    return prepareRow(d, 'prod', 'file:/var/log/a b.log')!;
  });
  assert.equal((await s.store.ingest(rows)).stored, 4);
  const expected = await clickHouseRows(rows, now);
  const db = s.store.location.split('/').pop();
  const text = await server!.sql(
    `SELECT * FROM ${db}.kaudit_events_local ORDER BY _time_us FORMAT JSONEachRow`,
  );
  // 64-bit integers come quoted from ClickHouse's JSON output (18.16 ignores the setting here).
  const int64 = ['__time__', '_time_us', '__tag__:__receive_time__'];
  const actual = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r) => ({ ...r, ...Object.fromEntries(int64.map((k) => [k, Number(r[k])])) }));
  assert.deepEqual(actual, expected);
  assert.equal(actual[0]['user.username'], '张三 🚀');
  assert.equal(actual[2]['responseStatus.code'], null);
  await s.store.close();
});

test('two writers with overlapping batches at the same time: no event is ever seen twice', async (t) => {
  const db = `kt_conc_${process.pid}`;
  const a = await open(t, { db });
  if (!a) return;
  const b = (await open(t, { db }))!;
  // Rounds of batches that overlap by half, sent by both writers at once.
  for (let round = 0; round < 5; round++) {
    const base = round * 1000;
    await Promise.all([
      a.store.ingest(testRows(base, base + 1000)),
      b.store.ingest(testRows(base + 500, base + 1500)),
    ]);
  }
  // Events 0 … 5499 exist.
  assert.equal(await a.store.count(), 5500);
  assert.equal(await b.store.count(), 5500);
  const distinct = await a.store.querySql('SELECT uniqExact(_id) AS u, count() AS n FROM kaudit_events');
  assert.deepEqual(distinct.rows, [[5500, 5500]]);
  // The view (what other tools see) collapses the same way.
  assert.equal(await scalar(`SELECT count() FROM ${db}.kaudit_events`), 5500);
  await a.store.close();
  await b.store.close();
});

test('kill -9 of the server in the middle of ingest, restart, finish: exact count', async (t) => {
  const s = await open(t, { retryForMs: 30_000 });
  if (!s) return;
  const { store } = s;
  const sink = new IngestSink(store, { maxBatchRows: 2000, maxDelayMs: 20 });
  const batches = 40;
  let stored = 0;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < batches; i++) {
    writes.push(
      sink.write(testRows(i * 500, i * 500 + 500)).then((r) => {
        stored += r.stored;
      }),
    );
    if (i === 15) {
      // Some batches are stored, one is in flight, the rest are queued.
      await new Promise((r) => setTimeout(r, 30));
      await server!.kill9();
      setTimeout(() => void server!.restart(), 1500);
    }
  }
  await Promise.all(writes);
  await sink.close();
  assert.equal(stored, batches * 500);
  assert.equal(await store.count(), batches * 500);
  const dupes = await store.querySql('SELECT count() - uniqExact(_id) FROM kaudit_events');
  assert.deepEqual(dupes.rows, [[0]]);
  await store.close();
});

test('a sender that retries a failed batch after the server came back stores it once', async (t) => {
  const s = await open(t, { retryForMs: 300 });
  if (!s) return;
  const { store } = s;
  await store.ingest(testRows(0, 100));
  await server!.kill9();
  // Down: the batch fails with one sentence, and is not partly stored.
  await assert.rejects(
    () => store.ingest(testRows(100, 300)),
    (e: Error) => e instanceof UserError && /did not take the batch .*nothing was lost/.test(e.message),
  );
  await server!.restart();
  // A file source keeps its checkpoint and sends the same lines again.
  const r = await store.ingest(testRows(100, 300));
  assert.equal(r.stored, 200);
  assert.equal(await store.count(), 300);
  await store.close();
});

test('prune drops whole receive-day partitions; an old event received today is kept', async (t) => {
  let now = Date.UTC(2024, 4, 1, 12) / 1000; // received 2024-05-01
  const s = await open(t, { now: () => now });
  if (!s) return;
  const { store } = s;
  await store.ingest(testRows(0, 10));
  now = Date.UTC(2024, 4, 3, 8) / 1000; // received 2024-05-03: the same old event times
  await store.ingest(testRows(10, 15));
  assert.deepEqual(
    (await store.partitionInfo()).map((p) => [p.day, p.events]),
    [
      ['20240501', 10],
      ['20240503', 5],
    ],
  );
  // Cutoff inside 2024-05-02: only the day before it is entirely older.
  const r = await store.prune(Date.UTC(2024, 4, 2, 12) / 1000);
  assert.deepEqual(r.partitions, ['20240501']);
  assert.equal(r.events, 10);
  assert.ok(r.bytes > 0);
  assert.equal(await store.count(), 5);
  // Events 10…14 were created at T0+10… (2024-05-01) but received on 05-03: kept.
  assert.deepEqual((await store.querySql('SELECT min(__time__) FROM kaudit_events')).rows, [[T0 + 10]]);
  assert.deepEqual((await store.prune(Date.UTC(2024, 4, 3, 12) / 1000)).partitions, []);
  // The newest event: from the recent partitions, and from older ones when nothing came recently.
  assert.equal(await store.newestEventTime(), T0 + 14);
  now = Date.UTC(2024, 4, 20) / 1000;
  assert.equal(await store.newestEventTime(), T0 + 14);
  await store.close();
});

test('settings, documents, rejects and self-audit', async (t) => {
  const s = await open(t);
  if (!s) return;
  const { store } = s;
  assert.equal(await store.getSetting('retention'), undefined);
  await store.setSetting('retention', '7d');
  await store.setSetting('retention', '90d');
  assert.equal(await store.getSetting('retention'), '90d');

  await store.putDocument('saved-search', 'a', { q: 'verb: create' });
  await store.putDocument('saved-search', 'a', { q: 'verb: delete' });
  await store.putDocument('saved-search', 'b', { q: "it's quoted \\ here" });
  await store.putDocument('message', 'a', 1);
  assert.deepEqual(await store.getDocument('saved-search', 'a'), { q: 'verb: delete' });
  assert.equal(await store.getDocument('saved-search', 'zzz'), undefined);
  const list = await store.listDocuments<{ q: string }>('saved-search');
  assert.deepEqual(
    list.map((d) => [d.id, d.value.q]),
    [
      ['a', 'verb: delete'],
      ['b', "it's quoted \\ here"],
    ],
  );
  assert.deepEqual(
    (await store.listDocuments('saved-search', { prefix: 'b' })).map((d) => d.id),
    ['b'],
  );
  assert.equal((await store.listDocuments('saved-search', { limit: 1 })).length, 1);
  assert.equal(await store.deleteDocument('saved-search', 'a'), true);
  assert.equal(await store.deleteDocument('saved-search', 'a'), false);
  assert.deepEqual(
    (await store.listDocuments('saved-search')).map((d) => d.id),
    ['b'],
  );
  // Deleted documents can be written again.
  await store.putDocument('saved-search', 'a', { q: 'back' });
  assert.deepEqual(await store.getDocument('saved-search', 'a'), { q: 'back' });
  assert.equal(await store.getDocument('message', 'a'), 1);

  const bad = { source: 'a.log', line: 3, reason: 'not JSON', raw: '{oops' };
  await store.addRejects([bad, { ...bad, line: 4 }]);
  await store.addRejects([bad]); // the same file imported again
  const rejects = await store.listRejects();
  assert.deepEqual(
    rejects.rows.map((r) => [r[1], r[2], r[3], r[4]]),
    [
      ['a.log', 3, 'not JSON', '{oops'],
      ['a.log', 4, 'not JSON', '{oops'],
    ],
  );
  await store.recordSelfAudit({
    actor: 'alice',
    role: 'admin',
    remote: '127.0.0.1',
    action: 'query',
    detail: '*',
  });
  const audit = await store.listSelfAudit();
  assert.deepEqual(
    audit.rows.map((r) => r.slice(1)),
    [['alice', 'admin', '127.0.0.1', 'query', '*']],
  );
  await store.close();
});

test('queries may read the events and nothing else', async (t) => {
  const s = await open(t);
  if (!s) return;
  const { store } = s;
  await assert.rejects(() => store.querySql('SELECT name FROM system.tables'), /may read only kaudit_events/);
  await assert.rejects(() => store.querySql("SELECT * FROM file('x', 'CSV', 'a String')"), /table functions/);
  await assert.rejects(() => store.querySql('SELECT * FROM kaudit_documents'), /may read only kaudit_events/);
  // A mistake in the query is the query's error at once (not retried as if the server were away).
  const started = Date.now();
  await assert.rejects(
    () => store.querySql('SELECT no_such_column FROM kaudit_events'),
    (e: Error) => e instanceof QueryError && /no_such_column/.test(e.message) && !/^Code:/.test(e.message),
  );
  assert.ok(Date.now() - started < 2000);
  await store.close();
});

test('an unreachable server or a wrong password is one sentence', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  await assert.rejects(
    () => openClickHouseStore({ url: 'clickhouse://default:secret@127.0.0.1:1/x' }),
    (e: Error) =>
      e instanceof UserError &&
      /cannot reach ClickHouse at clickhouse:\/\/default@127\.0\.0\.1:1\/x/.test(e.message) &&
      !/secret/.test(e.message),
  );
  await assert.rejects(
    () => openClickHouseStore({ url: `clickhouse://nobody:pa55word@127.0.0.1:${server!.port}/x` }),
    (e: Error) =>
      e instanceof UserError && /refused the user "nobody"/.test(e.message) && !/pa55word/.test(e.message),
  );
});
