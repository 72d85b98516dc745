import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskChecks, effectiveRotation, rotationChecks, worstCaseBytes } from './rotation.js';

const MB = 1024 * 1024;
const flags = (o: Record<string, string | null>) => new Map(Object.entries(o));
const status = (checks: { id: string; status: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.id, c.status]));

test('defaults differ before and from 1.36 (k8s-audit.md §3)', () => {
  const old = effectiveRotation(flags({}), 30);
  // Before 1.36: maxsize 0 is handed to lumberjack, which rotates at 100 MB; backups and age unlimited.
  assert.deepEqual([old.maxSizeMB, old.maxBackup, old.maxAgeDays], [100, 0, 0]);
  assert.equal(worstCaseBytes(old), null);
  assert.deepEqual(status(rotationChecks(old, 30)), { 'rotation.size': 'ok', 'rotation.retention': 'fail' });
  const now = effectiveRotation(flags({}), 36);
  assert.deepEqual([now.maxSizeMB, now.maxBackup, now.maxAgeDays], [100, 100, 366]);
  assert.equal(worstCaseBytes(now), 100 * MB * 101);
  assert.deepEqual(status(rotationChecks(now, 36)), { 'rotation.size': 'ok', 'rotation.retention': 'ok' });
});

test('maxsize 0: an upgrade hazard before 1.36, no rotation at all from 1.36', () => {
  const zero = flags({ 'audit-log-maxsize': '0', 'audit-log-maxbackup': '10', 'audit-log-maxage': '7' });
  const before = effectiveRotation(zero, 35);
  assert.equal(before.maxSizeMB, 100);
  const c35 = rotationChecks(before, 35);
  assert.equal(c35[0].status, 'warn');
  assert.match(c35[0].message, /from 1\.36 on 0 means never rotate/);
  const after = effectiveRotation(zero, 36);
  assert.equal(after.maxSizeMB, null);
  const c36 = rotationChecks(after, 36);
  assert.deepEqual(status(c36), { 'rotation.size': 'fail' });
  assert.match(c36[0].fix!, /--audit-log-maxsize=100/);
});

test('the seed settings (100 MB, 10 files, 7 days) and bad values', () => {
  const s = effectiveRotation(
    flags({ 'audit-log-maxsize': '100', 'audit-log-maxbackup': '10', 'audit-log-maxage': '7' }),
    30,
  );
  assert.equal(worstCaseBytes(s), 1100 * MB);
  const c = rotationChecks(s, 30);
  assert.deepEqual(status(c), { 'rotation.size': 'ok', 'rotation.retention': 'ok' });
  assert.match(c[1].message, /keeps 10 rotated file\(s\) for at most 7 days: up to 1\.1 GB/);
  const ageOnly = rotationChecks(effectiveRotation(flags({ 'audit-log-maxage': '30' }), 30), 30);
  assert.equal(status(ageOnly)['rotation.retention'], 'warn');
  const bad = effectiveRotation(flags({ 'audit-log-maxbackup': 'ten' }), 36);
  assert.deepEqual(bad.invalid, [{ flag: 'audit-log-maxbackup', value: 'ten' }]);
  assert.equal(rotationChecks(bad, 36)[0].status, 'fail');
});

test('disk headroom and history at the measured rate', () => {
  const s = effectiveRotation(
    flags({ 'audit-log-maxsize': '100', 'audit-log-maxbackup': '10', 'audit-log-maxage': '7' }),
    36,
  );
  // Up to 1100 MB; 100 MB already used, so 1000 MB more may be needed.
  assert.equal(status(diskChecks(s, { freeBytes: 900 * MB, usedBytes: 100 * MB }))['rotation.disk'], 'fail');
  assert.equal(status(diskChecks(s, { freeBytes: 1200 * MB, usedBytes: 100 * MB }))['rotation.disk'], 'warn'); // 1000 > 960
  assert.equal(status(diskChecks(s, { freeBytes: 1300 * MB, usedBytes: 100 * MB }))['rotation.disk'], 'ok'); // 1000 < 1040
  // 100 MB/day: 1100 MB would last 11 days, but maxage ends history at 7 days.
  const slow = diskChecks(s, { freeBytes: 10_000 * MB, usedBytes: 0, bytesPerSecond: (100 * MB) / 86400 });
  assert.match(slow.find((c) => c.id === 'rotation.history')!.message, /about 7\.0 days/);
  // 2200 MB/day: the files hold half a day, a collector stopped for longer loses events.
  const fast = diskChecks(s, { freeBytes: 10_000 * MB, usedBytes: 0, bytesPerSecond: (2200 * MB) / 86400 });
  const h = fast.find((c) => c.id === 'rotation.history')!;
  assert.equal(h.status, 'warn');
  assert.match(h.message, /only 12\.0 h/);
  // Unbounded (maxbackup 0): days until the disk is full at the current rate.
  const unbounded = effectiveRotation(flags({ 'audit-log-maxage': '30' }), 30);
  const full = diskChecks(unbounded, {
    freeBytes: 1000 * MB,
    usedBytes: 0,
    bytesPerSecond: (500 * MB) / 86400,
  });
  assert.equal(full[0].status, 'fail');
  assert.match(full[0].message, /full in 2\.0 days/);
});
