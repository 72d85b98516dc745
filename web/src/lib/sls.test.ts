import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTerm, fillTemplate, histogramQuery, lineAndColumn, quote, term, topValuesQuery } from './sls.js';

test('quote escapes the two characters SLS escapes inside a phrase', () => {
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote('system:anonymous'), '"system:anonymous"');
});

test('term keeps numbers bare (numeric comparison) and quotes text', () => {
  assert.equal(term('responseStatus.code', 403), 'responseStatus.code: 403');
  assert.equal(term('responseStatus.code', '403'), 'responseStatus.code: 403');
  assert.equal(term('user.username', 'kubernetes-admin'), 'user.username: "kubernetes-admin"');
});

test('addTerm ANDs to the search part and keeps the SQL part', () => {
  assert.equal(addTerm('', 'verb: "get"'), 'verb: "get"');
  assert.equal(addTerm('*', 'verb: "get"'), 'verb: "get"');
  assert.equal(addTerm('stage: ResponseComplete', 'verb: "get"'), 'stage: ResponseComplete and verb: "get"');
  assert.equal(
    addTerm('verb: create | select count(1) as n', 'user.username: "bob"'),
    'verb: create and user.username: "bob" | select count(1) as n',
  );
  // `and` binds tighter than `or`/`not` (sls-query.md §9 U-1): wrap, so the new term applies to all.
  assert.equal(addTerm('verb: get or verb: list', 'x: "1"'), '(verb: get or verb: list) and x: "1"');
  assert.equal(addTerm('* not user.username: node', 'x: "1"'), '(* not user.username: node) and x: "1"');
  // `or` inside a phrase is not an operator; a `|` inside a phrase does not start SQL.
  assert.equal(addTerm('requestURI: "a or b|c"', 'x: "1"'), 'requestURI: "a or b|c" and x: "1"');
});

test('histogram and top-values queries run on the search part only', () => {
  assert.equal(
    histogramQuery('verb: delete | select count(1)', 3600),
    'verb: delete | select __time__ - __time__ % 3600 as t, count(1) as n group by t order by t limit 100000',
  );
  assert.equal(
    topValuesQuery('', 'user.username'),
    '* | select "user.username" as value, count(1) as n group by value order by n desc limit 10',
  );
});

test('fillTemplate fills ${column} from a row, escaped for a phrase; unknown names are empty', () => {
  assert.equal(
    fillTemplate('user.username: "${user}" and verb: ${verb} ${nope}', { user: 'a"b', verb: 'get' }),
    'user.username: "a\\"b" and verb: get ',
  );
});

test('lineAndColumn finds the caret position of an error offset', () => {
  assert.deepEqual(lineAndColumn('verb: get | select x', 18), { line: 0, column: 18 });
  assert.deepEqual(lineAndColumn('verb: get\n| select x', 12), { line: 1, column: 2 });
});
