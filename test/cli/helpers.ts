// Helpers for end-to-end tests that run the real `kaudit` binary.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepo(start: string): string {
  let d = start;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

export const REPO = findRepo(import.meta.dirname);

/** Runs `kaudit ARGS` (the built bin/kaudit.js) and returns its output. */
export function kaudit(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(REPO, 'bin', 'kaudit.js'), ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...process.env, ...opts.env },
    timeout: 120_000,
  });
}
