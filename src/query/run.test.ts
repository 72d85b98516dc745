// SQL semantics on a real store, with answers worked out by hand from sls-query.md §4.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addEvents, storeWithEvents } from '../store/duckdb/testing.js';
import type { DuckDbStore } from '../store/duckdb/index.js';
import type { AuditEvent } from '../event/types.js';
import { runQuery } from './run.js';
import { QueryError } from './errors.js';
import type { QueryContext } from './index.js';

function ev(id: string, time: string, o: Record<string, unknown>): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/a/pods',
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    ...o,
  } as unknown as AuditEvent;
}

// E1..E4: the fixed set most tests use.
const EVENTS = [
  ev('E1', '2024-05-01T10:00:00.000000Z', {
    verb: 'get',
    user: { username: 'alice' },
    sourceIPs: ['10.0.0.1'],
    responseStatus: { code: 200 },
  }),
  ev('E2', '2024-05-01T10:30:00.000000Z', {
    verb: 'create',
    user: { username: 'bob' },
    sourceIPs: ['203.0.113.7', '10.0.0.2'],
    responseStatus: { code: 403 },
  }),
  ev('E3', '2024-05-02T23:59:59.000000Z', {
    verb: 'get',
    user: { username: 'alice' },
    responseStatus: { code: 404 },
  }),
  ev('E4', '2024-05-03T00:00:00.000000Z', {
    verb: 'delete',
    user: { username: 'carol' },
    responseStatus: { code: 500 },
  }),
];

let store: DuckDbStore;
before(async () => {
  store = await storeWithEvents(EVENTS);
  // The same verbs in another cluster, to test the cluster filter.
  await addEvents(
    store,
    [ev('P1', '2024-05-01T10:00:00.000000Z', { verb: 'list', user: { username: 'dave' } })],
    { cluster: 'prod' },
  );
});
after(async () => {
  await store.close();
});

async function q(text: string, ctx: Partial<QueryContext> = {}): Promise<unknown[][]> {
  // The prod-cluster event is only visible when a test asks for it.
  const out = await runQuery(store, text, { timezone: 'UTC', cluster: 'default', ...ctx });
  assert.equal(out.kind, 'sql');
  return out.kind === 'sql' ? out.rows : [];
}
async function one(expr: string, ctx: Partial<QueryContext> = {}): Promise<unknown> {
  const rows = await q(`* | select ${expr} from log limit 1`, ctx);
  return rows[0][0];
}

test('integer division truncates toward zero; a decimal operand gives a double', async () => {
  assert.deepEqual(await q('* | select 7/2, -7/2, 7/2.0, 7 % 3, 1/3 limit 1'), [[3, -3, 3.5, 1, 0]]);
});

test('round is half away from zero', async () => {
  assert.deepEqual(
    await q('* | select round(2.5), round(-2.5), round(1.5), round(0.125, 2), round(0.666*100, 2) limit 1'),
    [[3, -3, 2, 0.13, 66.6]],
  );
});

test('regexp_extract is NULL when nothing matches; regexp_like is not anchored', async () => {
  assert.equal(await one(`regexp_extract('HTTP/2.0', '\\d+')`), '2');
  assert.equal(await one(`regexp_extract('abc', '\\d+')`), null);
  assert.equal(await one(`regexp_extract('abc', 'x(\\d+)', 1)`), null);
  assert.equal(await one(`regexp_like('1a 2b 14m', '\\d+b')`), true);
  assert.equal(await one(`regexp_replace('a1b22', '(\\d+)', '<$1>')`), 'a<1>b<22>');
});

test('JSON functions follow Presto: unquoted json_array_get strings, NULL for non-arrays', async () => {
  assert.equal(await one(`json_array_get('["10.0.0.1"]', 0)`), '10.0.0.1');
  assert.equal(await one(`json_array_get('[1, {"a": 2}]', 1)`), '{"a":2}');
  assert.equal(await one(`json_array_get('["a","b","c"]', -1)`), 'c');
  assert.equal(await one(`json_array_get('["a"]', 5)`), null);
  assert.equal(await one(`json_array_length('not json')`), null);
  assert.equal(await one(`json_array_length('{"a":1}')`), null);
  assert.equal(await one(`json_array_length('["a","b"]')`), 2);
  assert.equal(await one(`json_extract('{"kind":"Pod"}', '$.kind')`), '"Pod"');
  assert.equal(await one(`json_extract_scalar('{"status":"200"}', '$.status')`), '200');
  assert.equal(await one(`json_extract_scalar('{"a":{"b":1}}', '$.a')`), null);
  assert.equal(await one(`json_size('{"status":[1,2,3]}', '$.status')`), 3);
  assert.equal(await one(`json_format(json_parse('[1, 2, 3]'))`), '[1,2,3]');
  assert.equal(await one(`json_format(json_array_get(sourceIPs, 0))`), '10.0.0.1');
});

