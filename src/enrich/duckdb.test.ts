import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ENRICH_FUNCTIONS } from './catalog.js';
import { enricherFor, enrichOptionsFromEnv, registerEnrichFunctions } from './duckdb.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let feed: string;
const threatLists: string[] = [];

before(async () => {
  feed = join(mkdtempSync(join(tmpdir(), 'kaudit-enrich-duckdb-')), 'feed.txt');
  writeFileSync(feed, '# test feed\n203.0.113.0/24\n');
  threatLists.push(feed);
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await registerEnrichFunctions(conn, { locale: 'zh', threatLists });
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRowsJS();
}

test('every catalogue function is callable under its SQL name', async () => {
  for (const fn of Object.values(ENRICH_FUNCTIONS)) {
    // Two-text-argument functions are either (ip, lang) or (prefix, ip/prefix): '' suits both.
    const args = fn.params.map((p) => (p === 'bigint' ? '24' : "''"));
    // A call must bind and run; the value itself is checked in the tests below.
    await rows(`SELECT ${fn.sqlName}(${args.join(', ')})`);
  }
});

test('geo functions in SQL: zh locale names, en codes, intranet, NULL', async () => {
  assert.deepEqual(
    await rows(
      "SELECT kaudit_ip_to_country('8.8.8.8', ''), kaudit_ip_to_country('8.8.8.8', 'en'), kaudit_ip_to_country_code('114.114.114.114'), kaudit_ip_to_country('10.1.1.1', ''), kaudit_ip_to_country('x', ''), kaudit_ip_to_country(NULL, '')",
    ),
    [['美国', 'US', 'CN', 'intranet', null, null]],
  );
  assert.deepEqual(
    await rows(
      "SELECT kaudit_ip_to_domain('192.168.0.1'), kaudit_ip_to_domain('8.8.8.8'), kaudit_ip_to_domain('nope'), kaudit_ip_to_province('8.8.8.8', ''), kaudit_ip_to_city('8.8.8.8', 'en'), kaudit_ip_to_geo('8.8.8.8'), kaudit_ip_to_provider('8.8.8.8')",
    ),
    [['intranet', 'internet', null, 'California', 'Mountain View', '37.422,-122.085', 'Google LLC']],
  );
});

test('CIDR helpers in SQL, with their result types', async () => {
  assert.deepEqual(
    await rows(
      "SELECT kaudit_ip_prefix('192.168.1.77', 24), kaudit_ip_subnet_min('192.168.1.77/24'), kaudit_ip_subnet_max('192.168.1.77/24'), kaudit_ip_subnet_range('10.0.90.1/20'), kaudit_ip_subnet_range('10.0.90.1/20')[2], kaudit_is_subnet_of('192.168.0.1/24', '192.168.0.9'), kaudit_is_prefix_subnet_of('10.0.0.0/8', '10.1.0.0/16'), kaudit_is_subnet_of('bad', '1.2.3.4')",
    ),
    [
      [
        '192.168.1.0/24',
        '192.168.1.0',
        '192.168.1.255',
        ['10.0.80.0', '10.0.95.255'],
        '10.0.95.255',
        true,
        true,
        null,
      ],
    ],
  );
});

test('a bad constant argument fails the query with the reason', async () => {
  await assert.rejects(
    conn.run("SELECT kaudit_ip_prefix('1.2.3.4', 40)"),
    /ip_prefix: prefix length 40 is out of range/,
  );
  await assert.rejects(
    conn.run("SELECT kaudit_ip_to_country('8.8.8.8', 'fr')"),
    /ip_to_country: the second argument must be 'en'/,
  );
});

test('works in WHERE, GROUP BY, HAVING, ORDER BY and inside aggregates', async () => {
  await conn.run(
    "CREATE TEMP TABLE ev AS SELECT * FROM (VALUES ('8.8.8.8', 1), ('8.8.4.4', 2), ('10.0.0.1', 3), ('114.114.114.114', 4), ('garbage', 5), (NULL, 6)) t(ip, n)",
  );
  assert.deepEqual(
    await rows(
      'SELECT kaudit_ip_to_country_code(ip) AS c, count(*)::INT FROM ev WHERE kaudit_ip_to_domain(ip) IS NOT NULL GROUP BY c HAVING count(*) >= 1 ORDER BY kaudit_ip_to_country_code(ip) NULLS LAST',
    ),
    [
      ['CN', 1],
      ['US', 2],
      ['intranet', 1],
    ],
  );
  assert.deepEqual(await rows("SELECT count_if(kaudit_ip_to_domain(ip) = 'internet')::INT FROM ev"), [[3]]);
  // An aggregate as the argument is computed by the outer query, then looked up (both forms).
  assert.deepEqual(
    await rows(
      'SELECT kaudit_ip_to_country_code(max(ip)), kaudit_fn.kaudit_ip_to_country_code(max(ip)) FROM ev WHERE n < 3',
    ),
    [['US', 'US']],
  );
  // The per-row form also takes a window function's result.
  assert.deepEqual(
    await rows('SELECT kaudit_ip_to_country_code(lag(ip) OVER (ORDER BY n)) FROM ev WHERE n <= 2 ORDER BY n'),
    [[null], ['US']],
  );
});

test('security_check_ip sees threat-list changes without re-registering', async () => {
  assert.deepEqual(
    await rows("SELECT kaudit_security_check_ip('203.0.113.9'), kaudit_security_check_ip('198.51.100.1')"),
    [[1n, 0n]],
  );
  writeFileSync(feed, '198.51.100.0/24\n');
  utimesSync(feed, new Date(), new Date(Date.now() + 10_000));
  const enricher = enricherFor({ locale: 'zh', threatLists });
  // Force the next check instead of waiting a second.
  (enricher as unknown as { threats: { refresh(force: boolean): void } }).threats.refresh(true);
  assert.deepEqual(
    await rows("SELECT kaudit_security_check_ip('203.0.113.9'), kaudit_security_check_ip('198.51.100.1')"),
    [[0n, 1n]],
  );
});

test('a group-by over many rows looks up each distinct address once', async () => {
  // 200 000 rows over 2 000 distinct public-looking addresses 1.0.x.y.
  await conn.run(
    "CREATE TEMP TABLE many AS SELECT '1.0.' || ((range % 2000) // 100)::VARCHAR || '.' || (range % 100)::VARCHAR AS ip FROM range(200000)",
  );
  const enricher = enricherFor({ locale: 'zh', threatLists });
  let lookups = 0;
  const original = enricher.countryCode.bind(enricher);
  enricher.countryCode = (text: string) => {
    lookups++;
    return original(text);
  };
  try {
    const result = await rows(
      'SELECT kaudit_ip_to_country_code(ip) AS c, count(*)::INT AS n FROM many GROUP BY c',
    );
    assert.equal(
      result.reduce((sum, r) => sum + (r[1] as number), 0),
      200000,
    );
    assert.equal(lookups, 2000);
  } finally {
    enricher.countryCode = original;
  }
});

test('both forms work on every connection, also ones opened after registration', async () => {
  const other = await instance.connect();
  try {
    assert.deepEqual(
      (
        await other.runAndReadAll(
          "SELECT kaudit_ip_to_domain('8.8.8.8'), kaudit_fn.kaudit_ip_to_domain('10.0.0.1')",
        )
      ).getRowsJS(),
      [['internet', 'intranet']],
    );
  } finally {
    other.closeSync();
  }
});

test('where each form fits: the per-row form everywhere, the macro not inside TRY or over a grouped expression', async () => {
  await conn.run(
    `CREATE TEMP TABLE arr AS SELECT * FROM (VALUES ('["8.8.8.8"]'), ('["10.0.0.1"]'), ('["8.8.8.8"]')) v(s)`,
  );
  const grouped = (fn: string) =>
    `SELECT json_extract_string(s, '$[0]') AS ip, ${fn}(json_extract_string(s, '$[0]'), '') AS c, count(*)::INT AS n FROM arr GROUP BY ip ORDER BY ip`;
  assert.deepEqual(await rows(grouped('kaudit_ip_to_country')), [
    ['10.0.0.1', 'intranet', 1],
    ['8.8.8.8', '美国', 2],
  ]);
  await assert.rejects(
    conn.run(grouped('kaudit_fn.kaudit_ip_to_country')),
    /must appear in the GROUP BY clause/,
  );
  assert.deepEqual(await rows("SELECT TRY(kaudit_ip_to_domain('10.0.0.1'))"), [['intranet']]);
  await assert.rejects(
    conn.run("SELECT TRY(kaudit_fn.kaudit_ip_to_domain('10.0.0.1'))"),
    /TRY can not be used/,
  );
  // Grouping by the macro call itself is fine.
  assert.deepEqual(
    await rows(
      "SELECT kaudit_fn.kaudit_ip_to_domain(json_extract_string(s, '$[0]')) AS d, count(*)::INT FROM arr GROUP BY d ORDER BY d",
    ),
    [
      ['internet', 2],
      ['intranet', 1],
    ],
  );
});

test('registration reads the environment: a bad KAUDIT_GEO_LOCALE is refused', async () => {
  process.env.KAUDIT_GEO_LOCALE = 'fr';
  try {
    await assert.rejects(registerEnrichFunctions(conn), /KAUDIT_GEO_LOCALE is 'fr'/);
  } finally {
    delete process.env.KAUDIT_GEO_LOCALE;
  }
});

test('defaults from the environment: KAUDIT_GEO_LOCALE and KAUDIT_THREAT_LISTS', () => {
  assert.deepEqual(enrichOptionsFromEnv({}), {});
  assert.deepEqual(
    enrichOptionsFromEnv({ KAUDIT_GEO_LOCALE: 'zh', KAUDIT_THREAT_LISTS: '/a.txt::/b.txt ' }),
    {
      locale: 'zh',
      threatLists: ['/a.txt', '/b.txt'],
    },
  );
  assert.throws(
    () => enrichOptionsFromEnv({ KAUDIT_GEO_LOCALE: 'fr' }),
    /KAUDIT_GEO_LOCALE is 'fr'; set it to 'en' or 'zh'/,
  );
});

test('connections registering at the same time do not race on the catalog', async () => {
  const others = await Promise.all(Array.from({ length: 6 }, () => instance.connect()));
  try {
    const results = await Promise.allSettled(
      others.map((c) => registerEnrichFunctions(c, { locale: 'zh', threatLists })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      others.map(() => 'fulfilled'),
    );
    const answers = await Promise.all(
      others.map(async (c) =>
        (await c.runAndReadAll("SELECT kaudit_fn.kaudit_ip_to_country('8.8.8.8', '')")).getRowsJS(),
      ),
    );
    for (const a of answers) assert.deepEqual(a, [['美国']]);
  } finally {
    for (const c of others) c.closeSync();
  }
});
