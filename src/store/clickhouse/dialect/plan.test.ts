// What runs where on a ClickHouse store: the planner's decisions per server release, the columns a
// split plan moves, and the base filter it pushes (the answers themselves are checked on real
// engines by test/clickhouse/parity*.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery, type QueryContext } from '../../../query/index.js';
import { clickHouseDialect, decodePlan, encodePlan, type QueryPlan } from './index.js';

const OLD = clickHouseDialect({ version: '18.16.1' });
const CURRENT = clickHouseDialect({ version: '26.7.2.1' });

function plan(text: string, dialect = CURRENT, ctx: Partial<QueryContext> = {}): QueryPlan {
  return decodePlan(compileQuery(text, { timezone: 'UTC', ...ctx }, dialect).sql);
}

function split(p: QueryPlan): Extract<QueryPlan, { kind: 'finish-in-duckdb' }> {
  assert.equal(p.kind, 'finish-in-duckdb');
  return p as Extract<QueryPlan, { kind: 'finish-in-duckdb' }>;
}

test('a current server runs plain SQL itself, with the semantic settings', () => {
  const p = plan('verb: get | select "user.username", count(*) as n group by 1');
  assert.equal(p.kind, 'pushdown');
  if (p.kind !== 'pushdown') return;
  assert.match(p.sql, /FROM \(SELECT \* FROM kaudit_events WHERE /);
  assert.match(p.sql, /GROUP BY/);
  assert.match(p.sql, /SETTINGS prefer_column_name_to_alias = 1, aggregate_functions_null_for_empty = 1/);
});

test('IP functions and UNNEST are finished in DuckDB, with the reason; compare() runs on the server', () => {
  assert.match(split(plan(`* | select ip_to_country('1.2.3.4')`)).reason, /ip_to_country/);
  assert.match(
    split(plan('* | select k from (select histogram(verb) as h from log), unnest(h) as t(k, v)')).reason,
    /UNNEST/,
  );
  const pushed = plan('* | select compare(n, 3600) from (select count(*) as n from log)', CURRENT, {
    from: 7200,
    to: 10800,
  });
  assert.equal(pushed.kind, 'pushdown');
  if (pushed.kind === 'pushdown') assert.match(pushed.sql, /`__time__` >= 3600 AND `__time__` < 7200/);
  // On 18.16 the shifted window's rows come too: the server's window starts one offset earlier.
  const c = split(
    plan('* | select compare(n, 3600) from (select count(*) as n from log)', OLD, { from: 7200, to: 10800 }),
  );
  assert.match(String(c.baseSql), /`__time__` >= 3600 AND `__time__` < 10800/);
  assert.match(c.duckSql, /"__time__" >= 7200/);
});

test('on 18.16 the server filters and returns only the columns the statement reads', () => {
  const p = split(
    plan(
      `verb: get and objectRef.namespace: kube-system | select "user.username", count(*) group by 1`,
      OLD,
      {
        cluster: 'prod',
        from: 100,
        to: 200,
      },
    ),
  );
  assert.deepEqual([...p.columns].sort(), ['__time__', 'user.username']);
  assert.match(String(p.baseSql), /^SELECT `__time__`, `user\.username` FROM kaudit_events WHERE /);
  // The search is rendered for the server (RE2 match), so DuckDB does not apply it again.
  assert.match(String(p.baseSql), /match\(lowerUTF8\(`verb`\)/);
  assert.match(String(p.baseSql), /`cluster` = 'prod'/);
  assert.doesNotMatch(p.duckSql, /regexp_matches/);
  assert.match(String(p.baseSql), new RegExp(`LIMIT ${p.maxRows + 1}$`));
});

test('on 18.16 a JSON path term stays behind: the others are pushed, DuckDB applies the whole search', () => {
  const p = split(plan('verb: create and requestObject.spec.containers.image: nginx', OLD, { limit: 10 }));
  assert.match(p.reason, /JSON/);
  assert.match(String(p.baseSql), /match\(lowerUTF8\(`verb`\)/);
  assert.doesNotMatch(String(p.baseSql), /JSONExtract/);
  assert.deepEqual(
    [...p.columns].sort(),
    ['__source__', '__time__', '_id', '_raw', '_time_us', 'cluster', 'requestObject', 'verb'].sort(),
  );
  assert.match(p.duckSql, /json_extract\("requestObject"/);
  // A current server runs the same search page itself.
  const q = plan('verb: create and requestObject.spec.containers.image: nginx', CURRENT, { limit: 10 });
  assert.equal(q.kind, 'pushdown');
  if (q.kind === 'pushdown') assert.match(q.sql, /ORDER BY `_time_us` DESC, `_id` DESC LIMIT 10$/);
});

test('the token test: hasToken prefilter where the server has it and the token is one of its tokens', () => {
  const sqlOf = (p: QueryPlan) => (p.kind === 'pushdown' ? p.sql : String(p.baseSql));
  assert.match(
    sqlOf(plan('user.username: node', CURRENT)),
    /hasToken\(lowerUTF8\(`user\.username`\), 'node'\)/,
  );
  // kube-system holds '-', a ClickHouse token separator: position() instead.
  assert.match(sqlOf(plan('kube-system', CURRENT)), /position\(`_text`, 'kube-system'\) > 0/);
  assert.match(
    sqlOf(plan('user.username: node', OLD)),
    /position\(lowerUTF8\(`user\.username`\), 'node'\) > 0/,
  );
});

test('plans travel as SQL text: a split plan is a marked comment, a pushdown the plain statement', () => {
  const p = split(plan('* | select ip_to_country(verb)'));
  assert.deepEqual(decodePlan(encodePlan(p)), p);
  assert.ok(encodePlan(p).startsWith('/* kaudit:finish-in-duckdb */'));
  assert.deepEqual(decodePlan('SELECT 1'), { kind: 'pushdown', sql: 'SELECT 1' });
});

test('the row cap of a split plan comes from KAUDIT_CH_FINISH_MAX_ROWS', () => {
  const saved = process.env.KAUDIT_CH_FINISH_MAX_ROWS;
  process.env.KAUDIT_CH_FINISH_MAX_ROWS = '42';
  try {
    assert.equal(split(plan('* | select count(*)', OLD)).maxRows, 42);
  } finally {
    if (saved === undefined) delete process.env.KAUDIT_CH_FINISH_MAX_ROWS;
    else process.env.KAUDIT_CH_FINISH_MAX_ROWS = saved;
  }
});

test('the dialect implements every catalogue function (on the server or through DuckDB)', () => {
  assert.equal(CURRENT.implementsFunction('ip_to_country'), true);
  assert.equal(CURRENT.implementsFunction('date_format'), true);
  assert.equal(CURRENT.implementsFunction('no_such_function'), false);
});

test('a current server still runs the FROM subqueries it can; DuckDB finishes around their answers', () => {
  // The report pattern: IP functions over a grouped subquery. The grouping runs on the server and
  // DuckDB reads no events at all.
  const p = split(
    plan(
      `* | select ip_to_domain(ip) as d, n from (select json_array_get(sourceIPs, 0) as ip, count(*) as n from log group by ip) order by n desc`,
      CURRENT,
      { cluster: 'prod' },
    ),
  );
  assert.equal(p.parts.length, 1);
  assert.match(p.parts[0].sql, /GROUP BY .*`cluster` = 'prod'|`cluster` = 'prod'.*GROUP BY/);
  assert.equal(p.baseSql, undefined);
  assert.match(p.duckSql, /FROM "_kaudit_part_0" AS/);
  // Under compare() the subquery is re-run over shifted windows: it is not pushed on its own.
  const c = split(
    plan(
      `* | select compare(n, 60), ip_to_domain('10.0.0.1') from (select count(*) as n from log)`,
      CURRENT,
      {
        from: 60,
        to: 120,
      },
    ),
  );
  assert.deepEqual(c.parts, []);
  assert.notEqual(c.baseSql, undefined);
  // 18.16 pushes no SQL at all.
  assert.deepEqual(
    split(plan(`* | select ip_to_domain(ip) from (select verb as ip from log group by verb)`, OLD)).parts,
    [],
  );
});
