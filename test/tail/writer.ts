// A writer process for the real-process tests: appends audit events the way kube-apiserver's log
// backend does (k8s-audit.md §3: one write(2) per line) and rotates like its logger:
// - lumberjack: when the next line would push the file past --max-bytes, close it, rename it to
//   `<base>-<UTC 2006-01-02T15-04-05.000><ext>`, create a new file and write the line there; the
//   "mill" gzips the backup a little later and deletes the original (--compress);
// - copytruncate (logrotate's mode): copy the file to `<name>.<n>` and truncate it in place.
// Usage: node writer.js --path P --tag T --count N [--from K] [--max-bytes B] [--per-tick E]
//        [--tick-ms MS] [--mode lumberjack|copytruncate] [--compress]
// Prints "done <count>" when every line is written.
import {
  closeSync,
  copyFileSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { eventLine } from './events.js';

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) {
    if (def === undefined) throw new Error(`writer: --${name} is required`);
    return def;
  }
  return process.argv[i + 1];
}

const path = arg('path');
const tag = arg('tag');
const count = Number(arg('count'));
const from = Number(arg('from', '0'));
const maxBytes = Number(arg('max-bytes', String(1 << 20)));
const perTick = Number(arg('per-tick', '50'));
const tickMs = Number(arg('tick-ms', '10'));
const mode = arg('mode', 'lumberjack');
const compress = process.argv.includes('--compress');

let fd = openSync(path, 'a', 0o600);
let size = statSync(path).size;
let lastMs = 0;
let copies = 0;

function backupName(): string {
  // Distinct names even for two rotations in the same millisecond.
  const t = Math.max(Date.now(), lastMs + 1);
  lastMs = t;
  const stamp = new Date(t).toISOString().slice(0, 23).replace(/:/g, '-');
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${stamp}${ext}`);
}

function rotate(): void {
  if (mode === 'copytruncate') {
    copies++;
    copyFileSync(path, `${path}.${copies}`);
    // The descriptor is O_APPEND: the next write lands at the new end (0).
    truncateSync(path, 0);
    size = 0;
    return;
  }
  closeSync(fd);
  const backup = backupName();
  renameSync(path, backup);
  fd = openSync(path, 'w', 0o600);
  size = 0;
  if (compress) {
    // The mill runs later, asynchronously.
    setTimeout(() => {
      writeFileSync(backup + '.gz', gzipSync(readFileSync(backup)));
      rmSync(backup);
    }, 200);
  }
}

let seq = from;
const end = from + count;
const tick = () => {
  for (let i = 0; i < perTick && seq < end; i++, seq++) {
    const line = eventLine(tag, seq) + '\n';
    const n = Buffer.byteLength(line);
    if (size + n > maxBytes) rotate();
    writeSync(fd, line);
    size += n;
  }
  if (seq < end) setTimeout(tick, tickMs);
  else {
    closeSync(fd);
    // Let a pending mill finish before saying done.
    setTimeout(() => process.stdout.write(`done ${count}\n`), 400);
  }
};
tick();
