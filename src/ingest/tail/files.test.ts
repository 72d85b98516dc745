import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  GzipReader,
  fingerprintOf,
  listBackups,
  listCopies,
  looksLikeBackup,
  matchesFingerprint,
  parseBackupName,
  readGzipHead,
} from './files.js';

test('lumberjack backup names (k8s-audit.md §3 examples) and their rotation time', () => {
  const t = Date.UTC(2024, 0, 15, 10, 20, 30, 123);
  assert.deepEqual(parseBackupName('audit.log', 'audit-2024-01-15T10-20-30.123.log'), {
    rotatedAt: t,
    compressed: false,
  });
  assert.deepEqual(parseBackupName('audit.log', 'audit-2024-01-15T10-20-30.123.log.gz'), {
    rotatedAt: t,
    compressed: true,
  });
  assert.ok(parseBackupName('kubernetes.audit', 'kubernetes-2019-02-01T12-00-00.000.audit'));
  assert.ok(parseBackupName('audit', 'audit-2019-02-01T12-00-00.000'));
  assert.ok(parseBackupName('audit.log.json', 'audit.log-2019-02-01T12-00-00.000.json'));
  // Another file's backup, or a name that is not a lumberjack timestamp.
  assert.equal(parseBackupName('audit.log', 'other-2024-01-15T10-20-30.123.log'), null);
  assert.equal(parseBackupName('audit.log', 'audit-2024-01-15.log'), null);
  assert.equal(parseBackupName('audit.log', 'audit-2024-01-15T10-20-30.123.json'), null);
  assert.ok(looksLikeBackup('/x/audit-2024-01-15T10-20-30.123.log'));
  assert.ok(!looksLikeBackup('/x/audit.log'));
});

test('listBackups: oldest first, and a .gz whose uncompressed twin exists is left out', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-bk-'));
  const active = join(d, 'audit.log');
  for (const n of [
    'audit.log',
    'audit-2024-01-15T10-20-30.123.log',
    'audit-2024-01-15T10-20-30.123.log.gz', // the mill is still compressing it
    'audit-2024-01-14T09-00-00.000.log.gz',
    'audit-2024-01-16T00-00-00.000.log',
    'unrelated.log',
  ])
    writeFileSync(join(d, n), '');
  const b = await listBackups(active);
  assert.deepEqual(
    b.map((x) => [x.path.slice(d.length + 1), x.compressed]),
    [
      ['audit-2024-01-14T09-00-00.000.log.gz', true],
      ['audit-2024-01-15T10-20-30.123.log', false],
      ['audit-2024-01-16T00-00-00.000.log', false],
    ],
  );
  writeFileSync(join(d, 'audit.log.1'), '');
  writeFileSync(join(d, 'audit.log-20240115.gz'), '');
  assert.deepEqual((await listCopies(active)).sort(), [
    join(d, 'audit.log-20240115.gz'),
    join(d, 'audit.log.1'),
  ]);
});

test('fingerprints: a prefix of the same content matches, other content does not', () => {
  const fp = fingerprintOf(Buffer.from('{"auditID":"1"}\n'));
  assert.ok(matchesFingerprint(Buffer.from('{"auditID":"1"}\n{"auditID":"2"}\n'), fp));
  assert.ok(!matchesFingerprint(Buffer.from('{"auditID":"9"}\n{"auditID":"2"}\n'), fp));
  // Shorter than the fingerprinted prefix: cannot be the same file.
  assert.ok(!matchesFingerprint(Buffer.from('{"audit'), fp));
});

test('gzip content is read and skipped through the decompressor; a broken .gz has no head', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-gz-'));
  const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  writeFileSync(join(d, 'a.gz'), gzipSync(text));
  const fh = await open(join(d, 'a.gz'), 'r');
  assert.equal((await readGzipHead(fh, 12))?.toString(), 'line 0\nline ');
  const r = new GzipReader(fh);
  const at = text.indexOf('line 500');
  assert.equal(await r.skip(at), at);
  assert.equal((await r.next(8))?.toString(), 'line 500');
  r.destroy();
  await fh.close();
  writeFileSync(join(d, 'broken.gz'), gzipSync(text).subarray(0, 20));
  const bh = await open(join(d, 'broken.gz'), 'r');
  assert.equal(await readGzipHead(bh, 4096), null);
  await bh.close();
});
