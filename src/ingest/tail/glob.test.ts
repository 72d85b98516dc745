import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPattern, segmentRegExp } from './glob.js';

test('segment patterns: *, ?, classes, negated classes, literal dots', () => {
  assert.ok(segmentRegExp('*.log').test('audit.log'));
  assert.ok(!segmentRegExp('*.log').test('audit.log.gz'));
  assert.ok(!segmentRegExp('*.log').test('auditxlog'));
  assert.ok(segmentRegExp('audit?.log').test('audit1.log'));
  assert.ok(segmentRegExp('node[12].log').test('node2.log'));
  assert.ok(!segmentRegExp('node[!12].log').test('node2.log'));
  assert.ok(segmentRegExp('node[!12].log').test('node3.log'));
});

test('expandPattern matches files in any segment; a plain path is itself even when missing', () => {
  const root = mkdtempSync(join(tmpdir(), 'kaudit-glob-'));
  for (const n of ['a', 'b']) {
    mkdirSync(join(root, n));
    writeFileSync(join(root, n, 'audit.log'), '');
    writeFileSync(join(root, n, 'other.txt'), '');
  }
  mkdirSync(join(root, 'c'));
  mkdirSync(join(root, 'a', 'dir.log'));
  writeFileSync(join(root, 'a', '.hidden.log'), '');
  assert.deepEqual(expandPattern(join(root, '*', '*.log')), [
    join(root, 'a', 'audit.log'),
    join(root, 'b', 'audit.log'),
  ]);
  assert.deepEqual(expandPattern(join(root, 'missing.log')), [join(root, 'missing.log')]);
  assert.deepEqual(expandPattern(join(root, 'nothing', '*.log')), []);
});
