// compileQuery: the split, the implicit LIMIT, the search-only path, and its safety net.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from './index.js';
import { QueryError } from './errors.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';

const compile = (q: string, limit?: number) =>
  compileQuery(q, { timezone: 'UTC', ...(limit !== undefined ? { limit } : {}) }, duckDbDialect);

test('SQL gets LIMIT 100 on the outermost select only, or the context limit; an explicit LIMIT wins', () => {
  assert.match(compile('* | select verb from (select verb from log)').sql, /\) AS "_t1" LIMIT 100$/);
  assert.doesNotMatch(compile('* | select verb from (select verb from log)').sql, /LIMIT 100\) AS/);
  assert.match(compile('* | select verb', 500).sql, / LIMIT 500$/);
  assert.match(compile('* | select verb limit 7', 500).sql, / LIMIT 7$/);
  assert.match(compile('* | select verb limit 10, 20').sql, / LIMIT 20 OFFSET 10$/);
});

test('output column names come with the SQL; a search alone has none', () => {
  assert.deepEqual(compile('* | select verb, count(*) as n group by verb').columns, ['verb', 'n']);
  const s = compile('verb: get');
  assert.equal(s.kind, 'search');
  assert.equal(s.columns, undefined);
});

test('a bare SELECT needs a search part first', () => {
  assert.throws(() => compile('select 1'), /sql query must follow search query/);
});

test('a query deep enough to exhaust the stack is a QueryError, not a crash', () => {
  assert.throws(
    () => compile(`${'('.repeat(50000)}a${')'.repeat(50000)}`),
    (err: unknown) => err instanceof QueryError && /nested too deeply/.test(err.message),
  );
});
