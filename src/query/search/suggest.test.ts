import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, levenshtein } from './suggest.js';

test('levenshtein counts edits, case-insensitively', () => {
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(levenshtein('Verb', 'verb'), 0);
  assert.equal(levenshtein('', 'abc'), 3);
});

test('closestName suggests only plausible typos', () => {
  const names = ['user.username', 'verb', 'objectRef.resource'];
  assert.equal(closestName('usr.username', names), 'user.username');
  assert.equal(closestName('verv', names), 'verb');
  assert.equal(closestName('zzzzzz', names), undefined);
});