test('date_format uses MySQL specifiers in the query time zone', async () => {
  const sh = { timezone: 'Asia/Shanghai' };
  // 1592374067 = 2020-06-17 06:07:47 UTC = 14:07:47 in Shanghai, a Wednesday, day 169 of 2020.
  assert.equal(
    await one(`date_format(from_unixtime(1592374067), '%Y-%m-%d %H:%i:%s')`, sh),
    '2020-06-17 14:07:47',
  );
  assert.equal(
    await one(`date_format(from_unixtime(1592374067), '%M %D %W %c/%e %l %p %j %T %%')`, sh),
    'June 17th Wednesday 6/17 2 PM 169 14:07:47 %',
  );
  assert.equal(await one(`date_format(1592374067, '%H:%i')`, sh), '14:07');
  assert.equal(await one(`date_format(1592374067, '%H:%i')`), '06:07');
  assert.equal(
    await one(`date_format(date_parse('2017-05-17 09:45:00', '%Y-%m-%d %H:%i:%S'), '%Y/%m/%d %T')`),
    '2017/05/17 09:45:00',
  );
  assert.equal(await one(`from_unixtime(1592374067)`, sh), '2020-06-17 14:07:47');
  assert.equal(await one(`to_unixtime(from_unixtime(1592374067))`, sh), 1592374067);
});

test('date_trunc on unix seconds gives unix seconds, truncated in the query zone', async () => {
  const sh = { timezone: 'Asia/Shanghai' };
  // 14:07:47 local → 14:00:00 local = 1592374067 - 467.
  assert.equal(await one(`date_trunc('hour', 1592374067)`, sh), 1592373600);
  // Local midnight of 2020-06-17 in Shanghai = 2020-06-16 16:00 UTC.
  assert.equal(await one(`date_trunc('day', 1592374067)`, sh), 1592323200);
  assert.equal(await one(`date_trunc('day', 1592374067)`), 1592352000);
  assert.equal(await one(`date_trunc('minute', 1592374067)`), 1592374020);
  assert.equal(await one(`date_trunc('week', timestamp '2021-01-12 03:04:05')`), '2021-01-11 00:00:00');
  assert.equal(await one(`date_add('day', -7, '2018-08-09 00:00:00')`), '2018-08-02 00:00:00');
  assert.equal(
    await one(`date_diff('day', timestamp '2020-01-01 23:00:00', timestamp '2020-01-02 01:00:00')`),
    0,
  );
});

test('implicit LIMIT 100 applies to the outermost SELECT only; LIMIT offset, count', async () => {
  const many = await storeWithEvents(
    Array.from({ length: 150 }, (_, i) =>
      ev(
        `M${String(i).padStart(3, '0')}`,
        `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000000Z`,
        { verb: 'get' },
      ),
    ),
  );
  try {
    const run = async (text: string, ctx: Partial<QueryContext> = {}) => {
      const out = await runQuery(many, text, { timezone: 'UTC', ...ctx });
      return out.kind === 'sql' ? out.rows : [];
    };
    assert.equal((await run('* | select auditID')).length, 100);
    assert.deepEqual(await run('* | select count(*) from (select auditID from log)'), [[150]]);
    assert.deepEqual(
      await run('* | select auditID order by auditID limit 140, 20'),
      Array.from({ length: 10 }, (_, i) => [`M${140 + i}`]),
    );
    assert.equal((await run('* | select auditID', { limit: 120 })).length, 120);
    assert.equal((await run('* | select auditID limit 5', { limit: 120 })).length, 5);
    // A search alone: pages of 100, newest first.
    const page = await runQuery(many, '*', { timezone: 'UTC', limit: 100, offset: 100 });
    assert.equal(page.kind, 'search');
    if (page.kind === 'search') {
      assert.equal(page.events.length, 50);
      assert.equal(page.events[0].auditID, 'M049');
      assert.equal(page.events[49].auditID, 'M000');
    }
  } finally {
    await many.close();
  }
});

