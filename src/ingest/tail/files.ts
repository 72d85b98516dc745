// The files behind a followed path: fingerprints (which file is this, whatever its name now), the
// rotated backups lumberjack leaves beside it (k8s-audit.md §3: `<base>-<UTC 2006-01-02T15-04-05.000><ext>`
// and, with --audit-log-compress, `… .gz`), and readers over an open descriptor — plain files by
// position, gzip backups through gunzip — so a file keeps being readable after it is renamed,
// compressed or deleted.
import { createHash } from 'node:crypto';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** How many leading bytes identify a file (a complete audit event line is usually longer). */
export const FINGERPRINT_BYTES = 1024;

export interface Fingerprint {
  hash: string;
  bytes: number;
}

export function fingerprintOf(head: Buffer): Fingerprint {
  return { hash: createHash('sha1').update(head).digest('hex'), bytes: head.length };
}

/** Reads up to `max` bytes from the start of an open plain file. */
export async function readHead(fh: FileHandle, max: number): Promise<Buffer> {
  const buf = Buffer.alloc(max);
  let got = 0;
  while (got < max) {
    const { bytesRead } = await fh.read(buf, got, max - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Reads up to `max` bytes from the start of the decompressed content of an open gzip file. */
export async function readGzipHead(fh: FileHandle, max: number): Promise<Buffer | null> {
  const reader = new GzipReader(fh);
  try {
    const chunks: Buffer[] = [];
    let got = 0;
    while (got < max) {
      const c = await reader.next(max - got);
      if (!c) break;
      chunks.push(c);
      got += c.length;
    }
    return Buffer.concat(chunks);
  } catch {
    // An incomplete .gz (the mill is still writing it) or a corrupt one.
    return null;
  } finally {
    reader.destroy();
  }
}

/** True when the first `fp.bytes` bytes of `head` have the fingerprint `fp`. */
export function matchesFingerprint(head: Buffer | null, fp: Fingerprint): boolean {
  if (!head || head.length < fp.bytes) return false;
  return fingerprintOf(head.subarray(0, fp.bytes)).hash === fp.hash;
}

export function isGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A lumberjack backup of an active file. */
export interface Backup {
  path: string;
  /** Rotation time from the name, ms since the epoch (UTC). */
  rotatedAt: number;
  compressed: boolean;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/;

function stampToMs(stamp: string): number | null {
  const m = STAMP.exec(stamp);
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
}

/**
 * Parses `name` as a lumberjack backup of `activeName` (both base names): `audit.log` →
 * `audit-2024-01-15T10-20-30.123.log[.gz]`; `audit` → `audit-<ts>[.gz]`.
 */
export function parseBackupName(activeName: string, name: string): Omit<Backup, 'path'> | null {
  const ext = extname(activeName);
  const prefix = activeName.slice(0, activeName.length - ext.length) + '-';
  if (!name.startsWith(prefix)) return null;
  let rest = name.slice(prefix.length);
  let compressed = false;
  if (rest.endsWith('.gz')) {
    compressed = true;
    rest = rest.slice(0, -3);
  }
  if (ext) {
    if (!rest.endsWith(ext)) return null;
    rest = rest.slice(0, -ext.length);
  }
  const ms = stampToMs(rest);
  return ms === null ? null : { rotatedAt: ms, compressed };
}

/** Any name that looks like a lumberjack backup (`…-<ts>[.ext][.gz]`), whatever its active file. */
export function looksLikeBackup(name: string): boolean {
  return /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}(\.[^.]*)?(\.gz)?$/.test(name);
}

/**
 * The backups of an active path, oldest first. A `.gz` whose uncompressed twin still exists is left
 * out: the mill writes the `.gz` and only then deletes the original, so the `.gz` may be incomplete.
 */
export async function listBackups(activePath: string): Promise<Backup[]> {
  const dir = dirname(activePath);
  const active = basename(activePath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const present = new Set(names);
  const out: Backup[] = [];
  for (const name of names) {
    const b = parseBackupName(active, name);
    if (!b) continue;
    if (b.compressed && present.has(name.slice(0, -3))) continue;
    out.push({ path: join(dir, name), ...b });
  }
  return out.sort((a, b) => a.rotatedAt - b.rotatedAt || a.path.localeCompare(b.path));
}

/**
 * Copies a copytruncate rotation may have left (logrotate: `audit.log.1`, `audit.log-20240115`,
 * possibly `.gz`), i.e. siblings whose name starts with the active name and a `.` or `-`.
 */
export async function listCopies(activePath: string): Promise<string[]> {
  const dir = dirname(activePath);
  const active = basename(activePath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.length > active.length && n.startsWith(active) && /^[.-]/.test(n.slice(active.length)))
    .map((n) => join(dir, n));
}

/** Sequential reads from an open file: plain files by position, gzip through a decompressor. */
export interface ContentReader {
  /** Next bytes from the current position, at most `max`; null at the end. */
  next(max: number): Promise<Buffer | null>;
  destroy(): void;
}

export class PlainReader implements ContentReader {
  constructor(
    private readonly fh: FileHandle,
    private position: number,
  ) {}
  async next(max: number): Promise<Buffer | null> {
    const buf = Buffer.allocUnsafe(max);
    const { bytesRead } = await this.fh.read(buf, 0, max, this.position);
    if (bytesRead === 0) return null;
    this.position += bytesRead;
    return buf.subarray(0, bytesRead);
  }
  destroy(): void {}
}

/** Decompresses a gzip file from its open descriptor (the file may already be deleted). */
export class GzipReader implements ContentReader {
  private iter: AsyncIterator<Buffer>;
  private left: Buffer | null = null;
  private readonly stream;
  private readonly raw;

  constructor(fh: FileHandle) {
    // Positioned reads of the caller's descriptor (a FileHandle read stream would take it over).
    const raw = Readable.from(
      (async function* () {
        let pos = 0;
        for (;;) {
          const buf = Buffer.allocUnsafe(1 << 20);
          const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
          if (!bytesRead) return;
          pos += bytesRead;
          yield buf.subarray(0, bytesRead);
        }
      })(),
      { objectMode: false },
    );
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    this.raw = raw;
    this.stream = raw.pipe(gunzip);
    this.iter = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async next(max: number): Promise<Buffer | null> {
    let chunk = this.left;
    this.left = null;
    if (!chunk) {
      const r = await this.iter.next();
      if (r.done) return null;
      chunk = r.value;
    }
    if (chunk.length > max) {
      this.left = chunk.subarray(max);
      return chunk.subarray(0, max);
    }
    return chunk;
  }

  /** Skips `n` bytes of decompressed content; returns how many were skipped (less at the end). */
  async skip(n: number): Promise<number> {
    let done = 0;
    while (done < n) {
      const c = await this.next(Math.min(n - done, 1 << 20));
      if (!c) break;
      done += c.length;
    }
    return done;
  }

  destroy(): void {
    this.raw.unpipe();
    this.raw.destroy();
    this.stream.destroy();
  }
}

export async function openReadOnly(path: string): Promise<FileHandle> {
  return open(path, 'r');
}
