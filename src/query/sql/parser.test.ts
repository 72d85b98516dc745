// The SQL parser: tree shapes, positions, and the statements a query must never contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from './parser.js';
import { QueryError } from '../errors.js';
import type { Select } from './ast.js';

function select(text: string): Select {
  const q = parseSql(text);
  assert.equal(q.kind, 'select');
  return q as Select;
}

function rejects(text: string, message: RegExp, at?: string, offset = 0) {
  assert.throws(
    () => parseSql(text, offset),
    (err: unknown) => {
      assert.ok(err instanceof QueryError, String(err));
      assert.match(err.message, message);
      if (at !== undefined)
        assert.equal(text.slice(err.position! - offset, err.position! - offset + at.length), at);
      return true;
    },
  );
}

test('select list: quoted, Chinese and keyword-free aliases; AS optional', () => {
  const s = select(`SELECT auditID as "事件ID", "user.username" u, count(1) total, 'x' AS "a""b"`);
  assert.deepEqual(
    s.items.map((i) => i.alias),
    ['事件ID', 'u', 'total', 'a"b'],
  );
  assert.deepEqual(s.items[1].expr, { kind: 'column', name: 'user.username', pos: 26 });
});

test('precedence: AND over OR, comparison over AND, * over +, || lowest arithmetic', () => {
  const s = select('select a or b and c = 1 + 2 * 3');
  const e = s.items[0].expr;
  assert.equal(e.kind, 'binary');
  if (e.kind !== 'binary') return;
  assert.equal(e.op, 'or');
  assert.equal(e.right.kind === 'binary' && e.right.op, 'and');
  const cmp = e.right.kind === 'binary' ? e.right.right : undefined;
  assert.equal(cmp?.kind === 'binary' && cmp.op, '=');
  const sum = cmp?.kind === 'binary' ? cmp.right : undefined;
  assert.equal(sum?.kind === 'binary' && sum.op, '+');
  assert.equal(sum?.kind === 'binary' && sum.right.kind === 'binary' && sum.right.op, '*');
});

test('clauses: FROM subquery, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT o, n', () => {
  const s = select(
    "select ip, count(1) as c from (select x as ip from log limit 10000) where ip != 'a' group by ip having c > 1 order by c desc nulls first limit 5, 10",
  );
  assert.equal(s.from?.kind, 'subqueryRef');
  assert.equal(s.groupBy.length, 1);
  assert.ok(s.having);
  assert.deepEqual(
    s.orderBy.map((o) => [o.desc, o.nulls]),
    [[true, 'first']],
  );
  assert.deepEqual({ offset: s.limit?.offset, count: s.limit?.count }, { offset: 5, count: 10 });
});

test('expressions: CASE, CAST/TRY_CAST, IN, BETWEEN, LIKE, IS NULL, array[], subscripts, windows', () => {
  const s = select(
    `select case when a > 1 then 'x' else 'y' end, try_cast(b as bigint), c not in (1, 2), d between 1 and 2, e not like 'a%', f is not null, array[1, 2][1], row_number() over (partition by g order by h desc rows between unbounded preceding and current row), count(distinct i) filter (where j)`,
  );
  assert.deepEqual(
    s.items.map((i) => i.expr.kind),
    ['case', 'cast', 'in', 'between', 'like', 'isNull', 'subscript', 'func', 'func'],
  );
  const w = s.items[7].expr;
  assert.ok(w.kind === 'func' && w.over && w.over.frame?.start.kind === 'unboundedPreceding');
  const c = s.items[8].expr;
  assert.ok(c.kind === 'func' && c.distinct && c.filter);
});

test('WITH, UNION ALL, UNNEST and joins parse', () => {
  const q = parseSql(
    'with t as (select verb from log) select * from t union all select verb from log order by 1 limit 3',
  );
  assert.equal(q.kind, 'setOp');
  assert.equal(q.with?.[0].name, 't');
  const s = select('select k, v from (select histogram(verb) as h from log), unnest(h) as t(k, v)');
  assert.ok(s.from?.kind === 'join' && s.from.right.kind === 'unnest');
  const j = select('select a.x from (select 1 as x) a left join (select 1 as x) b on a.x = b.x');
  assert.ok(j.from?.kind === 'join' && j.from.joinType === 'left');
});

