// Synthetic kube-apiserver audit traffic (`kaudit generate`, `kaudit demo`, the benchmarks).
//
// The same options give byte-identical output: everything is drawn from one seeded generator
// (random.ts) and the only clock read is the default `end` (now, rounded down to the minute),
// which callers pin for reproducible runs. Events come out in stageTimestamp order, as the log
// backend writes them; see traffic.ts for what is generated and world.ts for how clusters differ.

import { mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Random } from './random.js';
import { buildCluster, buildPeople, type Cluster } from './world.js';
import { CATEGORIES, categoryRates, DeferredQueue, hourOf, Timeline, type Category } from './timeline.js';
import { Emitter, Traffic } from './traffic.js';
import { LineWriter } from './output.js';
import { WeightedTable } from './random.js';

export interface GenerateOptions {
  /** How many events to write (exactly). */
  events: number;
  /** Seed of the random generator (default 1). */
  seed?: number;
  /** Length of the window in days, ending at `end` (default 7). */
  days?: number;
  /** End of the window (exclusive): a Date or unix seconds (default now, rounded down to the minute). */
  end?: Date | number;
  /** How many clusters to simulate (default 1, at most MAX_CLUSTERS). */
  clusters?: number;
}

/** The seed of `kaudit demo`'s fixed demo week. */
export const DEMO_SEED = 20190113;
export const DEMO_EVENTS = 200_000;
export const MAX_CLUSTERS = 200;
export const MAX_EVENTS = 1_000_000_000;

export interface ResolvedOptions {
  events: number;
  seed: number;
  days: number;
  /** unix seconds */
  end: number;
  /** unix seconds */
  start: number;
  clusters: number;
}

