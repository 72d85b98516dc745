// compileQuery: the split, the implicit LIMIT, the search-only path, and its safety net.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from './index.js';
import { QueryError } from './errors.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';
import { clickHouseDialect } from '../store/clickhouse/dialect/index.js';

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

test('a text compiled again renders the new context: the checked tree is shared, never changed', () => {
  const q = '* | select verb, count(*) as n from log group by verb';
  // The implicit LIMIT comes from each call's context, not from the first compile of the text.
  assert.match(compile(q, 500).sql, / LIMIT 500$/);
  assert.match(compile(q).sql, / LIMIT 100$/);
  assert.match(compile(q, 7).sql, / LIMIT 7$/);
  const inWindow = (from: number, to: number) =>
    compileQuery(`verb: get ${q.slice(1)}`, { timezone: 'UTC', from, to }, duckDbDialect).sql;
  assert.match(inWindow(1000, 2000), /"__time__" >= 1000 AND "__time__" < 2000/);
  assert.match(inWindow(3000, 4000), /"__time__" >= 3000 AND "__time__" < 4000/);
  assert.doesNotMatch(inWindow(3000, 4000), /1000|2000/);
  // A dialect that rewrites the tree (the ClickHouse planner replaces FROM subqueries by the
  // server's answers) works on its own copy: the second compile of the same text is the first's.
  const sub = '* | select u, count(*) as n from (select "user.username" as u, verb from log) group by u';
  for (const version of ['18.16.1', '26.7.2.1']) {
    const ch = clickHouseDialect({ version });
    const first = compileQuery(sub, { timezone: 'UTC' }, ch).sql;
    assert.equal(compileQuery(sub, { timezone: 'UTC' }, ch).sql, first, version);
  }
  // Errors are not remembered as answers: the same bad text fails the same way each time.
  for (let i = 0; i < 2; i++) assert.throws(() => compile('* | select nosuchfield'), /nosuchfield/i);
});
