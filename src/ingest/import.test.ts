import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openDuckDbStore } from '../store/duckdb/index.js';
import { importPaths } from './import.js';
import { planInputs } from './inputs.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'samples');
const samples = existsSync(SAMPLES)
  ? SAMPLES
  : join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'samples');

const ev = (id: string, stage = 'ResponseComplete', t = '2024-01-15T10:20:31.000000Z') =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage,
    verb: 'get',
    user: { username: 'u' },
    objectRef: { resource: 'pods', namespace: 'default' },
    responseStatus: { metadata: {}, code: 200 },
    stageTimestamp: t,
  });

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'kaudit-import-'));
}

test('the audit2rbac 2017 v1beta1 log imports completely, and a re-import stores nothing new', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const file = join(samples, 'audit2rbac', 'demo.log');
    const first = await importPaths(store, [file], { cluster: 'c1' });
    // SOURCES.md: 757 lines, one event per line, no duplicates among them.
    assert.equal(first.read, 757);
    assert.equal(first.stored, 757);
    assert.equal(first.rejected, 0);
    const again = await importPaths(store, [file], { cluster: 'c1' });
    assert.equal(again.read, 757);
    assert.equal(again.stored, 0);
    assert.equal(again.duplicates, 757);
    // SOURCES.md: RequestReceived 320, ResponseComplete 437; 37 impersonated events.
    const stages = await store.querySql(
      `SELECT stage, count(*) FROM kaudit_events GROUP BY stage ORDER BY stage`,
    );
    assert.deepEqual(stages.rows, [
      ['RequestReceived', 320],
      ['ResponseComplete', 437],
    ]);
    const imp = await store.querySql(
      `SELECT count(*) FROM kaudit_events WHERE "impersonatedUser.username" IS NOT NULL`,
    );
    assert.deepEqual(imp.rows, [[37]]);
    // The same log under another cluster is another set of events.
    const other = await importPaths(store, [file], { cluster: 'c2' });
    assert.equal(other.stored, 757);
    assert.equal(await store.count(), 1514);
  } finally {
    await store.close();
  }
});

test('the Falco fixtures import completely: pairs sharing an auditID are kept, the malformed file is reported', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = await importPaths(store, [join(samples, 'falco')], { cluster: 'c' });
    // SOURCES.md: 51 events in 46 files, plus fal_01_003.json = {"kind": 0}.
    assert.equal(s.read, 51);
    assert.equal(s.stored, 51);
    assert.equal(s.rejected, 1);
    assert.deepEqual(
      s.skipped.map((x) => x.path.split('/').pop()),
      ['SOURCES.md'],
    );
    const rejects = await store.listRejects();
    assert.equal(rejects.rows.length, 1);
    const row = Object.fromEntries(rejects.columns.map((c, i) => [c.name, rejects.rows[0][i]]));
    assert.match(String(row.source), /fal_01_003\.json$/);
    assert.equal(row.line, 1);
    assert.equal(row.raw, '{"kind": 0}');
    // Two auditIDs are each shared by two different events.
    const shared = await store.querySql(
      `SELECT count(*) FROM (SELECT auditID FROM kaudit_events GROUP BY auditID HAVING count(*) > 1)`,
    );
    assert.deepEqual(shared.rows, [[2]]);
    // Typed columns: the exec event has code 101 as an integer, the attach one too.
    const codes = await store.querySql(
      `SELECT "objectRef.subresource", "responseStatus.code" FROM kaudit_events WHERE "objectRef.subresource" IN ('exec','attach') ORDER BY 1`,
    );
    assert.deepEqual(codes.rows, [
      ['attach', 101],
      ['exec', 101],
    ]);
  } finally {
    await store.close();
  }
});

test('a directory imports rotated siblings oldest first, then the active file; other files are listed as skipped', () => {
  const d = tmp();
  for (const f of [
    'audit.log',
    'audit-2024-01-15T10-20-30.123.log.gz',
    'audit-2024-01-14T08-00-00.000.log',
    'audit-2024-01-13T08-00-00.000.log',
    'audit-2024-01-13T08-00-00.000.log.gz', // compression in progress: its twin is read
    'notes.txt',
    'kubernetes.audit',
  ]) {
    writeFileSync(join(d, f), '');
  }
  mkdirSync(join(d, 'sub'));
  const plan = planInputs([d]);
  assert.deepEqual(
    plan.files.map((f) => f.split('/').pop()),
    [
      'audit-2024-01-13T08-00-00.000.log',
      'audit-2024-01-14T08-00-00.000.log',
      'audit-2024-01-15T10-20-30.123.log.gz',
      'audit.log',
      'kubernetes.audit',
    ],
  );
  assert.deepEqual(plan.skipped.map((s) => s.path.split('/').pop()).sort(), [
    'audit-2024-01-13T08-00-00.000.log.gz',
    'notes.txt',
    'sub',
  ]);
  rmSync(d, { recursive: true });
});

