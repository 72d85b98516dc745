// End to end: the real `kaudit` binary on real files (built by `npm test` before it runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO, kaudit } from './helpers.js';

const SAMPLES = join(REPO, 'test', 'fixtures', 'samples');

test('kaudit import --help shows examples', () => {
  const r = kaudit(['import', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--cluster/);
});

test('import prints the JSON summary, re-import stores nothing, rejects lists the bad record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-cli-'));
  const db = join(dir, 'k.duckdb');
  const first = kaudit([
    'import',
    '--db',
    db,
    '--format',
    'json',
    join(SAMPLES, 'falco'),
    join(SAMPLES, 'audit2rbac'),
  ]);
  assert.equal(first.status, 0, first.stderr);
  const s1 = JSON.parse(first.stdout);
  // 51 Falco events + 757 audit2rbac events; fal_01_003.json is rejected.
  assert.deepEqual([s1.read, s1.stored, s1.duplicates, s1.rejected], [808, 808, 0, 1]);
  assert.match(first.stderr, /created a new kaudit store/);
  assert.match(first.stderr, /rejected .*fal_01_003\.json:1: "kind" is number 0/);
  const again = JSON.parse(
    kaudit(['import', '--db', db, '--json', join(SAMPLES, 'audit2rbac', 'demo.log')]).stdout,
  );
  assert.deepEqual([again.read, again.stored, again.duplicates], [757, 0, 757]);
  const rej = kaudit(['rejects', '--db', db, '--format', 'json']);
  const rows = JSON.parse(rej.stdout);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].raw, '{"kind": 0}');
  assert.equal(rows[0].line, 1);
  // --strict turns rejects into a non-zero exit; nothing already stored is lost.
  const strict = kaudit([
    'import',
    '--db',
    db,
    '--strict',
    '--json',
    join(SAMPLES, 'falco', 'fal_01_003.json'),
  ]);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr, /rejected and --strict is set/);
});

test('stdin import, and a missing path gets one sentence and a non-zero exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-cli-'));
  const db = join(dir, 'k.duckdb');
  const r = spawnSync(
    process.execPath,
    [join(REPO, 'bin', 'kaudit.js'), 'import', '--db', db, '--json', '-'],
    {
      input:
        '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"s1","stage":"ResponseComplete","verb":"get","stageTimestamp":"2024-01-01T00:00:00.000000Z"}\n',
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).stored, 1);
  const missing = kaudit(['import', '--db', db, '--json', join(dir, 'nope.log')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.log does not exist; check the path/);
});

test(
  'an unreadable file is reported without losing what is stored',
  { skip: process.getuid?.() === 0 ? 'root reads every file' : false },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-cli-'));
    const f = join(dir, 'secret.log');
    writeFileSync(f, '{}\n');
    chmodSync(f, 0o000);
    const r = kaudit(['import', '--db', join(dir, 'k.duckdb'), '--json', f]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not readable/);
  },
);

test('a store locked by another process gets a sentence naming the cause', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-cli-'));
  const db = join(dir, 'k.duckdb');
  // Hold the DuckDB file open in a child process, then try to import.
  const holder = spawnSync(
    process.execPath,
    [
      '-e',
      `import('@duckdb/node-api').then(async ({DuckDBInstance}) => { const i = await DuckDBInstance.create(${JSON.stringify(db)}); const c = await i.connect(); await c.run('CREATE TABLE t(x INT)'); const r = require('child_process').spawnSync(process.execPath, [${JSON.stringify(join(REPO, 'bin', 'kaudit.js'))}, 'import', '--db', ${JSON.stringify(db)}, '-'], {input: '', encoding: 'utf8'}); process.stdout.write(JSON.stringify(r)); })`,
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  const inner = JSON.parse(holder.stdout);
  assert.equal(inner.status, 1);
  assert.match(inner.stderr, /is in use by another kaudit process/);
});
