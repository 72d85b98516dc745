#!/usr/bin/env node
// Entry point of the `kaudit` command: the compiled CLI lives in dist/ (built by `npm ci` via `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kaudit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
