// `npm run bench:webhook`: a real `kaudit serve --webhook` process on loopback, loaded by autocannon
// from this process with EventList batches of 400 generated events (the apiserver's default
// batch-max-size), several in flight at once, and every tenth batch sent twice (deliberate
// retries). Reports sustained events/s, p99 latency, the mean event size, and checks that the
// stored count is exactly the number of distinct events. Figures go to docs/benchmarks.md.
// The server runs its default configuration, built-in alert rules included (their first evaluation
// runs while the load starts); KAUDIT_BENCH_NO_ALERTS=1 turns them off to measure ingest alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { generateLines } from '../src/generate/index.js';
import { machineDescription, recordSection } from './record.js';

const EVENTS = Number(process.env.KAUDIT_BENCH_EVENTS ?? 400_000);
const BATCH = 400;
const CONNECTIONS = Number(process.env.KAUDIT_BENCH_CONNECTIONS ?? 8);
const REPO = join(import.meta.dirname, '..', '..');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-bench-webhook-'));
  // Webhook items carry no kind/apiVersion (k8s-audit.md §4).
  const items: string[] = [];
  let eventBytes = 0;
  for (const line of generateLines({ events: EVENTS, seed: 11, days: 1, end: Date.UTC(2026, 0, 2) / 1000 })) {
    const item = line.replace('"kind":"Event","apiVersion":"audit.k8s.io/v1",', '');
    eventBytes += Buffer.byteLength(line) + 1;
    items.push(item);
  }
  const bodies: string[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    bodies.push(
      `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.slice(i, i + BATCH).join(',')}]}`,
    );
  }
  // Every tenth batch is sent a second time, as an apiserver retry would.
  const schedule: string[] = [];
  bodies.forEach((b, i) => {
    schedule.push(b);
    if (i % 10 === 0) schedule.push(b);
  });

  const config = join(dir, 'kaudit.yaml');
  writeFileSync(
    config,
    'webhook:\n  enabled: true\n  rateLimit: 0\n' +
      (process.env.KAUDIT_BENCH_NO_ALERTS ? 'alerts:\n  enabled: false\n' : ''),
  );
  const db = join(dir, 'kaudit.duckdb');
  const server = spawn(
    process.execPath,
    [
      ...(process.env.KAUDIT_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      join(REPO, 'bin', 'kaudit.js'),
      'serve',
      '--db',
      db,
      '--port',
      '0',
      '--config',
      config,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: server.stdout! });
    rl.once('line', (l) => resolve(l.replace('listening on ', '').trim()));
    server.once('exit', (c) => reject(new Error(`kaudit serve exited with ${c}`)));
  });

  let next = 0;
  const started = Date.now();
  const result = await autocannon({
    url: `${url}/audit/webhook`,
    connections: CONNECTIONS,
    amount: schedule.length,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: schedule[next++ % schedule.length] }),
      },
    ],
  });
  const seconds = (Date.now() - started) / 1000;

  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: '* | select count(*) as n' }),
  });
  const stored = ((await res.json()) as { rows: number[][] }).rows[0][0];
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const non2xx = result.non2xx;
  const rows = [
    ['distinct events', String(EVENTS)],
    [
      'requests',
      `${schedule.length} EventLists of ${BATCH} (${schedule.length - bodies.length} deliberate retries), ${CONNECTIONS} connections`,
    ],
    ['mean event size', `${(eventBytes / EVENTS).toFixed(0)} bytes (generator mix)`],
    [
      'sustained',
      `${Math.round(EVENTS / seconds)} distinct events/s, ${Math.round((schedule.length * BATCH) / seconds)} events/s posted (${seconds.toFixed(1)} s)`,
    ],
    ['latency', `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`],
    ['non-2xx answers', String(non2xx)],
    ['stored', `${stored} (${stored === EVENTS ? 'exact' : 'NOT exact'})`],
    ['target', `≥ 50,000 events/s: ${EVENTS / seconds >= 50_000 ? 'met' : 'not met'}`],
  ];
  const table = ['| measure | figure |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  process.stdout.write(table + '\n');
  recordSection(
    'Webhook',
    `\`npm run bench:webhook\` (bench/webhook.bench.ts): \`kaudit serve --webhook\` as its own process on
loopback, autocannon in the benchmark process on the same machine.

Machine: ${machineDescription()}. Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.

${table}`,
  );
  if (stored !== EVENTS) process.exitCode = 1;
}

await main();
