// The file source against real files in a temporary directory, with an in-memory sink that records
// every row it is handed (so a re-delivery would show as a duplicate id).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { FileSource, MemoryCheckpointStore, type FileSourceOptions } from './index.js';
import type { IngestRow, RejectRecord } from '../../store/store.js';
import { BackpressureError } from '../sink.js';
import { auditIdOf, eventLine } from '../../../test/tail/events.js';

class RecordingSink {
  rows: IngestRow[] = [];
  failNext = 0;
  write(rows: IngestRow[]) {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new BackpressureError(0.05));
    }
    this.rows.push(...rows);
    return Promise.resolve({ stored: rows.length, duplicates: 0 });
  }
  auditIds(): string[] {
    return this.rows.map((r) => (JSON.parse(r.raw) as { auditID: string }).auditID);
  }
}

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lines(tag: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += eventLine(tag, i) + '\n';
  return s;
}

function ids(tag: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => auditIdOf(tag, from + i));
}

function setup(tc: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-tail-'));
  const sink = new RecordingSink();
  const checkpoints = new MemoryCheckpointStore();
  const notices: string[] = [];
  const errors: string[] = [];
  const rejects: RejectRecord[] = [];
  const sources: FileSource[] = [];
  // Stop every source even when an assertion failed, or the test process would never exit.
  tc.after(async () => {
    for (const s of sources) await s.stop();
  });
  const make = (patterns: string[], extra: Partial<FileSourceOptions> = {}) => {
    const src = new FileSource({
      patterns,
      startAt: 'beginning',
      cluster: 'c1',
      sink,
      checkpoints,
      pollMs: 30,
      onNotice: (m) => notices.push(m),
      onError: (m) => errors.push(m),
      onRejects: (r) => {
        rejects.push(...r);
      },
      ...extra,
    });
    sources.push(src);
    return src;
  };
  return { dir, sink, checkpoints, notices, errors, rejects, make };
}

test('reads whole lines only: a half-written last line waits for its newline', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  const third = eventLine('p', 2);
  writeFileSync(log, lines('p', 0, 2) + third.slice(0, 40));
  const src = t.make([log]);
  await src.start();
  await waitFor('two events', () => t.sink.rows.length === 2);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(t.sink.rows.length, 2, 'the partial line must not be read');
  assert.equal(t.rejects.length, 0);
  appendFileSync(log, third.slice(40) + '\n');
  await waitFor('three events', () => t.sink.rows.length === 3);
  await src.stop();
  assert.deepEqual(t.sink.auditIds(), ids('p', 0, 3));
  const cp = t.checkpoints.files.get(log)!;
  assert.equal(cp.offset, Buffer.byteLength(lines('p', 0, 3)));
  assert.equal(cp.line, 3);
  assert.equal(t.sink.rows[0].source, log);
  assert.equal(t.sink.rows[0].cluster, 'c1');
});

test('a restart resumes at the checkpoint: nothing is delivered twice', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  writeFileSync(log, lines('r', 0, 50));
  const a = t.make([log]);
  await a.start();
  await waitFor('50', () => t.sink.rows.length === 50);
  await a.stop();
  appendFileSync(log, lines('r', 50, 70));
  const b = t.make([log]);
  await b.start();
  await waitFor('70', () => t.sink.rows.length === 70);
  await new Promise((r) => setTimeout(r, 100));
  await b.stop();
  assert.deepEqual(t.sink.auditIds(), ids('r', 0, 70));
});

test('rename rotation while running: the old file is drained before the new one is read', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  writeFileSync(log, lines('l', 0, 10));
  const src = t.make([log], { pollMs: 300 });
  await src.start();
  await waitFor('10', () => t.sink.rows.length === 10);
  // Within one poll interval: more lines into the old file, rename it away, create the new file.
  appendFileSync(log, lines('l', 10, 20));
  const backup = join(t.dir, 'audit-2026-11-23T10-00-00.000.log');
  renameSync(log, backup);
  writeFileSync(log, lines('l', 20, 25));
  // The mill compresses the backup and deletes it; the open descriptor still reads it.
  writeFileSync(backup + '.gz', gzipSync(readFileSync(backup)));
  rmSync(backup);
  await waitFor('25', () => t.sink.rows.length === 25);
  await src.stop();
  assert.deepEqual(t.sink.auditIds(), ids('l', 0, 25), 'all events, in file order, once');
  assert.equal(src.status().stats.rotations, 1);
});