test('malformed lines, empty and missing files are reported and never abort the import', async () => {
  const d = tmp();
  writeFileSync(join(d, 'good.log'), `${ev('1')}\nnot json\n${ev('2')}\n`);
  writeFileSync(join(d, 'empty.log'), '');
  writeFileSync(join(d, 'old.log.gz'), gzipSync(`${ev('3')}\n${ev('1')}\n`));
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = await importPaths(store, [d, join(d, 'missing.log')], { cluster: 'c' });
    assert.equal(s.read, 4);
    assert.equal(s.stored, 3); // ev('1') twice: once stored
    assert.equal(s.duplicates, 1);
    assert.equal(s.rejected, 1);
    assert.equal(s.errors.length, 1);
    assert.match(s.errors[0].reason, /missing\.log does not exist/);
    assert.ok(s.warnings.some((w) => /empty\.log is empty/.test(w)));
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('events are stored in day partitions by receive time; retention drops whole files and frees the space', async () => {
  const d = tmp();
  const db = join(d, 'k.duckdb');
  const day = 86400;
  const t0 = Date.UTC(2024, 0, 10) / 1000 + 3600; // 2024-01-10 01:00 UTC
  let now = t0;
  const store = await openDuckDbStore({ path: db, now: () => now });
  try {
    const f = join(d, 'a.log');
    writeFileSync(f, Array.from({ length: 500 }, (_, i) => ev(`a${i}`)).join('\n') + '\n');
    assert.equal((await importPaths(store, [f], { cluster: 'c' })).stored, 500);
    now = t0 + 2 * day; // received two days later: the old log is a new partition
    const g = join(d, 'b.log');
    writeFileSync(g, Array.from({ length: 300 }, (_, i) => ev(`b${i}`)).join('\n') + '\n');
    assert.equal((await importPaths(store, [g], { cluster: 'c' })).stored, 300);
    // Re-importing the first file on a later day stores nothing: identity spans partitions.
    assert.equal((await importPaths(store, [f], { cluster: 'c' })).stored, 0);
    assert.deepEqual(
      store.partitionInfo().map((p) => p.day),
      ['20240110', '20240112'],
    );
    const firstFile = store.partitionInfo()[0].file!;
    assert.ok(statSync(firstFile).size > 0);
    // Retention of 1 day at 2024-01-12 01:00 drops 2024-01-10 (all received before the cutoff) only.
    const dropped = await store.prune(now - day);
    assert.deepEqual(dropped.partitions, ['20240110']);
    assert.equal(dropped.events, 500);
    assert.ok(dropped.bytes > 0);
    assert.equal(existsSync(firstFile), false);
    assert.equal(await store.count(), 300);
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('a deleted store file is recreated with a notice, re-attaching the partitions beside it', async () => {
  const d = tmp();
  const db = join(d, 'k.duckdb');
  const notices: string[] = [];
  let store = await openDuckDbStore({ path: db, onNotice: (m) => notices.push(m) });
  assert.match(notices[0], /created a new kaudit store/);
  const f = join(d, 'a.log');
  writeFileSync(f, `${ev('1')}\n${ev('2')}\n`);
  await importPaths(store, [f], { cluster: 'c' });
  await store.close();
  rmSync(db);
  if (existsSync(`${db}.wal`)) rmSync(`${db}.wal`);
  store = await openDuckDbStore({ path: db, onNotice: (m) => notices.push(m) });
  try {
    assert.match(notices[1], /was missing \(deleted\?\); recreated it and re-attached 1 partition/);
    assert.equal(await store.count(), 2);
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('--policy at ingest drops what the policy does not log and the summary counts it', async () => {
  const { ingestTransforms } = await import('../cli/transforms.js');
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const transforms = await ingestTransforms({ policy: 'default', redact: true });
    const s = await importPaths(store, [join(samples, 'audit2rbac', 'demo.log')], {
      cluster: 'c',
      transforms,
    });
    // The default policy omits the RequestReceived stage: the log's 320 such events are dropped.
    assert.ok(s.policyDropped >= 320, `dropped ${s.policyDropped}`);
    assert.equal(s.stored + s.policyDropped, 757);
    const rr = await store.querySql(`SELECT count(*) FROM kaudit_events WHERE stage = 'RequestReceived'`);
    assert.deepEqual(rr.rows, [[0]]);
  } finally {
    await store.close();
  }
});

test('redaction at ingest is on by default: Secret values never reach the store, identity is unchanged', async () => {
  const { ingestTransforms } = await import('../cli/transforms.js');
  const d = tmp();
  const secret = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: 's1',
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/secrets',
    objectRef: { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' },
    requestObject: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'db' },
      data: { password: 'aHVudGVyMg==' },
    },
    stageTimestamp: '2024-01-15T10:20:31.000000Z',
  };
  const f = join(d, 's.log');
  writeFileSync(f, JSON.stringify(secret) + '\n');
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = await importPaths(store, [f], {
      cluster: 'c',
      transforms: await ingestTransforms({ redact: true }),
    });
    assert.equal(s.stored, 1);
    assert.ok(s.redactions >= 1);
    const raw = await store.querySql(`SELECT _raw FROM kaudit_events`);
    assert.doesNotMatch(String(raw.rows[0][0]), /aHVudGVyMg==/);
    // The same event imported without redaction is the same event (identity before redaction).
    const again = await importPaths(store, [f], {
      cluster: 'c',
      transforms: await ingestTransforms({ redact: false }),
    });
    assert.equal(again.stored, 0);
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('an apiserver line is stored as written, and its Go escapes read as delimiters in full-text search', async () => {
  const d = tmp();
  // As kube-apiserver writes it: & escaped as \u0026, a quoted message with \".
  const line =
    '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"g1","stage":"ResponseComplete","requestURI":"/api/v1/pods?limit=500\\u0026watch=true","verb":"watch","responseStatus":{"metadata":{},"message":"pods \\"web\\" is forbidden\\nretry","code":403},"stageTimestamp":"2024-01-15T10:20:31.000000Z"}';
  const f = join(d, 'go.log');
  writeFileSync(f, line + '\n');
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    await importPaths(store, [f], { cluster: 'c', transforms: {} });
    const r = await store.querySql(
      `SELECT _raw, requestURI, "responseStatus.message", _text FROM kaudit_events`,
    );
    const [raw, uri, message, text] = r.rows[0] as string[];
    assert.equal(raw, line);
    assert.equal(uri, '/api/v1/pods?limit=500&watch=true');
    assert.equal(message, 'pods "web" is forbidden\nretry');
    // Tokens: "500" and "watch" are separated, "web" stands alone, "forbidden" and "retry" are apart.
    assert.match(text, /500 watch=true/);
    assert.ok(text.includes('pods  web  is forbidden retry'), text);
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('a store written by a newer kaudit is refused with a sentence saying to upgrade', async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const d = tmp();
  const db = join(d, 'k.duckdb');
  const first = await openDuckDbStore({ path: db });
  await first.close();
  const raw = await DuckDBInstance.create(db);
  const c = await raw.connect();
  await c.run(`UPDATE kaudit_meta SET value = '99' WHERE key = 'schema_version'`);
  c.closeSync();
  raw.closeSync();
  await assert.rejects(
    openDuckDbStore({ path: db }),
    /written by a newer kaudit \(schema 99.*upgrade kaudit/,
  );
  rmSync(d, { recursive: true });
});

test('a batch is stored in time order whatever the input order, and the bodies read back from the stored event', async () => {
  const d = tmp();
  const f = join(d, 'desc.log');
  const lines = [
    ev('late', 'ResponseComplete', '2024-01-15T10:20:33.000000Z'),
    ev('mid', 'ResponseComplete', '2024-01-15T10:20:32.000000Z'),
    JSON.stringify({
      ...JSON.parse(ev('early', 'ResponseComplete', '2024-01-15T10:20:31.000000Z')),
      requestObject: { kind: 'Pod', spec: { replicas: 3 } },
    }),
  ];
  writeFileSync(f, lines.join('\n') + '\n');
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    await importPaths(store, [f], { cluster: 'c' });
    // No ORDER BY: the physical order is the stored order.
    const r = await store.querySql(`SELECT auditID, requestObject FROM kaudit_events`);
    assert.deepEqual(r.rows, [
      ['early', '{"kind":"Pod","spec":{"replicas":3}}'],
      ['mid', null],
      ['late', null],
    ]);
  } finally {
    await store.close();
  }
  rmSync(d, { recursive: true });
});

test('decoding in a worker thread gives the same import as decoding in-thread', async () => {
  const inputs = [join(samples, 'falco'), join(samples, 'audit2rbac', 'demo.log')];
  const inThread = await openDuckDbStore({ path: ':memory:' });
  const inWorker = await openDuckDbStore({ path: ':memory:' });
  try {
    const { ingestTransforms } = await import('../cli/transforms.js');
    const a = await importPaths(inThread, inputs, {
      cluster: 'c',
      transforms: await ingestTransforms({ policy: 'default', redact: true }),
    });
    const b = await importPaths(inWorker, inputs, {
      cluster: 'c',
      transformSpec: { policy: 'default', redact: true },
    });
    for (const k of [
      'read',
      'stored',
      'duplicates',
      'rejected',
      'policyDropped',
      'policyTrimmed',
      'redactions',
    ] as const) {
      assert.equal(b[k], a[k], k);
    }
    const ids = async (s: typeof inThread) =>
      (await s.querySql(`SELECT _id::VARCHAR FROM kaudit_events ORDER BY 1`)).rows.map((r) => r[0]);
    assert.deepEqual(await ids(inWorker), await ids(inThread));
  } finally {
    await inThread.close();
    await inWorker.close();
  }
});
