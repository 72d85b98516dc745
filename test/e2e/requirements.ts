// Suites that need a system dependency (a browser, a ClickHouse server, chdb) skip with a printed
// reason when it is missing, except under KAUDIT_E2E=required (CI), where a missing dependency is a
// failure: a green CI run then means the suite really ran.
import type { TestContext } from 'node:test';

export function e2eRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KAUDIT_E2E === 'required';
}

/**
 * Returns true when the test may go on. Otherwise skips it with `reason` (printed), or fails it
 * under KAUDIT_E2E=required.
 */
export function requireOrSkip(t: TestContext, available: boolean, reason: string): boolean {
  if (available) return true;
  if (e2eRequired()) throw new Error(`${reason} (KAUDIT_E2E=required: this suite must run)`);
  process.stderr.write(`skipped: ${reason}\n`);
  t.skip(reason);
  return false;
}
