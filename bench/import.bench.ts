// `npm run bench:import`: generates N events (default 1,000,000) as a JSON-lines file, then in the
// same run times
//   1. the baseline: a bare DuckDB `read_json` of the file into a table (BASELINE_SQL below), and
//   2. `kaudit import` of the same file into a new store,
// each in its own process so peak RSS is that process's own. Prints events/s, MB/s, stored bytes
// per event, peak RSS and the ratio import/baseline, and records them in docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { generateChunks } from '../src/generate/index.js';
import { machineDescription, recordSection } from './record.js';

const EVENTS = Number(process.env.KAUDIT_BENCH_EVENTS ?? 1_000_000);
const REPO = join(import.meta.dirname, '..', '..');

/**
 * The baseline: DuckDB's own JSON reader into a table. Nested objects are read as JSON
 * (maximum_depth = 1), as kaudit keeps them: with full detection the reader stops at the first body
 * holding a key its sample did not see ("JSON transform error … unknown key").
 */
export const BASELINE_SQL = (file: string) =>
  `CREATE TABLE events AS SELECT * FROM read_json('${file}', format = 'newline_delimited', maximum_depth = 1)`;

interface Measured {
  seconds: number;
  maxRssBytes: number;
  output: string;
}

function runNode(script: string, args: string[]): Measured {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`benchmark step failed: ${r.stderr}`);
  const rss = /MAXRSS (\d+)/.exec(r.stderr);
  return { seconds, maxRssBytes: rss ? Number(rss[1]) * 1024 : NaN, output: r.stdout };
}

const REPORT_RSS = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-bench-import-'));
  const file = join(dir, 'audit.log');
  process.stdout.write(`generating ${EVENTS} events into ${file} …\n`);
  const out = createWriteStream(file);
  for (const chunk of generateChunks({
    events: EVENTS,
    seed: 7,
    days: 7,
    end: Date.UTC(2026, 0, 8) / 1000,
  })) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const fileBytes = statSync(file).size;

  process.stdout.write('baseline: DuckDB read_json into a table …\n');
  const baseline = runNode(
    `${REPORT_RSS}
     import { DuckDBInstance } from '@duckdb/node-api';
     const i = await DuckDBInstance.create(process.argv[1]);
     const c = await i.connect();
     await c.run(process.argv[2]);
     c.closeSync(); i.closeSync();`,
    [join(dir, 'baseline.duckdb'), BASELINE_SQL(file)],
  );

  process.stdout.write('kaudit import …\n');
  const db = join(dir, 'store', 'kaudit.duckdb');
  const kaudit = runNode(
    `${REPORT_RSS}
     const { main } = await import('./dist/src/cli/main.js');
     process.exitCode = await main(['node', 'kaudit', 'import', '--db', process.argv[1], '--format', 'json', '--no-progress', process.argv[2]]);`,
    [db, file],
  );
  const summary = JSON.parse(kaudit.output);
  const partsDir = `${db}.parts`;
  const storedBytes =
    statSync(db).size + readdirSync(partsDir).reduce((n, f) => n + statSync(join(partsDir, f)).size, 0);

  const ratio = kaudit.seconds / baseline.seconds;
  const mb = fileBytes / 1e6;
  const rows = [
    ['events', String(EVENTS)],
    ['input', `${mb.toFixed(0)} MB (${(fileBytes / EVENTS).toFixed(0)} bytes/event)`],
    [
      'baseline read_json',
      `${baseline.seconds.toFixed(1)} s, ${(EVENTS / baseline.seconds).toFixed(0)} events/s, peak RSS ${(baseline.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    ],
    [
      'kaudit import',
      `${kaudit.seconds.toFixed(1)} s, ${(EVENTS / kaudit.seconds).toFixed(0)} events/s, ${(mb / kaudit.seconds).toFixed(1)} MB/s, peak RSS ${(kaudit.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    ],
    ['stored', `${summary.stored} events, ${(storedBytes / summary.stored).toFixed(0)} bytes/event on disk`],
    ['ratio import/baseline', `${ratio.toFixed(2)} (target ≤ 1.5)`],
    ['peak RSS target', `< 1 GiB: ${kaudit.maxRssBytes < 2 ** 30 ? 'met' : 'NOT met'}`],
  ];
  const table = ['| measure | figure |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  process.stdout.write('\n' + table + '\n');
  recordSection(
    'Import',
    `\`npm run bench:import\` (bench/import.bench.ts): ${EVENTS} generated events (\`kaudit generate\` mix, seed 7),
imported by \`kaudit import\` into a new store, beside the baseline \`${BASELINE_SQL('<file>')}\` on the
same file, each in its own process, in the same run.

Machine: ${machineDescription()}. Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.

${table}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