test('select aliases in GROUP BY / ORDER BY win over a field of the same name (§9 U-7)', async () => {
  assert.deepEqual(
    await q(
      `* | select case when verb = 'get' then 'read' else 'write' end as verb, count(*) as n group by verb order by verb`,
    ),
    [
      ['read', 2],
      ['write', 2],
    ],
  );
  assert.deepEqual(await q(`* | select "user.username" as u, count(*) as n group by u having n > 1`), [
    ['alice', 2],
  ]);
  assert.deepEqual(await q(`* | select verb, count(*) group by 1 order by 2 desc, 1 limit 1`), [['get', 2]]);
});

test('count_if is 0 over no rows, counts only true (not NULL) values, and works as a window', async () => {
  assert.deepEqual(await q(`verb: nosuchverb | select count_if(verb = 'get') as n, count(1) as c`), [[0, 0]]);
  // "responseStatus.code" >= 400 is NULL for events without a code: not counted.
  assert.deepEqual(
    await q(`* | select count_if("responseStatus.code" >= 0) = count("responseStatus.code") as same`),
    [[true]],
  );
  assert.deepEqual(
    await q(`* | select verb, count_if(verb = 'get') over () as gets from log order by verb limit 1`),
    [['create', (await q(`verb: get | select count(1)`))[0][0]]],
  );
});

test('aggregates: count_if, approx_distinct, arbitrary, max_by, min_by, approx_percentile', async () => {
  assert.deepEqual(
    await q(
      `* | select count_if(verb = 'get'), approx_distinct("user.username"), max_by(verb, __time__), min_by(auditID, __time__), arbitrary(cluster), count(sourceIPs)`,
    ),
    [[2, 3, 'delete', 'E1', 'default', 2]],
  );
  // Codes 200, 403, 404, 500: the median lies between 403 and 404.
  const [[median]] = await q(`* | select approx_percentile("responseStatus.code", 0.5)`);
  assert.ok(median === 403 || median === 404, String(median));
  const [[quartiles]] = await q(`* | select approx_percentile("responseStatus.code", array[0.0, 1.0])`);
  assert.deepEqual(quartiles, [200, 500]);
});

test('histogram unnests to rows; row_number over partitions', async () => {
  assert.deepEqual(
    await q(`* | select k, v from (select histogram(verb) as h from log), unnest(h) as t(k, v) order by k`),
    [
      ['create', 1],
      ['delete', 1],
      ['get', 2],
    ],
  );
  assert.deepEqual(
    await q(
      `* | select auditID, row_number() over (partition by "user.username" order by __time__ desc) as rn order by auditID`,
    ),
    [
      ['E1', 2],
      ['E2', 1],
      ['E3', 1],
      ['E4', 1],
    ],
  );
});

test('URL and string functions', async () => {
  const u = `'https://user@example.com:8443/a/b?x=1&userid=testuser#frag'`;
  assert.deepEqual(
    await q(
      `* | select url_extract_protocol(${u}), url_extract_host(${u}), url_extract_port(${u}), url_extract_path(${u}), url_extract_query(${u}), url_extract_fragment(${u}), url_extract_parameter(${u}, 'userid'), url_extract_parameter(${u}, 'nope') limit 1`,
    ),
    [['https', 'example.com', 8443, '/a/b', 'x=1&userid=testuser', 'frag', 'testuser', null]],
  );
  assert.deepEqual(
    await q(
      `* | select split_part('/a?x=1', '?', 1), split_part('a,b', ',', 3), concat('a', NULL), concat('a', 'b', 'c'), strpos('abc', 'c'), substr('hello', 2, 3), split('a/b/c', '/')[2], lower('AbC') limit 1`,
    ),
    [['/a', null, null, 'abc', 3, 'ell', 'b', 'abc']],
  );
});

