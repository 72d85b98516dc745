// Looking at an audit log on a node: read the first line and the last complete lines (the apiserver
// writes one JSON event per line, each in one write, ../shared/spec/k8s-audit.md §3; a reader can
// still catch the last line half-written), decode them as kaudit's import does, find the rotated
// files lumberjack left beside it, and estimate how fast the log grows.
import { closeSync, openSync, readSync, readdirSync, statSync, statfsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { decodeLine } from '../event/decode.js';
import { fail, ok, warn, type Check } from './check.js';

export interface DecodedLine {
  /** 1-based position counted from the end of the file (1 = last complete line). */
  fromEnd: number;
  error?: string;
  timeUs?: number;
  apiVersion?: string;
}

export interface RotatedFile {
  name: string;
  size: number;
  compressed: boolean;
  /** Rotation time from the file name (UTC), ms. */
  rotatedAtMs: number;
}

export interface LogInspection {
  path: string;
  size: number;
  /** The last complete lines, newest first. */
  tail: DecodedLine[];
  /** The file ends without a newline: the apiserver is writing, or the last write was cut off. */
  partialLastLine: boolean;
  firstTimeUs?: number;
  newestTimeUs?: number;
  backups: RotatedFile[];
  freeBytes?: number;
}

const MAX_WINDOW = 16 * 1024 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/** The last `count` complete lines (without their newline), newest first, and whether a partial line follows them. */
function tailLines(fd: number, size: number, count: number): { lines: string[]; partial: boolean } {
  let window = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - window);
    const text = readAt(fd, start, size - start).toString('utf8');
    const partial = text.length > 0 && !text.endsWith('\n');
    const parts = text.split('\n');
    parts.pop(); // the part after the last newline: empty, or the partial line
    if (start > 0) parts.shift(); // may begin mid-line
    const lines = parts.filter((l) => l.trim() !== '');
    if (lines.length >= count || start === 0 || window >= MAX_WINDOW) {
      return { lines: lines.slice(-count).reverse(), partial };
    }
    window *= 4;
  }
}

function firstLine(fd: number, size: number): string | undefined {
  let window = 64 * 1024;
  for (;;) {
    const text = readAt(fd, 0, Math.min(size, window)).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl);
    if (window >= size || window >= MAX_WINDOW) return undefined;
    window *= 4;
  }
}

function decoded(line: string, fromEnd: number): DecodedLine {
  const out = decodeLine(line);
  if (out.errors.length > 0 || out.events.length === 0) {
    return { fromEnd, error: out.errors[0] ?? 'the line holds no audit event' };
  }
  const last = out.events[out.events.length - 1];
  return { fromEnd, timeUs: last.timeUs, apiVersion: last.event.apiVersion };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** lumberjack backups of `logPath`: `<name without ext>-<2006-01-02T15-04-05.000><ext>[.gz]` (§3). */
export function rotatedFiles(logPath: string): RotatedFile[] {
  const name = basename(logPath);
  const ext = extname(name);
  const prefix = name.slice(0, name.length - ext.length);
  const re = new RegExp(
    `^${escapeRegExp(prefix)}-(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2})-(\\d{2})-(\\d{2})\\.(\\d{3})${escapeRegExp(ext)}(\\.gz)?$`,
  );
  let names: string[];
  try {
    names = readdirSync(dirname(logPath));
  } catch {
    return [];
  }
  const out: RotatedFile[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (!m) continue;
    let size = 0;
    try {
      size = statSync(join(dirname(logPath), n)).size;
    } catch {
      continue; // deleted by the apiserver's cleanup while we looked
    }
    const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number);
    out.push({
      name: n,
      size,
      compressed: m[8] !== undefined,
      rotatedAtMs: Date.UTC(y, mo - 1, d, h, mi, s, ms),
    });
  }
  return out.sort((a, b) => a.rotatedAtMs - b.rotatedAtMs);
}