test('positions are offsets in the whole query (the search part before | included)', () => {
  rejects('select verb from', /mismatched input end of input/, '', 20);
  rejects('select (1', /expected '\)'/, '', 4);
  rejects("select 'abc", /Unterminated string literal/, "'abc", 7);
});

test('only one SELECT statement: DDL, DML, PRAGMA, SET, ATTACH, COPY, INSTALL are rejected', () => {
  for (const stmt of [
    'drop table kaudit_events',
    'delete from log',
    'insert into log values (1)',
    "attach '/etc/passwd' as x",
    "copy (select 1) to '/tmp/x'",
    'pragma enable_external_access',
    'set enable_external_access = true',
    'install httpfs',
    'load httpfs',
    'create table x as select 1',
    'call duckdb_settings()',
  ]) {
    rejects(stmt, /Only SELECT statements are allowed/, stmt.split(' ')[0]);
  }
  rejects('select 1; drop table x', /one SQL statement/, ';');
  rejects('select 1; select 2', /one SQL statement/, ';');
  assert.equal(parseSql('select 1;').kind, 'select');
});

test('comments are whitespace: they cannot smuggle a second statement', () => {
  rejects('select 1 /* ; */ ; drop table x', /one SQL statement/);
  rejects('select 1 -- comment\n; drop table x', /one SQL statement/);
  const s = select('select /* hidden */ 1 -- trailing');
  assert.equal(s.items.length, 1);
  rejects('select 1 /* never closed', /Unterminated comment/);
});

test('table functions are not tables: read_csv, glob, query_table… are rejected in FROM', () => {
  for (const f of [
    "read_csv('/etc/passwd')",
    "read_text('/etc/passwd')",
    "read_json('x')",
    "glob('/*')",
    "sniff_csv('x')",
    "query('select 1')",
    "query_table('t')",
    'duckdb_settings()',
  ]) {
    rejects(`select * from ${f}`, /Table function '.*' is not allowed/);
  }
});

test('a further | stage is a clear error, not a silent truncation', () => {
  rejects('select 1 | select 2', /Only one '\|' is supported/, '|');
});

test('identifiers starting with a digit must be quoted (Presto)', () => {
  rejects('select 1abc from log', /identifiers must not start with a digit/, '1abc');
});

test('ORDER BY / LIMIT after the last SELECT of a UNION apply to the whole union', () => {
  const q = parseSql("select verb from log union all select 'x' order by 1 desc limit 3");
  assert.equal(q.kind, 'setOp');
  if (q.kind !== 'setOp') return;
  assert.equal(q.orderBy.length, 1);
  assert.equal(q.limit?.count, 3);
  assert.ok(q.right.kind === 'select' && q.right.orderBy.length === 0 && q.right.limit === undefined);
  const p = parseSql("(select verb from log order by verb limit 1) union all (select 'x')");
  assert.ok(
    p.kind === 'setOp' && p.left.kind === 'select' && p.left.limit?.count === 1 && p.orderBy.length === 0,
  );
});

test('deep nesting and long operator chains are refused with a clear error, not a stack overflow', () => {
  rejects(`select ${'('.repeat(5000)}1${')'.repeat(5000)}`, /nested too deeply/);
  rejects(`select ${'not '.repeat(5000)}true`, /nested too deeply/);
  rejects(`select * from ${'(select * from '.repeat(5000)}log${')'.repeat(5000)}`, /nested too deeply/);
  rejects(`select 1${' + 1'.repeat(5000)}`, /Too many chained operators/);
  rejects(`select 1 from log${' cross join log'.repeat(5000)}`, /Too many chained operators/);
  // Realistic depth is fine.
  parseSql(`select ${'lower('.repeat(50)}verb${')'.repeat(50)} from log`);
});
