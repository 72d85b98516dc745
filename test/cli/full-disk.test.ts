// A full disk during import: one sentence, a non-zero exit, and everything stored before is kept.
// Needs a small tmpfs (mount as root); skips with the reason where mounting is not permitted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO, kaudit } from './helpers.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'kaudit-smallfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]).status === 0;

test(
  'a full disk stops the import with one sentence and keeps what was stored',
  {
    skip: mounted
      ? false
      : 'cannot mount a small tmpfs here (needs root); the full-disk path is not exercised',
  },
  () => {
    try {
      const db = join(mountPoint, 'k.duckdb');
      const first = kaudit([
        'import',
        '--db',
        db,
        '--json',
        join(REPO, 'test', 'fixtures', 'samples', 'audit2rbac', 'demo.log'),
      ]);
      assert.equal(first.status, 0, first.stderr);
      // ~20 MB of events into a 3 MB file system.
      const big = join(mkdtempSync(join(tmpdir(), 'kaudit-big-')), 'big.log');
      const line = (i: number) =>
        JSON.stringify({
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          level: 'RequestResponse',
          auditID: `big-${i}`,
          stage: 'ResponseComplete',
          verb: 'create',
          requestObject: { data: `${i}-`.repeat(200) },
          stageTimestamp: '2024-01-15T10:20:31.000000Z',
        });
      writeFileSync(big, Array.from({ length: 20000 }, (_, i) => line(i)).join('\n') + '\n');
      const full = kaudit(['import', '--db', db, '--json', big]);
      assert.equal(full.status, 1);
      assert.match(full.stderr, /the disk holding .* is full; free space or run "kaudit prune"/);
      const q = kaudit([
        'query',
        '--db',
        db,
        '--format',
        'json',
        "verb: list or verb: get or verb: create or verb: delete or verb: patch | select count(*) as n where auditID not like 'big-%'",
      ]);
      assert.equal(q.status, 0, q.stderr);
      assert.deepEqual(JSON.parse(q.stdout), [{ n: 757 }]);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  },
);
