// Report speed: every built-in report (each tab of mesh, resource for deployments and for a CRD)
// rendered from N synthetic events (default 1M, `src/generate`, the same generator as
// `kaudit generate`) over the last 7 days of the data, through `runReport` — load nothing, compile
// every panel, run them four at a time, convert values: exactly what `kaudit report` and the console
// do. Target: under 2 s per report.
//
// Baselines in the same run, on the same store:
// - "same SQL": the panels' compiled SQL run straight on DuckDB connections, four at a time, with
//   no compilation and no value conversion — what the engine alone costs, so the ratio is kaudit's
//   own overhead;
// - "one scan": `SELECT count(DISTINCT auditID)` over the range — the cheapest request-level pass
//   over the data, for scale.
// Median of R runs after one warm-up, kaudit and baseline alternating.
//
//   npm run bench:report -- [--events N] [--runs R] [--db FILE] [--record] [--only LABEL]
//
// --db FILE reuses (or creates) a store; by default it is cached in the temp directory per N.
// --record writes the table to docs/benchmarks.md under "## Reports".
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateChunks } from '../src/generate/index.js';
import { importPaths } from '../src/ingest/import.js';
import { compileQuery } from '../src/query/index.js';
import { dialectFor, runQuery } from '../src/query/run.js';
import { findReport, loadReports } from '../src/reports/load.js';
import { mapLimited, preparePanels, runReport, DEFAULT_CONCURRENCY } from '../src/reports/run.js';
import { openDuckDbStore, type DuckDbStore } from '../src/store/duckdb/index.js';
import { EVENTS_RELATION } from '../src/store/store.js';
import { machineDescription, recordSection } from './record.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const EVENTS = Number(arg('events', '1000000'));
const RUNS = Number(arg('runs', '5'));
const RECORD = process.argv.includes('--record');
/** Only the cases whose label starts with this (for a quick look; not recorded). */
const ONLY = arg('only');
const TZ = 'UTC';
const TARGET_MS = 2000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Case {
  label: string;
  report: string;
  tab?: string;
  params?: Record<string, string>;
}

