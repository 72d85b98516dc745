// Query-engine speed: N synthetic events (default 1M, `src/generate`) imported through the real
// import path, then five SLS queries — the documents' exec query, the public-network query, a field
// search, a full-text search and a group-by over user.username — each timed through `runQuery`
// (compile + execute + value conversion, what `kaudit query` does) beside a hand-written DuckDB
// SQL equivalent on the same table in the same run. The baselines read IP facts from a table
// precomputed before timing (so they pay nothing for lookups). Median of R runs after W warm-up
// pairs, ratio printed; the first (cold) run of each side is printed beside it.
//
//   npm run bench:query -- [--events N] [--runs R] [--warmup W] [--db FILE] [--record]
//
// --db FILE reuses (or creates) a store, so a 10M run can be timed without re-importing.
// --record appends the table to docs/benchmarks.md under "## Query".
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateChunks } from '../src/generate/index.js';
import { importPaths } from '../src/ingest/import.js';
import { runQuery } from '../src/query/run.js';
import { openDuckDbStore, type DuckDbStore } from '../src/store/duckdb/index.js';
import { EVENTS_RELATION } from '../src/store/store.js';
import { EXEC_ZH, PUBLIC_ZH } from '../test/fixtures/documents.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const EVENTS = Number(arg('events', '1000000'));
const RUNS = Number(arg('runs', '21'));
// Pairs run before timing starts: the first queries of a process run the compiler (parser, binder,
// renderer) unoptimised by V8 and DuckDB's caches cold, which says nothing about steady latency.
// The very first run of each side is reported on its own.
const WARMUP = Number(arg('warmup', '5'));
const RECORD = process.argv.includes('--record');
const TZ = 'UTC';

// ---- the five queries (SLS text, as users write them) and their hand-written DuckDB baselines

const EXEC_BASELINE = `SELECT auditID AS "事件ID",
  strftime(make_timestamp(__time__ * 1000000), '%Y-%m-%d %H:%M:%S') AS "操作时间",
  regexp_extract(requestURI, '([^\\?]*)/exec\\?.*', 1) AS "资源",
  regexp_extract(requestURI, '\\?(.*)', 1) AS "命令",
  "responseStatus.code" AS "状态码",
  CASE WHEN "user.username" <> 'kubernetes-admin' THEN "user.username"
       WHEN regexp_matches(annotations ->> '$."authorization.k8s.io/reason"', 'RoleBinding')
         THEN regexp_extract(annotations ->> '$."authorization.k8s.io/reason"', ' to User "(\\w+)"', 1)
       ELSE 'kubernetes-admin' END AS "操作账号",
  CASE WHEN json_array_length(sourceIPs) = 1 THEN sourceIPs ->> 0 ELSE sourceIPs END AS "源地址"
FROM ${EVENTS_RELATION}
WHERE verb = 'create' AND "objectRef.subresource" = 'exec' AND stage = 'ResponseStarted'
LIMIT 100`;

const PUBLIC_BASELINE = `WITH per_ip AS (
  SELECT CASE WHEN json_array_length(sourceIPs) = 1 THEN sourceIPs ->> 0 ELSE sourceIPs END AS ip,
         count(*) AS total,
         sum(CASE WHEN "responseStatus.code" < 400 THEN 0 ELSE 1 END) * 1.0 / count(*) AS rate,
         count_if("responseStatus.code" = 403) AS failCount
  FROM ${EVENTS_RELATION} GROUP BY 1 LIMIT 10000)
SELECT p.ip AS "源地址", total AS "访问次数", round(rate * 100, 2) AS "失败率%", failCount AS "非法访问次数",
  CASE WHEN i.risky = 1 THEN 'yes' ELSE 'no' END AS "是否高危IP",
  i.country AS "国家", i.province AS "省", i.city AS "市", i.provider AS "运营商"
FROM per_ip p LEFT JOIN bench_ip_info i ON i.ip = p.ip
WHERE i.domain <> 'intranet' AND total > 10 AND round(rate * 100, 2) > 50
ORDER BY total DESC LIMIT 100`;

/**
 * Newest 100 matches, written the fast way by hand too: the page boundary from the narrow columns,
 * then the wide `_raw` only for events at or after it (the plain `ORDER BY … LIMIT` form is
 * printed beside it for reference).
 */