/** Reads what doctor needs from a log file. Throws the fs error (ENOENT, EACCES, …) for the caller to report. */
export function inspectLog(path: string, tailCount = 20): LogInspection {
  const st = statSync(path);
  if (!st.isFile()) {
    const err = new Error(`${path} is not a regular file`) as NodeJS.ErrnoException;
    err.code = 'ENOTFILE';
    throw err;
  }
  const fd = openSync(path, 'r');
  try {
    const { lines, partial } = tailLines(fd, st.size, tailCount);
    const tail = lines.map((l, i) => decoded(l, i + 1));
    const first = st.size > 0 ? firstLine(fd, st.size) : undefined;
    const firstDecoded = first !== undefined ? decoded(first, -1) : undefined;
    const times = tail.map((t) => t.timeUs).filter((t): t is number => t !== undefined);
    let freeBytes: number | undefined;
    try {
      const fs = statfsSync(dirname(path));
      freeBytes = fs.bavail * fs.bsize;
    } catch {
      freeBytes = undefined;
    }
    return {
      path,
      size: st.size,
      tail,
      partialLastLine: partial,
      firstTimeUs: firstDecoded?.timeUs,
      newestTimeUs: times.length ? Math.max(...times) : undefined,
      backups: rotatedFiles(path),
      freeBytes,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes per second the log grows: from the current file when it spans at least 10 minutes of events,
 * else from the rotation times of the backups (each rotation wrote about maxsize MB).
 */
export function growthRate(insp: LogInspection, maxSizeMB: number | null): number | undefined {
  const span =
    insp.firstTimeUs !== undefined && insp.newestTimeUs !== undefined
      ? (insp.newestTimeUs - insp.firstTimeUs) / 1e6
      : 0;
  if (span >= 600 && insp.size > 0) return insp.size / span;
  const b = insp.backups;
  if (maxSizeMB !== null && b.length >= 2) {
    const seconds = (b[b.length - 1].rotatedAtMs - b[0].rotatedAtMs) / 1000;
    if (seconds > 0) return (maxSizeMB * 1024 * 1024 * (b.length - 1)) / seconds;
  }
  if (span >= 60 && insp.size > 0) return insp.size / span;
  return undefined;
}

function ago(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Freshness: newest event at most 5 min old is ok, up to 1 h a warning, older a failure. */
export const FRESH_WARN_SECONDS = 5 * 60;
export const FRESH_FAIL_SECONDS = 60 * 60;

/** The checks of an inspected log: format (JSON audit events) and freshness. */
export function logChecks(insp: LogInspection, nowMs: number): Check[] {
  const checks: Check[] = [];
  const rotated = insp.backups.length
    ? `, ${insp.backups.length} rotated file(s) (${insp.backups.filter((b) => b.compressed).length} compressed)`
    : '';
  checks.push(ok('log.file', `${insp.path} is readable (${(insp.size / 1048576).toFixed(1)} MB${rotated})`));
  if (insp.tail.length === 0) {
    checks.push(
      warn(
        'log.format',
        `${insp.path} holds no complete event yet`,
        'send a request (kubectl get ns) and check again; if it stays empty, the policy may log nothing (kaudit policy simulate)',
      ),
    );
    return checks;
  }
  const bad = insp.tail.find((t) => t.error);
  if (bad) {
    const which = bad.fromEnd === 1 ? 'the last line' : `line ${bad.fromEnd} from the end`;
    checks.push(
      fail(
        'log.format',
        `${which} of ${insp.path} is not an audit event: ${bad.error}`,
        /legacy/.test(bad.error!)
          ? 'set --audit-log-format=json'
          : 'make sure --audit-log-path names the apiserver audit log and nothing else writes to it',
      ),
    );
  } else {
    const versions = [...new Set(insp.tail.map((t) => t.apiVersion ?? 'no apiVersion'))].join(', ');
    checks.push(ok('log.format', `the last ${insp.tail.length} line(s) are JSON audit events (${versions})`));
  }
  if (insp.newestTimeUs !== undefined) {
    const age = (nowMs - insp.newestTimeUs / 1000) / 1000;
    if (age < -FRESH_WARN_SECONDS) {
      checks.push(
        warn(
          'log.fresh',
          `the newest event is ${ago(-age)} in the future`,
          'check the clocks of this node and the apiserver (timedatectl; NTP)',
        ),
      );
    } else if (age > FRESH_FAIL_SECONDS) {
      checks.push(
        fail(
          'log.fresh',
          `the newest event is ${ago(age)} old: the apiserver is not writing this log`,
          'check that kube-apiserver runs with this --audit-log-path (crictl ps; its logs) and that the policy logs something',
        ),
      );
    } else if (age > FRESH_WARN_SECONDS) {
      checks.push(
        warn(
          'log.fresh',
          `the newest event is ${ago(age)} old`,
          'a busy apiserver logs every few seconds; check it is running and the policy is not dropping most requests',
        ),
      );
    } else {
      checks.push(ok('log.fresh', `the newest event is ${ago(Math.max(0, age))} old`));
    }
  }
  return checks;
}