async function main(): Promise<void> {
  const db = arg('db') ?? join(tmpdir(), `kaudit-report-bench-${EVENTS}.duckdb`);
  const store: DuckDbStore = await openDuckDbStore({ path: db });
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
    // The report range: the 7 days ending at the newest event (the data's "now").
    const newest = Number((await store.querySql(`SELECT max(__time__) FROM ${EVENTS_RELATION}`)).rows[0][0]);
    const to = newest + 1;
    const from = to - 7 * 86400;
    const requests = Number(
      (
        await store.querySql(
          `SELECT count(DISTINCT auditID) FROM ${EVENTS_RELATION} WHERE __time__ >= ${from} AND __time__ < ${to}`,
        )
      ).rows[0][0],
    );
    // A CRD plural that occurs in the data, if any, for the resource report.
    const crd = (
      await store.querySql(
        `SELECT "objectRef.resource" FROM ${EVENTS_RELATION} WHERE "objectRef.apiGroup" LIKE '%.%' AND "objectRef.apiGroup" NOT LIKE '%k8s.io' AND "objectRef.apiGroup" NOT LIKE '%istio.io' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      )
    ).rows[0]?.[0];

    const conns: DuckDBConnection[] = [];
    for (let i = 0; i < DEFAULT_CONCURRENCY; i++) conns.push(await store.connect());
    const reports = loadReports();
    const cases: Case[] = [
      { label: 'overview', report: 'overview' },
      { label: 'operations', report: 'operations' },
      { label: 'resource (deployments)', report: 'resource', params: { resource: 'deployments' } },
      ...(typeof crd === 'string'
        ? [{ label: `resource (${crd})`, report: 'resource', params: { resource: crd } }]
        : []),
      ...findReport(reports, 'mesh').tabs.map((t) => ({
        label: `mesh, tab ${t.id}`,
        report: 'mesh',
        tab: t.id,
      })),
      { label: 'mesh, all four tabs', report: 'mesh' },
    ];

    say(
      `${count.toLocaleString('en-US')} generated events (7 days, seed 7; ${requests.toLocaleString('en-US')} requests in the report range), ` +
        `${machineDescription()} (load average ${loadavg()[0].toFixed(1)}), ${RUNS} alternating runs (median, after one warm-up), ` +
        `${DEFAULT_CONCURRENCY} panels at a time, time zone ${TZ}.`,
    );
    say('');
    say('| report | panels | kaudit ms | same SQL ms | ratio | one scan ms | under 2 s |');
    say('|---|---:|---:|---:|---:|---:|:---:|');
    const slowest: string[] = [];
    for (const c of cases) {
      if (ONLY && !c.label.startsWith(ONLY)) continue;
      const report = findReport(reports, c.report);
      const opts = {
        from,
        to,
        timezone: TZ,
        ...(c.tab ? { tab: c.tab } : {}),
        ...(c.params ? { params: c.params } : {}),
      };
      const sqls = preparePanels(report, opts).map(
        (p) => compileQuery(p.query, { from, to, timezone: TZ }, dialectFor(store)).sql,
      );
      const k: number[] = [];
      const b: number[] = [];
      const scan: number[] = [];
      let panelTimes: { id: string; ms: number }[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        let t = performance.now();
        const result = await runReport(store, report, opts);
        if (i > 0) k.push(performance.now() - t);
        const failed = result.panels.filter((p) => p.error);
        if (failed.length)
          throw new Error(`${c.label}: ${failed.map((p) => `${p.id}: ${p.error}`).join('; ')}`);
        t = performance.now();
        let next = 0;
        await Promise.all(
          conns.map(async (conn) => {
            while (next < sqls.length) await conn.runAndReadAll(sqls[next++]);
          }),
        );
        if (i > 0) b.push(performance.now() - t);
        t = performance.now();
        await conns[0].runAndReadAll(
          `SELECT count(DISTINCT auditID) FROM ${EVENTS_RELATION} WHERE __time__ >= ${from} AND __time__ < ${to}`,
        );
        if (i > 0) scan.push(performance.now() - t);
        if (i === RUNS) {
          // Which panels cost most (each alone, for the notes below the table).
          const prepared = preparePanels(report, opts);
          panelTimes = await mapLimited(prepared, 1, async (p) => {
            const t0 = performance.now();
            await runQuery(store, p.query, { from, to, timezone: TZ });
            return { id: p.id, ms: performance.now() - t0 };
          });
        }
      }
      const km = median(k);
      const bm = median(b);
      say(
        `| ${c.label} | ${sqls.length} | ${km.toFixed(0)} | ${bm.toFixed(0)} | ${(km / bm).toFixed(2)}× | ${median(scan).toFixed(0)} | ${km < TARGET_MS ? 'yes' : '**no**'} |`,
      );
      const top = [...panelTimes].sort((x, y) => y.ms - x.ms).slice(0, 3);
      slowest.push(`- ${c.label}: ${top.map((p) => `${p.id} ${p.ms.toFixed(0)} ms`).join(', ')}`);
    }
    say('');
    say('Slowest panels of each report, each run alone:');
    say('');
    for (const s of slowest) say(s);
  } finally {
    await store.close();
  }
  if (RECORD && !ONLY) {
    const stamp = new Date().toISOString().slice(0, 10);
    recordSection(
      'Reports',
      [
        '`npm run bench:report` (`bench/report.bench.ts`): every built-in report rendered through `runReport`',
        '(what `kaudit report` and the console do) over the last 7 days of generated data; target under 2 s per',
        'report. "same SQL" runs the panels\' compiled SQL straight on DuckDB (four at a time, no compile, no',
        'value conversion); "one scan" is `count(DISTINCT auditID)` over the range, for scale.',
        '',
        `### ${EVENTS.toLocaleString('en-US')} events (${stamp}, \`npm run bench:report -- --events ${EVENTS}\`)`,
        '',
        ...lines,
      ].join('\n'),
    );
    console.log('recorded in docs/benchmarks.md');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
