import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { diffLines, unifiedDiff } from './diff.js';

test('a one-line change, worked out by hand', () => {
  assert.equal(
    unifiedDiff('a\nb\nc\n', 'a\nx\nc\n', 'f'),
    '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n',
  );
  assert.equal(unifiedDiff('same\n', 'same\n', 'f'), '');
  // Insertion at the very top of an empty file: the old range is -0,0.
  assert.equal(unifiedDiff('', 'new\n', '/etc/x'), '--- a/etc/x\n+++ b/etc/x\n@@ -0,0 +1,1 @@\n+new\n');
});

test('changes far apart make separate hunks with 3 lines of context', () => {
  const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
  const after = before.replace('l2\n', 'l2\nNEW\n').replace('l18\n', '');
  assert.equal(
    unifiedDiff(before, after, 'f'),
    [
      '--- a/f',
      '+++ b/f',
      '@@ -1,5 +1,6 @@',
      ' l1',
      ' l2',
      '+NEW',
      ' l3',
      ' l4',
      ' l5',
      '@@ -15,6 +16,5 @@',
      ' l15',
      ' l16',
      ' l17',
      '-l18',
      ' l19',
      ' l20',
      '',
    ].join('\n'),
  );
});

test('the edit script always turns a into b and keeps a longest common subsequence length', () => {
  const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 25 });
  fc.assert(
    fc.property(lines, lines, (a, b) => {
      const ops = diffLines(a, b);
      assert.deepEqual(
        ops.filter((o) => o.kind !== '+').map((o) => o.line),
        a,
      );
      assert.deepEqual(
        ops.filter((o) => o.kind !== '-').map((o) => o.line),
        b,
      );
      // Shortest: kept lines equal the LCS length (by a plain dynamic programme).
      const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = a.length - 1; i >= 0; i--)
        for (let j = b.length - 1; j >= 0; j--)
          dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
      assert.equal(ops.filter((o) => o.kind === ' ').length, dp[0][0]);
    }),
    { numRuns: 300 },
  );
});

test('GNU patch applies the diff and reproduces the new text', (t) => {
  if (spawnSync('patch', ['--version']).status !== 0) {
    t.skip('patch is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-diff-'));
  mkdirSync(join(dir, 'etc'));
  const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const after =
    before.replace('line 3\n', 'line 3\ninserted\n').replace('line 30\n', 'changed 30\n') + 'tail\n';
  writeFileSync(join(dir, 'etc', 'm.yaml'), before);
  const r = spawnSync('patch', ['-p1', '--batch'], {
    cwd: dir,
    input: unifiedDiff(before, after, '/etc/m.yaml'),
  });
  assert.equal(r.status, 0, r.stderr?.toString());
  assert.equal(readFileSync(join(dir, 'etc', 'm.yaml'), 'utf8'), after);
});
