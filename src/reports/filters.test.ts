import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../cli/errors.js';
import { parseSearch } from '../query/search/index.js';
import { applyFilterTerms, filterTerms, quoteSearchValue } from './filters.js';

test('filters become SLS search terms in a fixed order', () => {
  assert.deepEqual(filterTerms({ status: 403, user: 'dev-bob', namespace: 'team-a' }), [
    'objectRef.namespace: "team-a"',
    'user.username: "dev-bob"',
    'responseStatus.code: 403',
  ]);
  assert.deepEqual(filterTerms({}), []);
});

test('values are quoted for SLS: quotes, backslashes and | are escaped', () => {
  assert.equal(quoteSearchValue('a"b'), '"a\\"b"');
  assert.equal(quoteSearchValue('a\\b'), '"a\\\\b"');
  assert.equal(quoteSearchValue('x | select 1'), '"x \\| select 1"');
  // The escaped value parses as one quoted value: the filter cannot inject a SQL part.
  const q = applyFilterTerms('* | select count(1) as n', filterTerms({ user: 'x" | select 1 --' }));
  assert.equal(q, 'user.username: "x\\" \\| select 1 --" | select count(1) as n');
  assert.doesNotThrow(() => parseSearch(q.slice(0, q.lastIndexOf(' | select')), 0));
});

test('terms are ANDed to the search part; the SQL part is kept as written', () => {
  const terms = ['objectRef.namespace: "ns"'];
  assert.equal(applyFilterTerms('* | select 1', terms), 'objectRef.namespace: "ns" | select 1');
  assert.equal(applyFilterTerms(' | select 1', terms), 'objectRef.namespace: "ns" | select 1');
  // Parentheses keep `or` and `not` of the panel's search from capturing the filter.
  assert.equal(
    applyFilterTerms('verb: delete or verb: deletecollection | select 1', terms),
    '(verb: delete or verb: deletecollection) and objectRef.namespace: "ns" | select 1',
  );
  assert.equal(applyFilterTerms('a not b', terms), '(a not b) and objectRef.namespace: "ns"');
  assert.equal(applyFilterTerms('* | select 1', []), '* | select 1');
  // A quoted | in the search part is not where the SQL starts.
  assert.equal(
    applyFilterTerms('k: "a|b" | select 1', terms),
    '(k: "a|b") and objectRef.namespace: "ns" | select 1',
  );
});

test('a status that is not a three-digit HTTP code is one clear error', () => {
  for (const bad of ['40x', '4033', 'forbidden', '-1', '600']) {
    assert.throws(
      () => filterTerms({ status: bad }),
      (e: Error) =>
        e instanceof UserError &&
        /status filter ".*" is not an HTTP status code; give three digits/.test(e.message),
      bad,
    );
  }
  assert.deepEqual(filterTerms({ status: ' 401 ' }), ['responseStatus.code: 401']);
});

test('an empty namespace or user filter is an error, not a match-everything term', () => {
  assert.throws(() => filterTerms({ namespace: '  ' }), /namespace filter is empty/);
  assert.throws(() => filterTerms({ user: '' }), /user filter is empty/);
});