test('rotated (and gzipped) while stopped: resumes inside the .gz, then later backups, then the active file', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  writeFileSync(log, lines('g', 0, 10));
  const a = t.make([log]);
  await a.start();
  await waitFor('10', () => t.sink.rows.length === 10);
  await a.stop();
  // While kaudit is down: 5 more lines, two rotations, the first backup gzipped.
  appendFileSync(log, lines('g', 10, 15));
  const b1 = join(t.dir, 'audit-2099-01-01T00-00-00.000.log');
  renameSync(log, b1);
  writeFileSync(b1 + '.gz', gzipSync(readFileSync(b1)));
  rmSync(b1);
  writeFileSync(log, lines('g', 15, 30));
  renameSync(log, join(t.dir, 'audit-2099-01-01T00-00-01.000.log'));
  writeFileSync(log, lines('g', 30, 33));
  // An older backup from before the checkpoint must not be read again.
  writeFileSync(join(t.dir, 'audit-2000-01-01T00-00-00.000.log'), lines('old', 0, 5));
  const b = t.make([log]);
  await b.start();
  await waitFor('33', () => t.sink.rows.length === 33);
  await new Promise((r) => setTimeout(r, 150));
  await b.stop();
  assert.deepEqual(t.sink.auditIds(), ids('g', 0, 33));
});

test('copytruncate: the copy is read from the offset, then the truncated file from its start', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  writeFileSync(log, lines('c', 0, 10));
  const src = t.make([log], { pollMs: 300 });
  await src.start();
  await waitFor('10', () => t.sink.rows.length === 10);
  appendFileSync(log, lines('c', 10, 14)); // written after the last read, before the copy
  copyFileSync(log, log + '.1');
  truncateSync(log, 0);
  appendFileSync(log, lines('c', 14, 16));
  await waitFor('16', () => t.sink.rows.length === 16);
  await new Promise((r) => setTimeout(r, 400));
  await src.stop();
  assert.deepEqual(t.sink.auditIds(), ids('c', 0, 16));
  assert.equal(src.status().stats.truncations, 1);
});

test('--start-at end skips existing lines only where there is no checkpoint; later files start at 0', async (tc) => {
  const t = setup(tc);
  mkdirSync(join(t.dir, 'n1'));
  const first = join(t.dir, 'n1', 'audit.log');
  writeFileSync(first, lines('e', 0, 5) + eventLine('e', 99).slice(0, 30));
  const src = t.make([join(t.dir, '*', 'audit.log')], { startAt: 'end' });
  await src.start();
  // The half line at the end is where reading starts (its rest arrives later).
  appendFileSync(first, eventLine('e', 99).slice(30) + '\n' + lines('e', 5, 7));
  mkdirSync(join(t.dir, 'n2'));
  writeFileSync(join(t.dir, 'n2', 'audit.log'), lines('f', 0, 3));
  await waitFor('6', () => t.sink.rows.length === 6);
  await new Promise((r) => setTimeout(r, 150));
  await src.stop();
  assert.deepEqual(
    t.sink.auditIds().sort(),
    [auditIdOf('e', 99), ...ids('e', 5, 7), ...ids('f', 0, 3)].sort(),
  );
});

test('bad input: rejects with line numbers; an unreadable path is reported while others are followed', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  const dirPath = join(t.dir, 'notafile.log');
  mkdirSync(dirPath);
  writeFileSync(log, eventLine('b', 0) + '\nthis is not json\n{"truncated":\n' + eventLine('b', 1) + '\n');
  const src = t.make([log, dirPath, join(t.dir, 'later.log')]);
  await src.start();
  await waitFor('2', () => t.sink.rows.length === 2);
  await src.stop();
  assert.deepEqual(
    t.rejects.map((r) => r.line),
    [2, 3],
  );
  assert.ok(
    t.errors.some((e) => e.includes(dirPath) && /directory/.test(e)),
    t.errors.join('\n'),
  );
  assert.ok(t.notices.some((n) => n.includes('later.log') && /does not exist yet/.test(n)));
  assert.ok(src.status().stats.errors >= 1);
});

test('backpressure from the sink: the batch is retried, nothing is lost or skipped', async (tc) => {
  const t = setup(tc);
  const log = join(t.dir, 'audit.log');
  writeFileSync(log, lines('bp', 0, 20));
  t.sink.failNext = 3;
  const src = t.make([log]);
  await src.start();
  await waitFor('20', () => t.sink.rows.length === 20);
  await src.stop();
  assert.deepEqual(t.sink.auditIds(), ids('bp', 0, 20));
});
