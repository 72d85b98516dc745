import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsTable, fromQueryResult, sortRows, toCsv, toJson } from './table.js';

test('query results (array rows) become row objects keyed by column', () => {
  const t = fromQueryResult(
    [{ name: 'user' }, { name: 'n' }],
    [
      ['alice', 3],
      ['bob', 1],
    ],
  );
  assert.deepEqual(t, {
    columns: ['user', 'n'],
    rows: [
      { user: 'alice', n: 3 },
      { user: 'bob', n: 1 },
    ],
  });
});

test('sorting: numbers numerically (10 after 9), text by locale, NULL last either way', () => {
  const rows = [{ n: 9 }, { n: null }, { n: 10 }, { n: '2' }];
  assert.deepEqual(
    sortRows(rows, 'n', 'asc').map((r) => r.n),
    ['2', 9, 10, null],
  );
  assert.deepEqual(
    sortRows(rows, 'n', 'desc').map((r) => r.n),
    [10, 9, '2', null],
  );
  const names = [{ u: 'bob' }, { u: 'Alice' }, { u: 'carol' }];
  assert.deepEqual(
    sortRows(names, 'u', 'asc').map((r) => r.u),
    ['Alice', 'bob', 'carol'],
  );
});

test('CSV quotes fields with commas, quotes and newlines (RFC 4180) and writes JSON values as text', () => {
  const csv = toCsv({
    columns: ['a', 'b'],
    rows: [
      { a: 'x,y', b: 'say "hi"' },
      { a: null, b: ['10.0.0.1'] },
      { a: 'l1\nl2', b: 5 },
    ],
  });
  assert.equal(csv, 'a,b\r\n"x,y","say ""hi"""\r\n,"[""10.0.0.1""]"\r\n"l1\nl2",5\r\n');
});

test('JSON export is an array of row objects with NULL for missing cells', () => {
  assert.equal(
    toJson({ columns: ['a', 'b'], rows: [{ a: 1 }] }),
    '[\n  {\n    "a": 1,\n    "b": null\n  }\n]',
  );
});

test('events flatten to dotted columns; request bodies stay whole', () => {
  const t = eventsTable([
    { auditID: 'x', user: { username: 'alice', groups: ['g'] }, requestObject: { kind: 'Pod' } },
    { auditID: 'y', objectRef: { resource: 'pods' } },
  ]);
  assert.deepEqual(t.columns, [
    'auditID',
    'user.username',
    'user.groups',
    'requestObject',
    'objectRef.resource',
  ]);
  assert.deepEqual(t.rows[0]['requestObject'], { kind: 'Pod' });
  assert.equal(t.rows[1]['objectRef.resource'], 'pods');
});
