// Split plans finished in the in-process DuckDB: the server's rows (here handed back by a stand-in
// for the server, in the form ClickHouse returns them) become a temporary events table and the
// DuckDB statement runs over them. Answers worked out by hand from the rows below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from '../../../query/index.js';
import type { QueryResult } from '../../../store/store.js';
import { clickHouseDialect, decodePlan, executePlannedSql } from './index.js';

const OLD = clickHouseDialect({ version: '18.16.1' });

/** A stand-in server: answers the plan's base SELECT with `rows` keyed by column name. */
function serverWith(rows: Record<string, unknown>[], seen: string[] = []) {
  return async (sql: string): Promise<QueryResult> => {
    seen.push(sql);
    const m = /^SELECT (.*?) FROM kaudit_events/.exec(sql);
    assert.ok(m, `unexpected server SQL: ${sql}`);
    const cols = m[1].split(', ').map((c) => c.replace(/`/g, ''));
    return {
      columns: cols.map((name) => ({ name, type: 'VARCHAR' })),
      rows: rows.map((r) => cols.map((c) => r[c] ?? null)),
    };
  };
}

const ROWS = [
  { __time__: 1714557600, verb: 'get', 'user.username': 'alice', 'responseStatus.code': 200 },
  { __time__: 1714559400, verb: 'create', 'user.username': 'bob', 'responseStatus.code': 403 },
  { __time__: 1714694399, verb: 'get', 'user.username': 'alice', 'responseStatus.code': 404 },
  { __time__: 1714694400, verb: 'delete', 'user.username': null, 'responseStatus.code': null },
];

test('a statement the old server cannot run is answered by DuckDB over the server rows', async () => {
  const text = `* | select "user.username" as u, count(*) as n, max("responseStatus.code") as worst group by u order by n desc, u`;
  const sql = compileQuery(text, { timezone: 'UTC' }, OLD).sql;
  const seen: string[] = [];
  const out = await executePlannedSql(sql, serverWith(ROWS, seen));
  assert.equal(seen.length, 1);
  // alice: 2 events, worst 404; bob: 1, 403; the event without a user: 1, NULL (NULLs sort last).
  assert.deepEqual(out.rows, [
    ['alice', 2, 404],
    ['bob', 1, 403],
    [null, 1, null],
  ]);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['u', 'n', 'worst'],
  );
});

test('the time window is applied again in DuckDB (half-open), and IP functions are computed there', async () => {
  const sql = compileQuery(
    `* | select verb, ip_to_domain('10.1.2.3') as d order by verb`,
    { timezone: 'UTC', from: 1714559400, to: 1714694400 },
    OLD,
  ).sql;
  const out = await executePlannedSql(sql, serverWith(ROWS));
  assert.deepEqual(out.rows, [
    ['create', 'intranet'],
    ['get', 'intranet'],
  ]);
});

test('identity, integer and text columns keep their types in DuckDB', async () => {
  const sql = compileQuery(
    `* | select max(__time__) - min(__time__), sum("responseStatus.code")`,
    { timezone: 'UTC' },
    OLD,
  ).sql;
  const out = await executePlannedSql(sql, serverWith(ROWS));
  // 1714694400 - 1714557600 = 136800; 200 + 403 + 404 = 1007.
  assert.deepEqual(out.rows, [[136800, 1007]]);
});

test('more server rows than the cap is refused in one sentence with advice', async () => {
  const p = decodePlan(compileQuery('* | select count(*)', { timezone: 'UTC' }, OLD).sql);
  assert.equal(p.kind, 'finish-in-duckdb');
  if (p.kind !== 'finish-in-duckdb') return;
  const capped = JSON.stringify({ ...p, maxRows: 2 });
  await assert.rejects(
    executePlannedSql(`/* kaudit:finish-in-duckdb */\n${capped}`, serverWith(ROWS)),
    /its search matches more than 2 rows; narrow the time range or the search, or raise KAUDIT_CH_FINISH_MAX_ROWS/,
  );
});

test('a pushdown statement goes to the server unchanged', async () => {
  const seen: string[] = [];
  const out = await executePlannedSql('SELECT 1', async (sql) => {
    seen.push(sql);
    return { columns: [{ name: '1', type: 'INTEGER' }], rows: [[1]] };
  });
  assert.deepEqual(seen, ['SELECT 1']);
  assert.deepEqual(out.rows, [[1]]);
});

test('pushed subqueries are loaded as tables with DuckDB types; the statement runs over them', async () => {
  const current = clickHouseDialect({ version: '26.7.2.1' });
  const sql = compileQuery(
    `* | select from_unixtime(t - t % 3600) as hour, ip_to_domain(ip) as d, n, n / 2 as half from (select json_array_get(sourceIPs, 0) as ip, min(__time__) as t, count(*) as n from log group by ip) order by n desc`,
    { timezone: 'UTC' },
    current,
  ).sql;
  const seen: string[] = [];
  // The server's answer to the subquery, in ClickHouse's converted form (count() is UInt64).
  const out = await executePlannedSql(sql, async (s) => {
    seen.push(s);
    return {
      columns: [
        { name: 'ip', type: 'VARCHAR' },
        { name: 't', type: 'BIGINT' },
        { name: 'n', type: 'UBIGINT' },
      ],
      rows: [
        ['10.0.0.1', 1714557600, 3],
        ['203.0.113.7', 1714559400, 5],
      ],
    };
  });
  assert.equal(seen.length, 1, 'one server query: the subquery; no event rows');
  assert.match(seen[0], /GROUP BY/);
  // 1714559400 = 2024-05-01 10:30 UTC → hour 10:00; 5 / 2 = 2 (integer division); 3 / 2 = 1.
  assert.deepEqual(out.rows, [
    ['2024-05-01 10:00:00', 'internet', 5, 2],
    ['2024-05-01 10:00:00', 'intranet', 3, 1],
  ]);
});