const newest100 = (
  where: string,
) => `SELECT "_raw", "__time__", "__source__", "cluster" FROM ${EVENTS_RELATION}
WHERE ${where} AND "_time_us" >= (SELECT min("_time_us") FROM (SELECT "_time_us" FROM ${EVENTS_RELATION} WHERE ${where} ORDER BY "_time_us" DESC LIMIT 100))
ORDER BY "_time_us" DESC LIMIT 100`;
const newest100Plain = (
  where: string,
) => `SELECT "_raw", "__time__", "__source__", "cluster" FROM ${EVENTS_RELATION}
WHERE ${where} ORDER BY "_time_us" DESC LIMIT 100`;

// Values of these fields are single tokens in the generated data, so equality is the same answer.
const FIELD_QUERY = 'objectRef.resource: secrets';
const FIELD_WHERE = `"objectRef.resource" = 'secrets'`;

/** The full-text token: filled in from the data (a human user's name, a few % of events). */
let fullTextToken = 'kubernetes-admin';
const fullTextQuery = () => fullTextToken;
// The floor of any full-text search: a plain substring scan of the search text (a superset).
const fullTextWhere = () => `contains("_text", '${fullTextToken}')`;

const GROUP_QUERY = '* | select "user.username", count(*) as n group by "user.username" order by n desc';
const GROUP_BASELINE = `SELECT "user.username", count(*) AS n FROM ${EVENTS_RELATION} GROUP BY 1 ORDER BY n DESC LIMIT 100`;

// ---- harness

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times the kaudit query and its baseline in alternation (k, b, k, b …) so that load from other
 * processes hits both sides alike; the first WARMUP pairs are not counted (the first is reported).
 */
async function timePair(
  store: DuckDbStore,
  query: string,
  conn: DuckDBConnection,
  baseline: string,
): Promise<{ k: number; b: number; kRows: number; bRows: number; kFirst: number; bFirst: number }> {
  const kt: number[] = [];
  const bt: number[] = [];
  let kRows = 0;
  let bRows = 0;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    let t = performance.now();
    const out = await runQuery(store, query, { timezone: TZ });
    kt.push(performance.now() - t);
    kRows = out.kind === 'sql' ? out.rows.length : out.events.length;
    t = performance.now();
    const rows = (await conn.runAndReadAll(baseline)).getRows();
    bt.push(performance.now() - t);
    bRows = rows.length;
  }
  return {
    k: median(kt.slice(WARMUP)),
    b: median(bt.slice(WARMUP)),
    kRows,
    bRows,
    kFirst: kt[0],
    bFirst: bt[0],
  };
}

function dirBytes(path: string): number {
  let total = existsSync(path) ? statSync(path).size : 0;
  const parts = `${path}.parts`;
  if (existsSync(parts)) for (const f of readdirSync(parts)) total += statSync(join(parts, f)).size;
  return total;
}

