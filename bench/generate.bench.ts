// Generator speed (issue 2, point 7): events/s and MB/s of `kaudit generate`, so that the import,
// query and webhook benchmarks are never bound by it. Target: >= 200k events/s.
//
// Measured in the same run:
//   - generate: the events as text chunks (each chunk flattened and measured with Buffer.byteLength,
//     the work any writer does), no I/O;
//   - generate + write: writeGenerated into /dev/null through a file stream (backpressure included);
//   - baseline: building the same number of bytes from one fixed line with the same chunking, i.e.
//     the cost of the text alone; the ratio shows what generating realistic events adds.
// CPU time is reported beside wall time because shared machines distort wall time.
// Events: $KAUDIT_BENCH_EVENTS (default 1,000,000) over one day.
import { cpus, loadavg, totalmem } from 'node:os';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateChunks, writeGenerated } from '../src/generate/index.js';

const TARGET = 200_000;
const EVENTS = Number(process.env.KAUDIT_BENCH_EVENTS ?? 1_000_000);
const OPTS = { events: EVENTS, seed: 1, days: 1, end: Date.UTC(2025, 0, 8) / 1000 };

interface Result {
  label: string;
  events: number;
  bytes: number;
  wall: number;
  cpu: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measure(label: string, events: number, body: () => Promise<number> | number): Promise<Result> {
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  const bytes = await body();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - c0;
  const r = { label, events, bytes, wall, cpu };
  console.log(
    `${label.padEnd(22)} ${fmt(events / wall).padStart(10)} events/s ${(bytes / 1e6 / wall).toFixed(0).padStart(5)} MB/s` +
      `   per CPU-second: ${fmt(events / cpu).padStart(10)} events ${(bytes / 1e6 / cpu).toFixed(0).padStart(5)} MB` +
      `   (${(bytes / events).toFixed(0)} B/event, ${wall.toFixed(1)} s)`,
  );
  return r;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function generateOnly(): number {
  let bytes = 0;
  for (const chunk of generateChunks(OPTS)) bytes += Buffer.byteLength(chunk);
  return bytes;
}

async function generateAndWrite(): Promise<number> {
  const out = createWriteStream('/dev/null');
  const r = await writeGenerated(OPTS, out);
  out.end();
  await once(out, 'finish');
  return r.bytes;
}

function baseline(totalBytes: number, events: number): number {
  // One real line of average size, appended the way the generator appends lines.
  let line = '';
  for (const l of generateChunks({ ...OPTS, events: 200 })) line = l.split('\n')[100];
  const pad = Math.max(0, Math.round(totalBytes / events) - line.length - 1);
  line += ' '.repeat(pad);
  let bytes = 0;
  let buf = '';
  for (let i = 0; i < events; i++) {
    buf += line + '\n';
    if (buf.length >= 1 << 20) {
      bytes += Buffer.byteLength(buf);
      buf = '';
    }
  }
  return bytes + Buffer.byteLength(buf);
}

console.log(
  `kaudit generate benchmark: ${fmt(EVENTS)} events over 1 day; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}, node ${process.version}`,
);
// Warm-up so the JIT has compiled the scenario code before timing.
for (const _ of generateChunks({ ...OPTS, events: 50_000 })) void _;

const gen = await measure('generate', EVENTS, generateOnly);
const write = await measure('generate + write', EVENTS, generateAndWrite);
const base = await measure('baseline (fixed line)', EVENTS, () => baseline(gen.bytes, EVENTS));
const rate = gen.events / gen.wall;
const cpuRate = gen.events / gen.cpu;
console.log(
  `generate costs ${(gen.cpu / base.cpu).toFixed(1)}x the baseline's CPU time; ` +
    `target ${fmt(TARGET)} events/s: wall ${rate >= TARGET ? 'MET' : 'NOT MET'} (${fmt(rate)}), ` +
    `per CPU-second ${cpuRate >= TARGET ? 'MET' : 'NOT MET'} (${fmt(cpuRate)}); with write ${fmt(write.events / write.wall)}/s.`,
);
