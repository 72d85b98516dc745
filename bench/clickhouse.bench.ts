// DuckDB and ClickHouse on the same events, in one run (issue #8 item 6): ingest events/s through
// the real import path into each store, bulk copy events/s (kaudit migrate), bytes stored per event,
// and the query benchmark's five SLS queries through runQuery on both, with their row counts (the
// answers must agree).
//
//   npm run bench:clickhouse -- [--events N] [--runs R] [--url clickhouse://…] [--record]
//
// Without --url a private clickhouse-server is started (test/clickhouse/server.ts: Debian's 18.16
// here). --record replaces the "ClickHouse" section of docs/benchmarks.md.
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateChunks } from '../src/generate/index.js';
import { importPaths } from '../src/ingest/import.js';
import { runQuery } from '../src/query/run.js';
import { openDuckDbStore } from '../src/store/duckdb/index.js';
import { defaultMemoryLimit } from '../src/store/duckdb/sandbox.js';
import { openClickHouseStore } from '../src/store/clickhouse/index.js';
import { copyEvents } from '../src/store/clickhouse/migrate.js';
import type { Store } from '../src/store/store.js';
import { EXEC_ZH, PUBLIC_ZH } from '../test/fixtures/documents.js';
import { startTestClickHouse, type TestClickHouse } from '../test/clickhouse/server.js';
import { machineDescription, recordSection } from './record.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const EVENTS = Number(arg('events', '200000'));
const RUNS = Number(arg('runs', '5'));
const RECORD = process.argv.includes('--record');
const TZ = 'UTC';

const READING_NOTE = `Reading the figures: one 2-CPU machine shared by kaudit, the ClickHouse server and other work (see
the load average), so both engines compete for the same cores and the absolute numbers are low. The
server is Debian's 18.16: every SQL statement is finished in kaudit's in-process DuckDB over the rows
the server sends for the search, and every read of the events uses \`FINAL\` (each event once, even
with racing writers), so the query column measures that path, not ClickHouse's own speed on a
current release (23.8+ runs the SQL on the server: docs/clickhouse-dialect.md). Ingest into
ClickHouse pays DuckDB's row derivation (the same SQL, for identical values) plus the HTTP insert.
What carries over to a real deployment is the bytes stored per event and that the answers
agree (same row counts here; the parity suite checks the values).`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function duckBytes(path: string): number {
  let total = existsSync(path) ? statSync(path).size : 0;
  const parts = `${path}.parts`;
  if (existsSync(parts)) for (const f of readdirSync(parts)) total += statSync(join(parts, f)).size;
  return total;
}

async function timeQuery(store: Store, query: string): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const out = await runQuery(store, query, { timezone: TZ });
    if (i > 0) times.push(performance.now() - t);
    rows = out.kind === 'sql' ? out.rows.length : out.events.length;
  }
  return { ms: median(times), rows };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-ch-bench-'));
  let server: TestClickHouse | null = null;
  const lines: string[] = [];
  const say = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  try {
    // The same events for both stores: one generated file.
    const file = join(dir, 'events.ndjson');
    const out = createWriteStream(file);
    for await (const chunk of generateChunks({ events: EVENTS, seed: 7, days: 7 })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    let url = arg('url');
    if (!url) {
      server = await startTestClickHouse();
      url = server.storeUrl('kaudit_bench');
    }
    const duckPath = join(dir, 'bench.duckdb');
    // The memory kaudit serve gives DuckDB (the copy sorts pages of wide rows).
    const duck = await openDuckDbStore({ path: duckPath, memoryLimit: defaultMemoryLimit() });
    const ch = await openClickHouseStore({ url });
    const copyTarget = await openClickHouseStore({ url: url.replace(/\/[^/]*$/, '/kaudit_bench_copy') });
    try {
      const ingest = async (store: Store) => {
        const t = performance.now();
        const s = await importPaths(store, [file], { cluster: 'bench' });
        return { stored: s.stored, seconds: (performance.now() - t) / 1000 };
      };
      const di = await ingest(duck);
      const ci = await ingest(ch);
      const t = performance.now();
      const copied = await copyEvents(duck, copyTarget);
      const copySeconds = (performance.now() - t) / 1000;
      const chBytes = await ch.sizeBytes();
      const dBytes = duckBytes(duckPath);
      const version = ch.capabilities.version;

      say(
        `${EVENTS.toLocaleString('en-US')} generated events (7 days, seed 7), ClickHouse ${version} on the same machine ` +
          `(${server ? 'a private server started by the benchmark' : 'the server of --url'}), ${machineDescription()}, ` +
          `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs; ${RUNS} runs per query (median, after one warm-up).`,
      );
      say('');
      say('| | DuckDB | ClickHouse |');
      say('|---|---:|---:|');
      say(
        `| import (kaudit import path), events/s | ${Math.round(di.stored / di.seconds).toLocaleString('en-US')} | ${Math.round(ci.stored / ci.seconds).toLocaleString('en-US')} |`,
      );
      say(
        `| bulk copy DuckDB → ClickHouse (kaudit migrate), events/s | | ${Math.round(copied.stored / copySeconds).toLocaleString('en-US')} |`,
      );
      say(`| events stored | ${di.stored.toLocaleString('en-US')} | ${ci.stored.toLocaleString('en-US')} |`);
      say(
        `| bytes stored per event | ${Math.round(dBytes / di.stored)} | ${Math.round(chBytes / ci.stored)} |`,
      );

      // The query benchmark's queries (bench/query.bench.ts), through runQuery on each store.
      const users = await runQuery(
        duck,
        `* and not "user.username": system | select "user.username" as u, count(*) as n group by u having n >= ${Math.ceil(EVENTS / 1000)} order by n limit 1`,
        { timezone: TZ },
      );
      const u = users.kind === 'sql' ? users.rows[0]?.[0] : undefined;
      const token =
        typeof u === 'string' && /^[a-z0-9.\-_]+$/i.test(u) ? u.toLowerCase() : 'kubernetes-admin';
      const cases: [string, string][] = [
        ['exec into container (seed doc)', EXEC_ZH],
        ['public-network failures (seed doc)', PUBLIC_ZH],
        ['field search `objectRef.resource: secrets` (newest 100)', 'objectRef.resource: secrets'],
        [`full-text search \`${token}\` (newest 100)`, token],
        [
          'group by user.username',
          '* | select "user.username", count(*) as n group by "user.username" order by n desc',
        ],
      ];
      say('');
      say('| query | rows (DuckDB / ClickHouse) | DuckDB ms | ClickHouse ms | ratio |');
      say('|---|---:|---:|---:|---:|');
      for (const [label, q] of cases) {
        const d = await timeQuery(duck, q);
        const c = await timeQuery(ch, q);
        say(
          `| ${label} | ${d.rows} / ${c.rows} | ${d.ms.toFixed(0)} | ${c.ms.toFixed(0)} | ${(c.ms / d.ms).toFixed(2)}× |`,
        );
      }
    } finally {
      await duck.close();
      await ch.close();
      await copyTarget.close();
    }
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push('', READING_NOTE);
  if (RECORD) {
    const stamp = new Date().toISOString().slice(0, 10);
    recordSection(
      'ClickHouse',
      `### ${EVENTS.toLocaleString('en-US')} events (${stamp}, \`npm run bench:clickhouse -- --events ${EVENTS}\`)\n\n${lines.join('\n')}`,
    );
    console.log('recorded in docs/benchmarks.md');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
