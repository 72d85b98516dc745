#!/usr/bin/env node
// Entry point of the `kaudit` command: the compiled CLI lives in dist/ (built by `npm ci` via `prepare`).
import { main } from '../dist/src/cli/main.js';

// A closed pipe (`kaudit … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kaudit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
