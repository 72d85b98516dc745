// The binder: name resolution, the function allowlist, aggregation rules and SLS's alias rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from './parser.js';
import { bindStatement } from './bind.js';
import { QueryError } from '../errors.js';
import type { Select } from './ast.js';

const bind = (text: string) => bindStatement(parseSql(text));

function rejects(text: string, message: string | RegExp, at?: string, suggestion?: string) {
  assert.throws(
    () => bind(text),
    (err: unknown) => {
      assert.ok(err instanceof QueryError, String(err));
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      if (at !== undefined) assert.equal(text.slice(err.position!, err.position! + at.length), at);
      if (suggestion !== undefined) assert.equal(err.suggestion, suggestion);
      return true;
    },
  );
}

test('the function catalogue is an allowlist: engine functions that read files or settings are unknown', () => {
  for (const f of [
    "read_csv('/etc/passwd')",
    "read_text('/etc/passwd')",
    "read_json('/x')",
    "glob('/*')",
    "sniff_csv('/x')",
    "query('select 1')",
    "query_table('t')",
    'duckdb_settings()',
    "current_setting('threads')",
    "getenv('HOME')",
    "read_blob('/x')",
    'version()',
  ]) {
    const name = f.slice(0, f.indexOf('('));
    rejects(`select ${f} from log`, `Function '${name}' not registered`, name);
  }
});

test('output names: alias, column name, else _colN as Presto', () => {
  const { columns } = bind(
    'select verb, "user.username", count(*), verb as v from log group by verb, "user.username"',
  );
  assert.deepEqual(
    columns.map((c) => [c.name, c.type]),
    [
      ['verb', 'varchar'],
      ['user.username', 'varchar'],
      ['_col2', 'bigint'],
      ['v', 'varchar'],
    ],
  );
});

test('names resolve case-insensitively; dotted JSON paths resolve inside their column', () => {
  const { query } = bind(
    'select SOURCEIPS, "annotations.authorization.k8s.io/reason", "requestObject.spec.replicas" from log',
  );
  const items = (query as Select).items;
  assert.deepEqual(items[0].expr.kind === 'column' && items[0].expr.binding, {
    kind: 'field',
    relAlias: '_t1',
    name: 'sourceIPs',
  });
  assert.deepEqual(items[1].expr.kind === 'column' && items[1].expr.binding, {
    kind: 'dynamic',
    relAlias: '_t1',
    parent: 'annotations',
    keys: ['authorization.k8s.io/reason'],
  });
  assert.deepEqual(items[2].expr.kind === 'column' && items[2].expr.binding, {
    kind: 'dynamic',
    relAlias: '_t1',
    parent: 'requestObject',
    keys: ['spec', 'replicas'],
  });
});

test('internal columns are not visible to queries', () => {
  rejects('select _raw from log', "Column '_raw' cannot be resolved", '_raw');
  rejects('select "_text" from log', "Column '_text' cannot be resolved");
});

test('HAVING without GROUP BY or aggregates becomes a filter on the output (aliases substituted)', () => {
  const { query } = bind('select x as "访问次数" from (select 1 as x) having "访问次数" > 10');
  const s = query as Select;
  assert.equal(s.having, undefined);
  assert.ok(s.where && s.where.kind === 'binary' && s.where.op === '>');
  assert.ok(s.where.kind === 'binary' && s.where.left.kind === 'column' && s.where.left.name === 'x');
});

test('HAVING with aggregation stays a HAVING; aliases refer to the aggregate', () => {
  const { query } = bind('select verb, count(*) as n from log group by verb having n > 1');
  const s = query as Select;
  assert.ok(
    s.having && s.having.kind === 'binary' && s.having.left.kind === 'func' && s.having.left.name === 'count',
  );
});

test('aggregation rules: ungrouped columns, nested aggregates, aggregates in WHERE / GROUP BY', () => {
  rejects(
    'select verb, count(*) from log',
    "'verb' must be an aggregate expression or appear in GROUP BY clause",
    'verb',
  );
  rejects(
    'select verb, stage from log group by verb',
    "'stage' must be an aggregate expression or appear in GROUP BY clause",
    'stage',
  );
  rejects('select sum(count(*)) from log', "Cannot nest aggregations inside aggregation 'sum'", 'count');
  rejects(
    'select verb from log where count(*) > 1',
    'WHERE clause cannot contain aggregations or window functions',
    'count',
  );
  rejects(
    'select count(*) as n from log group by n',
    'GROUP BY clause cannot contain aggregations or window functions',
  );
  // A grouped expression may be used whole, and aggregates may wrap anything.
  bind('select lower(verb), count(distinct "user.username") from log group by lower(verb)');
  bind("select verb || 'x' as v, count(*) from log group by verb");
});

test('ordinals and aliases in GROUP BY / ORDER BY; bad ordinals are errors', () => {
  bind('select verb as v, count(*) as n from log group by 1 order by 2 desc, v');
  rejects('select verb from log group by 2', 'GROUP BY position 2 is not in select list');
  rejects('select verb from log order by 0', 'ORDER BY position 0 is not in select list');
});

test('functions: arity, window functions need OVER, DISTINCT only in aggregates', () => {
  rejects(
    'select date_format(__time__) from log',
    "Function 'date_format' takes 2 arguments but was given 1",
    'date_format',
  );
  rejects('select row_number() from log', "Window function 'row_number' requires an OVER clause");
  rejects(
    'select lower(distinct verb) from log',
    "DISTINCT can only be used in an aggregate function call, not in 'lower'",
  );
  rejects(
    'select lower(verb) over () from log',
    "'lower' is not a window function or an aggregate; remove OVER (…)",
  );
  bind('select sum(count(*)) over () from log group by verb');
});

test('tables: only log, subqueries, WITH names and UNNEST', () => {
  rejects('select 1 from events', /Table 'events' does not exist/, 'events');
  rejects('select 1 from main.kaudit_events', /Table 'main.kaudit_events' does not exist/);
  bind('with t as (select verb from log) select verb from t');
  const { columns } = bind('select k, v from (select histogram(verb) as h from log), unnest(h) as t(k, v)');
  assert.deepEqual(columns, [
    { name: 'k', type: 'varchar' },
    { name: 'v', type: 'bigint' },
  ]);
  rejects(
    'select x from (select histogram(verb) as h from log), unnest(h) as t(x)',
    /UNNEST of a map gives 2 columns/,
  );
});

test('unknown columns suggest the closest field or alias', () => {
  rejects('select verbb from log', "Column 'verbb' cannot be resolved", 'verbb', 'verb');
  rejects('select "stge" from log', "Column 'stge' cannot be resolved", undefined, 'stage');
  rejects(
    'select ip as "Source IP" from (select 1 as ip) order by "Source IPs"',
    "Column 'Source IPs' cannot be resolved",
    undefined,
    'Source IP',
  );
});

test('unquoted user.username (table.column syntax) still means the dotted field', () => {
  const { query } = bind('select user.username from log');
  const e = (query as Select).items[0].expr;
  assert.deepEqual(e.kind === 'column' && e.binding, {
    kind: 'field',
    relAlias: '_t1',
    name: 'user.username',
  });
});

test('types drive integer division: bigint / bigint stays bigint, * 1.0 makes a double', () => {
  const { columns } = bind(
    'select count(1) / 2 as a, count(1) * 1.0 / 2 as b, "responseStatus.code" / 100 as c from log group by "responseStatus.code"',
  );
  assert.deepEqual(
    columns.map((c) => c.type),
    ['bigint', 'double', 'bigint'],
  );
});