async function main(): Promise<void> {
  const db = arg('db') ?? join(mkdtempSync(join(tmpdir(), 'kaudit-query-bench-')), 'bench.duckdb');
  const store = await openDuckDbStore({ path: db });
  const lines: string[] = [];
  const say = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  try {
    let count = Number((await store.querySql(`SELECT count(*) FROM ${EVENTS_RELATION}`)).rows[0][0]);
    if (count < EVENTS) {
      const t0 = performance.now();
      const stream = Readable.from(generateChunks({ events: EVENTS - count, seed: 7 + count, days: 7 }));
      const summary = await importPaths(store, [{ name: 'generated', stream }], { cluster: 'bench' });
      console.log(`imported ${summary.stored} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      count = Number((await store.querySql(`SELECT count(*) FROM ${EVENTS_RELATION}`)).rows[0][0]);
    }
    const conn = await store.connect();
    // Pick a full-text token: the least frequent human user with at least 0.1 % of the events.
    const users = await conn.runAndReadAll(
      `SELECT "user.username", count(*) AS n FROM ${EVENTS_RELATION} WHERE "user.username" NOT LIKE 'system:%' GROUP BY 1 HAVING n >= ${Math.ceil(count / 1000)} ORDER BY n LIMIT 1`,
    );
    const u = users.getRows()[0]?.[0];
    if (typeof u === 'string' && /^[a-z0-9.\-_]+$/i.test(u)) fullTextToken = u.toLowerCase();

    // IP facts for the baseline, computed once before timing (the per-row functions are instance-wide).
    const t1 = performance.now();
    await conn.run(`CREATE OR REPLACE TEMP TABLE bench_ip_info AS
      SELECT ip, kaudit_ip_to_domain(ip) AS domain, kaudit_security_check_ip(ip) AS risky,
             kaudit_ip_to_country(ip, '') AS country, kaudit_ip_to_province(ip, '') AS province,
             kaudit_ip_to_city(ip, '') AS city, kaudit_ip_to_provider(ip) AS provider
      FROM (SELECT DISTINCT CASE WHEN json_array_length(sourceIPs) = 1 THEN sourceIPs ->> 0 ELSE sourceIPs END AS ip FROM ${EVENTS_RELATION})`);
    const ipRows = Number((await conn.runAndReadAll('SELECT count(*) FROM bench_ip_info')).getRows()[0][0]);
    const ipMs = performance.now() - t1;

    say(
      `${count.toLocaleString('en-US')} generated events (7 days, seed 7), store ${(dirBytes(db) / 1e6).toFixed(0)} MB, ` +
        `${cpus().length} CPUs (load average ${loadavg()[0].toFixed(1)}), ${RUNS} alternating runs (median, after ${WARMUP} warm-up pairs), time zone ${TZ}; ` +
        `baseline IP table: ${ipRows} distinct addresses precomputed in ${ipMs.toFixed(0)} ms (not timed).`,
    );
    say('');
    say('| query | rows | kaudit ms | baseline ms | ratio | first run: kaudit / baseline ms |');
    say('|---|---:|---:|---:|---:|---:|');
    const cases: [string, string, string][] = [
      ['exec into container (seed doc, verbatim)', EXEC_ZH, EXEC_BASELINE],
      ['public-network failures (seed doc, verbatim)', PUBLIC_ZH, PUBLIC_BASELINE],
      [`field search \`${FIELD_QUERY}\` (newest 100)`, FIELD_QUERY, newest100(FIELD_WHERE)],
      [`full-text search \`${fullTextQuery()}\` (newest 100)`, fullTextQuery(), newest100(fullTextWhere())],
      ['group by user.username', GROUP_QUERY, GROUP_BASELINE],
    ];
    for (const [label, q, base] of cases) {
      const r = await timePair(store, q, conn, base);
      const note = r.kRows === r.bRows ? '' : ` (baseline ${r.bRows} rows)`;
      say(
        `| ${label} | ${r.kRows}${note} | ${r.k.toFixed(0)} | ${r.b.toFixed(0)} | ${(r.k / r.b).toFixed(2)}× | ${r.kFirst.toFixed(0)} / ${r.bFirst.toFixed(0)} |`,
      );
    }
    say('');
    say('The same newest-100 pages written the plain way (`WHERE … ORDER BY _time_us DESC LIMIT 100`):');
    say('');
    for (const [label, query, where] of [
      ['field search', FIELD_QUERY, FIELD_WHERE],
      ['full-text substring scan', fullTextQuery(), fullTextWhere()],
    ]) {
      const r = await timePair(store, query, conn, newest100Plain(where));
      say(`- ${label}: ${r.b.toFixed(0)} ms (kaudit in the same runs: ${r.k.toFixed(0)} ms)`);
    }
  } finally {
    await store.close();
  }
  if (RECORD) {
    const path = 'docs/benchmarks.md';
    const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
    const stamp = new Date().toISOString().slice(0, 10);
    const section = `### ${EVENTS.toLocaleString('en-US')} events (${stamp}, \`npm run bench:query -- --events ${EVENTS}\`)\n\n${lines.join('\n')}\n`;
    let next: string;
    if (!doc.includes('\n## Query\n')) {
      next = `${doc.trimEnd()}\n\n## Query\n\n${section}`;
    } else {
      const start = doc.indexOf('\n## Query\n');
      const after = doc.indexOf('\n## ', start + 1);
      const end = after < 0 ? doc.length : after;
      next = `${doc.slice(0, end).trimEnd()}\n\n${section}${doc.slice(end)}`;
    }
    writeFileSync(path, next);
    console.log(`recorded in ${path}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