/** Checks and completes the options; throws an Error whose message is one sentence for the user. */
export function resolveOptions(opts: GenerateOptions, now = Date.now()): ResolvedOptions {
  const events = opts.events;
  if (!Number.isSafeInteger(events) || events < 0 || events > MAX_EVENTS) {
    throw new RangeError(`events must be a whole number from 0 to ${MAX_EVENTS}, got ${events}.`);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative whole number, got ${seed}.`);
  }
  const days = opts.days ?? 7;
  if (!Number.isFinite(days) || days <= 0 || days > 3650 || Math.round(days * 86400) < 60) {
    throw new RangeError(`days must be between 1 minute (0.0007) and 3650, got ${days}.`);
  }
  const clusters = opts.clusters ?? 1;
  if (!Number.isSafeInteger(clusters) || clusters < 1 || clusters > MAX_CLUSTERS) {
    throw new RangeError(`clusters must be a whole number from 1 to ${MAX_CLUSTERS}, got ${clusters}.`);
  }
  let end: number;
  if (opts.end === undefined) end = Math.floor(now / 60000) * 60;
  else if (opts.end instanceof Date) end = Math.floor(opts.end.getTime() / 1000);
  else end = Math.floor(opts.end);
  if (!Number.isFinite(end) || end <= 0)
    throw new RangeError(`end must be a valid time, got ${String(opts.end)}.`);
  const start = end - Math.round(days * 86400);
  if (start < 0) throw new RangeError('the window starts before 1970; use a later --end or fewer --days.');
  return { events, seed, days, end, start, clusters };
}

/** Cluster ids in the order of `--clusters K`: cluster-1 … cluster-K (file names under `--out DIR`). */
export function clusterIds(clusters: number): string[] {
  return Array.from({ length: clusters }, (_, i) => `cluster-${i + 1}`);
}

/** Target size of one chunk of output text (bytes, which are characters: all output is ASCII). */
const CHUNK_BYTES = 1 << 20;

/**
 * The core loop. Yields the outputs whenever the buffered text is large, where `outputs[i]` holds
 * '\n'-terminated lines (one output when `split` is false, else one per cluster). The caller
 * takes the text out of each before asking for more.
 */
function* run(options: GenerateOptions, split: boolean): Generator<LineWriter[]> {
  const o = resolveOptions(options);
  const rng = new Random(o.seed);
  const clusters: Cluster[] = [];
  for (let i = 1; i <= o.clusters; i++) clusters.push(buildCluster(rng, i, o.start));
  const people = buildPeople(rng);

  const outputs = Array.from(
    { length: split ? o.clusters : 1 },
    // One output takes a whole chunk; per-cluster outputs start small and grow as needed.
    () => new LineWriter(split ? 1 << 16 : CHUNK_BYTES + (1 << 18)),
  );
  const out = split ? (cluster: number) => outputs[cluster - 1] : () => outputs[0];
  // How much text the outputs hold (with one output, its length; else summed now and then).
  let checks = 0;
  const size = split
    ? () => ((++checks & 63) === 0 ? outputs.reduce((n, w) => n + w.length, 0) : 0)
    : () => outputs[0].length;
  const queue = new DeferredQueue();
  const emitter = new Emitter(rng, out, (t, c, line) => queue.push(t, c, line), o.events);
  emitter.startUs = o.start * 1e6;
  emitter.endUs = o.end * 1e6;
  const traffic = new Traffic(emitter, people);

  // Category tables per (UTC hour, weekend).
  const tables: WeightedTable<Category>[] = [];
  for (let h = 0; h < 24; h++) {
    for (const weekend of [false, true]) {
      const r = categoryRates(h, weekend);
      tables[h * 2 + (weekend ? 1 : 0)] = new WeightedTable(
        CATEGORIES,
        CATEGORIES.map((c) => r[c]),
      );
    }
  }

  const timeline = new Timeline(o.start, o.end);
  const n = o.events;
  let lastHourKey = -1;
  let table = tables[0];
  let lastSecond = -1;
  while (emitter.produced < n) {
    const now = timeline.at((emitter.produced + rng.float()) / n);
    emitter.now = now;
    while (queue.size && queue.peekTime() <= now) {
      const d = queue.pop();
      out(d.cluster).text(d.line);
    }
    const second = Math.floor(now / 1e6);
    if (second !== lastSecond) {
      lastSecond = second;
      const { hour, weekend } = hourOf(second);
      const key = hour * 2 + (weekend ? 1 : 0);
      if (key !== lastHourKey) {
        lastHourKey = key;
        table = tables[key];
      }
    }
    const cluster = clusters.length === 1 ? clusters[0] : clusters[Math.floor(rng.float() * clusters.length)];
    emitter.cluster = cluster;
    const category = table.pick(rng.float());
    const scenario = traffic.scenarios[category].pick(rng.float());
    const before = emitter.produced;
    scenario(cluster);
    if (emitter.produced === before && emitter.remaining > 0) {
      // The scenario could not fit (a two-stage request with one event left): a heartbeat always does.
      traffic.scenarios.system.items[0](cluster);
    }
    if (size() >= CHUNK_BYTES) yield outputs;
  }
  while (queue.size) {
    const d = queue.pop();
    out(d.cluster).text(d.line);
    if (size() >= CHUNK_BYTES) yield outputs;
  }
  if (outputs.some((w) => w.length > 0)) yield outputs;
}

/** The events as chunks of many '\n'-terminated JSON lines (fastest form), all clusters interleaved. */
export function* generateChunks(opts: GenerateOptions): Iterable<string> {
  for (const [w] of run(opts, false)) if (w.length) yield w.take();
}

/** generateChunks as bytes (ASCII), for writing to streams without encoding the text again. */
function* generateByteChunks(opts: GenerateOptions): Iterable<Buffer> {
  for (const [w] of run(opts, false)) if (w.length) yield w.takeBytes();
}

/** The events one JSON line at a time (no trailing newline). */
export function* generateLines(opts: GenerateOptions): Iterable<string> {
  for (const chunk of generateChunks(opts)) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      yield chunk.slice(from, nl);
      from = nl + 1;
    }
  }
}

/** Per-cluster chunks: `[clusterIndex0, text]` pairs, each text many '\n'-terminated lines. */
export function* generateClusterChunks(opts: GenerateOptions): Iterable<[number, string]> {
  for (const outputs of run(opts, true)) {
    for (let i = 0; i < outputs.length; i++) if (outputs[i].length) yield [i, outputs[i].take()];
  }
}

async function writeChunk(out: NodeJS.WritableStream, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Writes the events to a stream, waiting for 'drain' when the stream asks. */
export async function writeGenerated(
  opts: GenerateOptions,
  out: NodeJS.WritableStream,
): Promise<{ events: number; bytes: number }> {
  let bytes = 0;
  for (const chunk of generateByteChunks(opts)) {
    bytes += chunk.length;
    await writeChunk(out, chunk);
  }
  return { events: opts.events, bytes };
}

export interface ClusterFile {
  cluster: string;
  path: string;
  events: number;
  bytes: number;
}

/** Writes one file per cluster, `<dir>/<cluster>.log`; creates the directory if needed. */
export async function writeGeneratedToDirectory(
  opts: GenerateOptions,
  dir: string,
): Promise<{ events: number; bytes: number; files: ClusterFile[] }> {
  const o = resolveOptions(opts);
  await mkdir(dir, { recursive: true });
  const ids = clusterIds(o.clusters);
  const files: ClusterFile[] = ids.map((id) => ({
    cluster: id,
    path: join(dir, `${id}.log`),
    events: 0,
    bytes: 0,
  }));
  const streams = files.map((f) => createWriteStream(f.path));
  try {
    for (const [i, chunk] of generateClusterChunks({ ...opts, end: o.end })) {
      let lines = 0;
      for (let p = chunk.indexOf('\n'); p >= 0; p = chunk.indexOf('\n', p + 1)) lines++;
      files[i].events += lines;
      files[i].bytes += Buffer.byteLength(chunk);
      await writeChunk(streams[i], chunk);
    }
  } finally {
    await Promise.all(
      streams.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.end((err?: Error | null) => (err ? reject(err) : resolve()));
          }),
      ),
    );
  }
  return {
    events: files.reduce((a, f) => a + f.events, 0),
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    files,
  };
}
