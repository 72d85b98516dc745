// The console's unit tests (web/src/lib/*.test.ts, beside the modules they test) run from source with
// tsx: the root tsc compiles src/, test/ and bench/ only, and web/ has its own tsconfig (DOM lib,
// bundler resolution). This bridge lets `npm test` run them with everything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = process.cwd();
const LIB = resolve(ROOT, 'web', 'src', 'lib');

test('web/src/lib unit tests pass', () => {
  const files = readdirSync(LIB)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(LIB, f));
  assert.ok(files.length >= 6, `expected the console's unit tests in ${LIB}, found ${files.length}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `the console's unit tests failed:\n${r.stdout}\n${r.stderr}`);
});
