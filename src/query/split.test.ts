import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitQuery } from './split.js';

test('splits at the first | outside double quotes and not escaped', () => {
  assert.deepEqual(splitQuery('verb: get | select 1'), {
    search: 'verb: get ',
    sql: ' select 1',
    sqlOffset: 11,
  });
  assert.deepEqual(splitQuery('a: "x|y" | select 1'), {
    search: 'a: "x|y" ',
    sql: ' select 1',
    sqlOffset: 10,
  });
  assert.deepEqual(splitQuery('a: x\\|y | select 1'), {
    search: 'a: x\\|y ',
    sql: ' select 1',
    sqlOffset: 9,
  });
  assert.deepEqual(splitQuery('a: "say \\"|\\"" | s'), {
    search: 'a: "say \\"|\\"" ',
    sql: ' s',
    sqlOffset: 16,
  });
  assert.deepEqual(splitQuery('verb: get'), { search: 'verb: get', sqlOffset: 9 });
  // A later | belongs to the SQL (where the SQL lexer rejects it as a second stage).
  assert.deepEqual(splitQuery('* | select 1 | x'), { search: '* ', sql: ' select 1 | x', sqlOffset: 3 });
});
