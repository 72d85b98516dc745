// IP-function cost inside a group-by: N rows (default 1M) over D distinct public addresses
// (default 10k), grouped by country. Compares, in one run on one DuckDB instance:
//   dedup      `kaudit_fn.kaudit_ip_to_country(ip, '')`, the deduplicating macro form
//              (src/enrich/duckdb.ts): one JavaScript call per distinct address;
//   per-row    `kaudit_ip_to_country(ip, '')`, the UDF called for every row (memoised answers, but
//              every row crosses into JavaScript);
//   baseline   a join against a table of (ip, country) precomputed before timing;
//   no-lookup  the same group-by over the raw address (what the group-by costs by itself).
// Median of R runs. The question (issue 3, point 3): is the group-by dominated by the lookups?
//
//   node --import tsx bench/enrich.bench.ts [--rows N] [--distinct D] [--runs R]
import { DuckDBInstance } from '@duckdb/node-api';
import { registerEnrichFunctions } from '../src/enrich/duckdb.js';

function arg(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
}
const ROWS = arg('rows', '1000000');
const DISTINCT = arg('distinct', '10000');
const RUNS = arg('runs', '5');

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await instance.connect();
await registerEnrichFunctions(conn, { locale: 'en' });
// D distinct addresses spread over public space (first octet 1–199 minus 10/127/100), each row one of them.
await conn.run(`CREATE TABLE addr AS
  SELECT i AS k, ((i * 2654435761) % 199 + 1)::VARCHAR || '.' || ((i * 40503) % 256)::VARCHAR || '.' ||
         ((i * 7919) % 256)::VARCHAR || '.' || (i % 254 + 1)::VARCHAR AS ip
  FROM range(${DISTINCT}) t(i)`);
await conn.run(
  `CREATE TABLE events AS SELECT a.ip FROM range(${ROWS}) r(n) JOIN addr a ON a.k = r.n % ${DISTINCT}`,
);
// Warm the data files and the address cache once, as a long-running server would have them.
await conn.run(`SELECT count(DISTINCT kaudit_ip_to_country(ip, '')) FROM addr`);
await conn.run(`CREATE TABLE geo AS SELECT ip, kaudit_ip_to_country(ip, '') AS country FROM addr`);

const queries: Record<string, string> = {
  dedup: `SELECT kaudit_fn.kaudit_ip_to_country(ip, '') AS c, count(*) FROM events GROUP BY c`,
  'per-row': `SELECT kaudit_ip_to_country(ip, '') AS c, count(*) FROM events GROUP BY c`,
  baseline: `SELECT g.country AS c, count(*) FROM events e JOIN geo g USING (ip) GROUP BY c`,
  'no-lookup': `SELECT ip AS c, count(*) FROM events GROUP BY c`,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results: Record<string, number> = {};
for (const [name, sql] of Object.entries(queries)) {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    await conn.runAndReadAll(sql);
    times.push(performance.now() - t);
  }
  results[name] = median(times);
}
console.log(`IP lookups in a group-by: ${ROWS} rows, ${DISTINCT} distinct addresses, median of ${RUNS}`);
for (const [name, ms] of Object.entries(results)) {
  console.log(
    `  ${name.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / results.baseline).toFixed(2)}× baseline`,
  );
}
conn.closeSync();
instance.closeSync();
