// `kaudit query` end to end (the built CLI) on the audit2rbac sample (757 v1beta1 events).
// Expected counts were taken with grep on the sample file, independently of kaudit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { kaudit, REPO } from './helpers.js';

const SAMPLE = join(REPO, 'test', 'fixtures', 'samples', 'audit2rbac', 'demo.log');
let dir: string;
let db: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaudit-query-cli-'));
  db = join(dir, 'k.duckdb');
  const r = kaudit(['import', '--db', db, SAMPLE]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test(
  'SQL result as JSON: row objects keyed by column, integers as numbers',
  { skip: !existsSync(SAMPLE) },
  () => {
    const r = kaudit([
      'query',
      '--db',
      db,
      '* | select verb, count(*) as n group by verb order by n desc',
      '--format',
      'json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    // grep -c '"verb":"get"' etc. on the sample
    assert.deepEqual(JSON.parse(r.stdout), [
      { verb: 'get', n: 379 },
      { verb: 'delete', n: 164 },
      { verb: 'patch', n: 120 },
      { verb: 'create', n: 80 },
      { verb: 'list', n: 14 },
    ]);
  },
);

test('a search alone prints whole events newest first, 100 a page', { skip: !existsSync(SAMPLE) }, () => {
  const r = kaudit(['query', '--db', db, 'verb: list', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const events = JSON.parse(r.stdout) as {
    verb: string;
    __time__: number;
    cluster: string;
    auditID: string;
  }[];
  assert.equal(events.length, 14);
  assert.ok(
    events.every((e) => e.verb === 'list' && e.cluster === 'default' && typeof e.auditID === 'string'),
  );
  for (let i = 1; i < events.length; i++) assert.ok(events[i - 1].__time__ >= events[i].__time__);
  const page2 = JSON.parse(
    kaudit(['query', '--db', db, 'verb: get', '--json', '--page', '4']).stdout,
  ) as unknown[];
  assert.equal(page2.length, 79); // 379 = 3 pages of 100 + 79
});

test('errors show the query with a caret and a suggestion, exit 1', () => {
  const r = kaudit(['query', '--db', db, '* | select verbb, count(*) group by verbb']);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    [
      "kaudit: query error: Column 'verbb' cannot be resolved (line 1, column 12)",
      '  * | select verbb, count(*) group by verbb',
      '             ^',
      '  Did you mean "verb"?',
      '',
    ].join('\n'),
  );
  const bad = kaudit(['query', '--db', db, '* | select 1', '--limit', 'x']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--limit x is not a whole number/);
});

test('--out writes CSV, NDJSON and Parquet files', { skip: !existsSync(SAMPLE) }, async () => {
  const q = '* | select verb, count(*) as n group by verb order by verb';
  const csv = join(dir, 'v.csv');
  assert.equal(kaudit(['query', '--db', db, q, '--out', csv]).status, 0);
  assert.equal(readFileSync(csv, 'utf8'), 'verb,n\ncreate,80\ndelete,164\nget,379\nlist,14\npatch,120\n');
  const nd = join(dir, 'v.ndjson');
  assert.equal(kaudit(['query', '--db', db, q, '--out', nd]).status, 0);
  assert.equal(readFileSync(nd, 'utf8').split('\n')[0], '{"verb":"create","n":80}');
  const pq = join(dir, 'v.parquet');
  const r = kaudit(['query', '--db', db, q, '--out', pq]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote 5 rows/);
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (
    await conn.runAndReadAll(`SELECT verb, n FROM read_parquet('${pq}') ORDER BY verb`)
  ).getRowsJS();
  assert.deepEqual(rows, [
    ['create', 80n],
    ['delete', 164n],
    ['get', 379n],
    ['list', 14n],
    ['patch', 120n],
  ]);
  const unknown = kaudit(['query', '--db', db, q, '--out', join(dir, 'v.xlsx')]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no known extension/);
});

test('--help shows examples', () => {
  const r = kaudit(['query', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--out <file>/);
});

test('--timeout stops a long query with a clear message', { skip: !existsSync(SAMPLE) }, () => {
  // 757^4 ≈ 3.3e11 combinations: far longer than a second.
  const r = kaudit([
    'query',
    '--db',
    db,
    '* | select count(*) from log a, log b, log c, log d',
    '--timeout',
    '1s',
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /The query ran longer than 1000 ms and was stopped/);
  const bad = kaudit(['query', '--db', db, '* | select 1', '--timeout', 'soon']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--timeout "soon" is not a duration/);
});