test('time window and cluster restrict the base relation; __time__ is half-open', async () => {
  const from = Date.UTC(2024, 4, 1, 10, 30) / 1000;
  const to = Date.UTC(2024, 4, 3) / 1000;
  assert.deepEqual(await q('* | select auditID order by auditID', { from, to }), [['E2'], ['E3']]);
  assert.deepEqual(await q('* | select count(*)', { cluster: undefined }), [[5]]);
  assert.deepEqual(await q('* | select auditID', { cluster: 'prod' }), [['P1']]);
  assert.deepEqual(
    await q(`* | select count(*) from log where cluster = 'default'`, { cluster: undefined }),
    [[4]],
  );
});

test('time_series fills the missing buckets with the padding', async () => {
  const from = Date.UTC(2024, 3, 30) / 1000;
  const to = Date.UTC(2024, 4, 4) / 1000;
  assert.deepEqual(
    await q(
      `* | select time_series(__time__, '1d', '%Y-%m-%d', '0') as d, count(*) as n group by d order by d`,
      { from, to, cluster: 'default' },
    ),
    [
      ['2024-04-30', 0],
      ['2024-05-01', 2],
      ['2024-05-02', 1],
      ['2024-05-03', 1],
    ],
  );
  assert.deepEqual(
    await q(
      `* | select time_series(__time__, '1d', '%m-%d', 'null') as d, count(*) as n group by d order by d`,
      { from, to, cluster: 'default' },
    ),
    [
      ['04-30', null],
      ['05-01', 2],
      ['05-02', 1],
      ['05-03', 1],
    ],
  );
});

test('a search without SQL returns the original events newest first with __time__, __source__, cluster', async () => {
  const out = await runQuery(store, 'verb: get', { timezone: 'UTC', cluster: 'default' });
  assert.equal(out.kind, 'search');
  if (out.kind !== 'search') return;
  assert.deepEqual(
    out.events.map((e) => [
      e.auditID,
      e.__time__,
      e.cluster,
      e.__source__,
      (e.user as { username: string }).username,
    ]),
    [
      ['E3', Date.UTC(2024, 4, 2, 23, 59, 59) / 1000, 'default', 'test', 'alice'],
      ['E1', Date.UTC(2024, 4, 1, 10) / 1000, 'default', 'test', 'alice'],
    ],
  );
});

test('semantic errors are Presto-style with a position and a suggestion', async () => {
  const fail = async (text: string, message: string, at: string, suggestion?: string) => {
    await assert.rejects(runQuery(store, text, { timezone: 'UTC' }), (err: unknown) => {
      assert.ok(err instanceof QueryError, String(err));
      assert.equal(err.message, message);
      assert.equal(text.slice(err.position!, err.position! + at.length), at);
      assert.equal(err.suggestion, suggestion);
      return true;
    });
  };
  await fail(
    '* | select verb, count(*)',
    "'verb' must be an aggregate expression or appear in GROUP BY clause",
    'verb',
  );
  await fail(
    '* | select "usr.username"',
    "Column 'usr.username' cannot be resolved",
    '"usr.username"',
    'user.username',
  );
  await fail(
    '* | select count(*) as total where total > 1',
    "Column 'total' cannot be resolved",
    'total > 1',
    'total',
  );
  await fail(
    '* | select date_fromat(__time__, 1)',
    "Function 'date_fromat' not registered",
    'date_fromat',
    'date_format',
  );
  await fail(
    '* | select verb from kaudit_events',
    "Table 'kaudit_events' does not exist: a query reads the audit log, written FROM log (or with no FROM)",
    'kaudit_events',
  );
  await fail(
    'select count(*) from log',
    'sql query must follow search query: write it as * | SELECT …',
    'select',
  );
});

