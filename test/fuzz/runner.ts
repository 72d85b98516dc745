// The fuzzer's child process: opens a small store, then runs generated queries through runQuery
// until its time is up, telling the parent before and after each one (so the parent can tell a
// hang from a slow run, and a native crash from a failure) and finally sending a summary.
// Started by query.fuzz.test.ts with fork(); argv: seed, milliseconds, per-query timeout ms.
import fc from 'fast-check';
import { runQuery } from '../../src/query/run.js';
import { storeWithEvents } from '../../src/store/duckdb/testing.js';
import { SANDBOX_EVENTS } from '../sandbox/events.js';
import { classify, signature, type OutcomeKind } from './classify.js';
import { fuzzQuery } from './grammar.js';

export type RunnerMessage =
  | { type: 'start'; query: string }
  | { type: 'end' }
  | {
      type: 'summary';
      runs: number;
      counts: Record<OutcomeKind, number>;
      /** A few examples per distinct message signature, for the report. */
      samples: Record<OutcomeKind, { signature: string; query: string; message: string; count: number }[]>;
      /** fast-check's report of the (shrunk) first bug, if any. */
      failure?: string;
    };

function send(message: RunnerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [seedText, msText, timeoutText] = process.argv.slice(2);
  const seed = Number(seedText);
  const timeLimit = Number(msText);
  const perQueryTimeout = Number(timeoutText);
  const store = await storeWithEvents(SANDBOX_EVENTS);
  const counts: Record<OutcomeKind, number> = { rows: 0, refused: 0, runtime: 0, gap: 0, bug: 0 };
  const bySignature = new Map<
    string,
    { kind: OutcomeKind; signature: string; query: string; message: string; count: number }
  >();
  let runs = 0;
  let failure: string | undefined;

  // fast-check's time limit stops *waiting* for the property, not the query inside it: the query
  // still in flight must finish before the store closes (closing a DuckDB connection under a
  // running query deadlocks the process at exit).
  let inflight: Promise<unknown> = Promise.resolve();
  const property = fc.asyncProperty(fuzzQuery, async (query) => {
    send({ type: 'start', query });
    let outcome;
    const run = runQuery(store, query, { timezone: 'Asia/Shanghai' }, { timeoutMs: perQueryTimeout });
    inflight = run.catch(() => undefined);
    try {
      await run;
      outcome = { kind: 'rows' as const };
    } catch (error) {
      outcome = classify(error);
    }
    send({ type: 'end' });
    runs++;
    counts[outcome.kind]++;
    if (outcome.message !== undefined) {
      const key = `${outcome.kind}:${signature(outcome.message)}`;
      const seen = bySignature.get(key);
      if (seen) seen.count++;
      else
        bySignature.set(key, {
          kind: outcome.kind,
          signature: key,
          query,
          message: outcome.message,
          count: 1,
        });
    }
    return outcome.kind !== 'bug';
  });

  try {
    await fc.assert(property, {
      seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: timeLimit,
      markInterruptAsFailure: false,
      // Shrinking re-runs queries; keep it bounded so a failure is still reported in time.
      skipAllAfterTimeLimit: timeLimit * 2,
    });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  await inflight;

  const samples: Record<OutcomeKind, { signature: string; query: string; message: string; count: number }[]> =
    {
      rows: [],
      refused: [],
      runtime: [],
      gap: [],
      bug: [],
    };
  for (const entry of bySignature.values()) samples[entry.kind].push(entry);
  for (const list of Object.values(samples)) list.sort((a, b) => b.count - a.count);
  send({ type: 'summary', runs, counts, samples, failure });
  await store.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fuzz runner failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
