// Grammar-based fuzzing of the query engine (issue 3, point 4): generated and mutated SLS queries
// really execute against a small store, in a child process watched from here. The property: the
// process never crashes or hangs, and every query ends in rows or a clear error (classify.ts).
//
// Time-bounded: 20 s by default (CI); KAUDIT_FUZZ_SECONDS extends it. KAUDIT_FUZZ_SEED replays a
// run (the seed is printed). KAUDIT_FUZZ_STRICT=1 also fails on compiler gaps (SQL that DuckDB
// cannot bind). KAUDIT_FUZZ_REPORT=1 prints every distinct error signature with an example query.
// KAUDIT_FUZZ_REPORT_DIR=DIR: on a hang, the child writes a Node diagnostic report there and is left
// alive for a minute (its pid in DIR/hang-PID.pid) so native stacks can be taken with gdb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerMessage } from './runner.js';

const seconds = Number(process.env.KAUDIT_FUZZ_SECONDS ?? 20);
const seed = Number(process.env.KAUDIT_FUZZ_SEED ?? Date.now() % 2 ** 31);
const strict = process.env.KAUDIT_FUZZ_STRICT === '1';
const report = process.env.KAUDIT_FUZZ_REPORT === '1';
/** DuckDB interrupts a query after this long (a slow query is an orderly QueryError, not a hang). */
const PER_QUERY_TIMEOUT_MS = 3000;
/** No answer from the child for this long after a query started: it hangs. */
const HANG_MS = 20_000;

type Summary = Extract<RunnerMessage, { type: 'summary' }>;

function runFuzzer(): Promise<{ summary?: Summary; problem?: string }> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const runner = fileURLToPath(new URL(`./runner${ext}`, import.meta.url));
  const child = fork(runner, [String(seed), String(seconds * 1000), String(PER_QUERY_TIMEOUT_MS)], {
    // With KAUDIT_FUZZ_REPORT_DIR, SIGUSR2 makes the child write a diagnostic report.
    execArgv: [
      ...process.execArgv,
      ...(process.env.KAUDIT_FUZZ_REPORT_DIR
        ? [
            '--report-on-signal',
            '--report-signal=SIGUSR2',
            `--report-directory=${process.env.KAUDIT_FUZZ_REPORT_DIR}`,
          ]
        : []),
    ],
    // A small memory limit keeps a runaway query from taking the machine (it must fail cleanly).
    env: { ...process.env, KAUDIT_MEMORY_LIMIT: '512MB', KAUDIT_THREADS: '2' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    let current: string | undefined;
    /** The last queries started, for the report of a hang or a crash (state may carry over). */
    const recent: string[] = [];
    let startedAt = 0;
    let summary: Summary | undefined;
    let settled = false;
    const finish = (result: { summary?: Summary; problem?: string }) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(result);
    };
    const watchdog = setInterval(() => {
      if (current !== undefined && Date.now() - startedAt > HANG_MS) {
        if (process.env.KAUDIT_FUZZ_REPORT_DIR) {
          child.kill('SIGUSR2');
          writeFileSync(join(process.env.KAUDIT_FUZZ_REPORT_DIR, `hang-${child.pid}.pid`), String(child.pid));
        }
        setTimeout(() => child.kill('SIGKILL'), process.env.KAUDIT_FUZZ_REPORT_DIR ? 60_000 : 0);
        finish({
          problem: `hang: no answer ${HANG_MS} ms after starting the query ${JSON.stringify(current)}; the queries before it: ${JSON.stringify(recent.slice(0, -1))}`,
        });
      }
    }, 500);
    child.on('message', (message: RunnerMessage) => {
      if (message.type === 'start') {
        current = message.query;
        startedAt = Date.now();
        recent.push(message.query);
        if (recent.length > 5) recent.shift();
      } else if (message.type === 'end') {
        current = undefined;
      } else {
        summary = message;
      }
    });
    child.on('exit', (code, signal) => {
      if (code === 0 && summary) finish({ summary });
      else
        finish({
          summary,
          problem: `the fuzz process died (exit ${code}, signal ${signal})${current !== undefined ? ` while running ${JSON.stringify(current)}; the queries before it: ${JSON.stringify(recent.slice(0, -1))}` : ''}`,
        });
    });
  });
}

test(
  `fuzz: generated and mutated queries end in rows or a clear error (${seconds} s, seed ${seed})`,
  { timeout: seconds * 3000 + 60_000 },
  async () => {
    const { summary, problem } = await runFuzzer();
    if (summary) {
      const { runs, counts, samples } = summary;
      console.log(`fuzz seed ${seed}: ${runs} queries — ${JSON.stringify(counts)}`);
      const shown = report ? Infinity : 5;
      for (const kind of ['bug', 'gap', 'runtime'] as const) {
        for (const s of samples[kind].slice(0, shown)) {
          console.log(`  [${kind} ×${s.count}] ${s.message}\n      query: ${JSON.stringify(s.query)}`);
        }
      }
      if (report) for (const s of samples.refused) console.log(`  [refused ×${s.count}] ${s.message}`);
    }
    assert.equal(problem, undefined, problem);
    assert.ok(summary, 'the fuzz process sent its summary');
    assert.ok(summary.runs > 0, 'at least one query ran');
    // The generator must mostly produce queries that run, or the fuzzer tests only error paths.
    assert.ok(
      summary.counts.rows > summary.runs * 0.1,
      `too few queries ran to rows: ${JSON.stringify(summary.counts)}`,
    );
    assert.equal(summary.failure, undefined, `fast-check found a bug:\n${summary.failure}`);
    assert.equal(summary.counts.bug, 0);
    if (strict) assert.equal(summary.counts.gap, 0, 'compiler gaps (KAUDIT_FUZZ_STRICT=1)');
  },
);