test('compare() re-runs the inner aggregate over the window shifted back (§9 U-6)', async () => {
  // Window [2024-05-02 00:00, 2024-05-03 00:00): E3 only → 1. Shifted one day back: E1, E2 → 2.
  const from = Date.UTC(2024, 4, 2) / 1000;
  const to = Date.UTC(2024, 4, 3) / 1000;
  assert.deepEqual(
    await q('* | select compare(pv, 86400) as c from (select count(*) as pv from log)', { from, to }),
    [[[1, 2, 0.5, from - 86400]]],
  );
  // Two offsets: one day back (2) and two days back (0 events → ratio is NULL, no division error).
  assert.deepEqual(
    await q('* | select compare(pv, 86400, 172800) from (select count(*) as pv from log)', { from, to }),
    [[[1, 2, 0, 0.5, null]]],
  );
  assert.deepEqual(
    await q(
      '* | select c[1] - c[2] as diff from (select compare(pv, 86400) as c from (select count(*) as pv from log))',
      { from, to },
    ),
    [[-1]],
  );
  await assert.rejects(
    q('* | select compare(pv, 86400) from (select count(*) as pv from log)'),
    /compare\(\) needs a query time window/,
  );
});

test('constant GROUP BY / ORDER BY keys are values, not positions; type errors are query errors', async () => {
  assert.deepEqual(await q('* | select 60 as c, verb group by 1, 2 order by 1, 2'), [
    [60, 'create'],
    [60, 'delete'],
    [60, 'get'],
  ]);
  await assert.rejects(q(`* | select atan2('get', verb)`), (err: unknown) => {
    assert.ok(err instanceof QueryError);
    assert.equal(
      err.message,
      'Unexpected parameters (varchar, varchar) for function atan2; add a CAST to the expected type',
    );
    return true;
  });
  // A text field compared with a number fails on the first value that is not a number (which one
  // depends on the scan order, so only its shape is asserted).
  await assert.rejects(q(`* | select count(1) as n where verb = 1`), (err: unknown) => {
    assert.ok(err instanceof QueryError);
    assert.match(err.message, /^Cannot use the text field verb as a number \('[a-z]+' is not a bigint\)/);
    assert.doesNotMatch(err.message, /LINE 1|kaudit_events/);
    return true;
  });
  await assert.rejects(q(`* | select approx_percentile("responseStatus.code", 2) as p`), (err: unknown) => {
    assert.ok(err instanceof QueryError);
    assert.equal(err.message, 'approx_percentile: the percentile must be between 0 and 1, e.g. 0.99');
    return true;
  });
  // A text field where a time is needed: every verb is a word, never a timestamp.
  await assert.rejects(q(`* | select date_format(verb, '%Y') as y`), (err: unknown) => {
    assert.ok(err instanceof QueryError);
    assert.match(err.message, /^Cannot use the text field verb as a time \('[a-z]+' is not a timestamp\)/);
    return true;
  });
  // Other value errors keep DuckDB's first line, never its excerpt of the compiled SQL.
  await assert.rejects(q(`* | select "responseStatus.code" * 9223372036854775807 as p`), (err: unknown) => {
    assert.ok(err instanceof QueryError, String(err));
    assert.match(err.message, /^The query cannot run on these events: /);
    assert.doesNotMatch(err.message, /LINE 1|kaudit_events|\n/);
    return true;
  });
});

test('IP functions work in every SQL context (grouped keys, filters, TRY, windows, aggregates)', async () => {
  // First source IPs: E1 10.0.0.1 (intranet), E2 203.0.113.7 (internet), E3/E4 none (NULL).
  const first = 'json_array_get(sourceIPs, 0)';
  assert.deepEqual(await q(`* | select ip_to_domain(${first}) as d, count(*) as n group by d order by d`), [
    ['internet', 1],
    ['intranet', 1],
    [null, 2],
  ]);
  assert.deepEqual(
    await q(
      `* | select upper(ip_to_domain(${first})) as d, count(*) group by ip_to_domain(${first}) order by 1`,
    ),
    [
      ['INTERNET', 1],
      ['INTRANET', 1],
      [null, 2],
    ],
  );
  assert.deepEqual(await q(`* | select auditID from log where ip_to_domain(${first}) = 'internet'`), [
    ['E2'],
  ]);
  assert.deepEqual(
    await q(
      `* | select try(ip_to_domain(verb)), ip_to_domain(cast(row_number() over (order by auditID) as varchar)) from log limit 1`,
    ),
    [[null, null]],
  );
  assert.deepEqual(await q(`* | select ip_to_domain(max(${first})) from log`), [['internet']]);
});

test('string literals may hold any character, NUL included', async () => {
  assert.deepEqual(await q(`* | select length('x\u0000y'), 'it''s', '\\d' limit 1`), [[3, "it's", '\\d']]);
});
