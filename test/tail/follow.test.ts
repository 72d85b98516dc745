// Real processes: a writer appends audit events and rotates the log as kube-apiserver's lumberjack
// does (rename, new file, gzip of the backup later) — or as logrotate's copytruncate does — while
// `kaudit serve --watch` follows it and is SIGKILLed several times mid-stream and restarted. At the
// end the store holds exactly the written events: same count, same auditIDs, no duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbStore } from '../../src/store/duckdb/index.js';
import { auditIdOf } from './events.js';
import { kauditArgv, run, sleep, writerArgv, type Proc } from './procs.js';

async function storedIds(db: string): Promise<{ total: number; ids: string[]; sources: string[] }> {
  const store = await openDuckDbStore({ path: db });
  try {
    const r = await store.querySql(
      `SELECT "auditID", count(*) OVER () AS total FROM kaudit_events ORDER BY "auditID"`,
    );
    const s = await store.querySql(`SELECT DISTINCT __source__ FROM kaudit_events`);
    return {
      total: r.rows.length ? Number(r.rows[0][1]) : 0,
      ids: r.rows.map((x) => String(x[0])),
      sources: s.rows.map((x) => String(x[0])),
    };
  } finally {
    await store.close();
  }
}

/** Events stored so far, asked of the running server (it owns the store file). */
async function storedViaApi(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '* | select count(1) as n' }),
    });
    const body = (await res.json()) as { rows?: unknown[][] };
    return Number(body.rows?.[0]?.[0] ?? -1);
  } catch {
    return -1;
  }
}

/** The committed read position of `log` from the server's /metrics (reading it writes nothing). */
async function checkpointViaMetrics(url: string, log: string): Promise<number> {
  try {
    const res = await fetch(`${url}/metrics`);
    const text = await res.text();
    const line = text.split('\n').find((l) => l.startsWith(`kaudit_checkpoint_offset_bytes{file="${log}"}`));
    return line ? Number(line.split(' ').pop()) : -1;
  } catch {
    return -1;
  }
}

function startServe(db: string, log: string): Proc {
  return run(kauditArgv(['serve', '--db', db, '--port', '0', '--watch', log, '--cluster', 'rot']));
}

async function killLoop(opts: {
  db: string;
  log: string;
  startWriter: () => Proc;
  kills: number;
  expected: number;
}): Promise<{ kills: number; stderr: string; writer: Proc }> {
  let kills = 0;
  let stderr = '';
  let writerDone = false;
  let writer: Proc | null = null;
  // Kill while the writer is still writing (and rotating).
  while (kills < opts.kills) {
    const s = startServe(opts.db, opts.log);
    const url = (await s.line(/listening on (\S+)/))[1];
    if (!writer) {
      // The log is followed from its start: begin writing once the first server is up, and kill it
      // only after it committed a first position (before that there is nothing to resume from).
      writer = opts.startWriter();
      void writer.line(/done \d+/, 120_000).then(() => (writerDone = true));
      const until = Date.now() + 30_000;
      while ((await checkpointViaMetrics(url, opts.log)) <= 0 && Date.now() < until) await sleep(100);
    }
    await sleep(300 + Math.floor(Math.random() * 700));
    s.child.kill('SIGKILL');
    await s.exited;
    stderr += s.stderr;
    kills++;
  }
  // Then let one server finish the job, and stop it cleanly.
  const s = startServe(opts.db, opts.log);
  const url = (await s.line(/listening on (\S+)/))[1];
  const deadline = Date.now() + 90_000;
  // Done when the writer is, the active file is read to its end, and the rotated copies are drained
  // too (the active file's position alone is reached before a copytruncate backup is read).
  const caughtUp = async () =>
    writerDone &&
    (await checkpointViaMetrics(url, opts.log)) === statSync(opts.log).size &&
    (await storedViaApi(url)) >= opts.expected;
  while (!(await caughtUp())) {
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  await sleep(500); // anything beyond the expected count would show up now
  s.child.kill('SIGTERM');
  await s.exited;
  stderr += s.stderr;
  return { kills, stderr, writer: writer! };
}

for (const mode of ['lumberjack', 'copytruncate'] as const) {
  test(
    `${mode} rotation with kill -9 of kaudit serve mid-stream: every event stored exactly once`,
    { timeout: 240_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), `kaudit-follow-${mode}-`));
      const log = join(dir, 'audit.log');
      const db = join(dir, 'store', 'kaudit.duckdb');
      const N = 12_000;
      // ~900-byte events, 600 KiB files: about 18 rotations over ~3 s of writing.
      const startWriter = () =>
        run(
          writerArgv([
            '--path',
            log,
            '--tag',
            mode.slice(0, 4),
            '--count',
            String(N),
            '--max-bytes',
            String(600 * 1024),
            '--per-tick',
            '40',
            '--tick-ms',
            '10',
            '--mode',
            mode,
            ...(mode === 'lumberjack' ? ['--compress'] : []),
          ]),
        );
      let writer: Proc | undefined;
      try {
        const r = await killLoop({ db, log, startWriter, kills: 4, expected: N });
        writer = r.writer;
        const { kills, stderr } = r;
        assert.equal(kills, 4);
        const files = readdirSync(dir);
        if (mode === 'lumberjack') {
          assert.ok(
            files.filter((f) => f.endsWith('.log.gz')).length >= 5,
            `rotated and gzipped: ${files.join(' ')}`,
          );
        } else assert.ok(files.filter((f) => /^audit\.log\.\d+$/.test(f)).length >= 5, files.join(' '));
        const got = await storedIds(db);
        const want = Array.from({ length: N }, (_, i) => auditIdOf(mode.slice(0, 4), i)).sort();
        if (got.total !== N) writeFileSync(join(dir, 'serve.log'), stderr);
        assert.equal(got.total, N, `stored ${got.total} of ${N}; server log in ${dir}/serve.log`);
        assert.deepEqual(got.ids, want);
        assert.deepEqual(got.sources, [log]);
      } finally {
        writer?.child.kill('SIGKILL');
      }
    },
  );
}
