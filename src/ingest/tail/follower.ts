// Following one path by name, the way a log agent does (k8s-audit.md §3 "Ingestion advice"):
// - the file is identified by device + inode and a fingerprint of its first bytes, not by its name;
// - when the name points to another file (lumberjack renamed the old one and created a new one), the
//   old descriptor is read to its end first — it stays readable after the mill gzips or deletes it —
//   then any backups rotated after it (several rotations may happen while kaudit is busy or down),
//   then the new file from its start;
// - when the same file shrinks below the offset, or its first bytes change (copytruncate), the copy
//   the rotation left (`audit.log.1`, maybe gzipped) is read from the offset, then the file from 0;
// - only whole lines are read; a half-written last line waits for its newline;
// - the checkpoint moves only after the rows before it are durable (the `deliver` callback resolved).
import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Checkpoint } from './checkpoint.js';
import {
  FINGERPRINT_BYTES,
  GzipReader,
  fingerprintOf,
  isGzipMagic,
  listBackups,
  listCopies,
  matchesFingerprint,
  openReadOnly,
  readGzipHead,
  readHead,
  type Backup,
  type Fingerprint,
} from './files.js';
import { splitRecords, type TextRecord } from './lines.js';

/** Bytes read per step. */
export const READ_CHUNK = 4 << 20;
/** A line longer than this is rejected (the import path's limit for one event). */
export const MAX_LINE_BYTES = 10 << 20;

/** One open file being read. */
interface Tracked {
  fh: FileHandle;
  name: string;
  device: number;
  inode: number;
  compressed: boolean;
  gz: GzipReader | null;
  offset: number;
  line: number;
  fp: Fingerprint;
  activeAt: number;
  /** Rotated away: nothing more will be written; read to the end, unterminated last line included. */
  final: boolean;
  /** Bytes read past `offset` that do not yet form a complete record. */
  carry: Buffer;
  /** Inside a line longer than MAX_LINE_BYTES: drop bytes up to the next newline. */
  skipping: boolean;
  size: number;
}

export interface FollowerContext {
  /** Decodes and delivers records; resolves once they are durable (retries inside). */
  deliver(
    path: string,
    records: TextRecord[],
    oversize: { line: number; bytes: number; raw: string }[],
  ): Promise<void>;
  saveCheckpoint(path: string, cp: Checkpoint): Promise<void>;
  loadCheckpoint(path: string): Promise<Checkpoint | undefined>;
  notice(msg: string): void;
  error(path: string, msg: string): void;
  counted(what: 'rotations' | 'truncations' | 'bytesRead', n?: number): void;
  now(): number;
}

export interface FollowerStatus {
  path: string;
  pattern: string;
  state: 'waiting' | 'following' | 'draining';
  /** The file read now (the path itself, or a rotated backup being drained). */
  file: string | null;
  device: number | null;
  inode: number | null;
  offset: number;
  size: number;
  /** Bytes written but not read yet (active file only). */
  lagBytes: number;
  /** Rotated files still to read before the active one. */
  pendingFiles: number;
}

function errnoMessage(path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return `${path} is not readable by this user; fix its permissions (the apiserver creates it 0600) or run kaudit as a user that can read it`;
    case 'EISDIR':
      return `${path} is a directory; watch the audit log file inside it (e.g. ${path}/audit.log) or a glob`;
    default:
      return `${path} could not be read (${err.code ?? err.message}); kaudit keeps retrying`;
  }
}

export class Follower {
  private cur: Tracked | null = null;
  private queue: Tracked[] = [];
  private initialized = false;
  private waitingNoticed = false;

  constructor(
    readonly path: string,
    readonly pattern: string,
    private readonly ctx: FollowerContext,
    /** Where to start when there is no checkpoint: 'end' only for files present at the first scan. */
    private readonly startAt: 'beginning' | 'end',
    /** The path was named explicitly (say so when it does not exist yet). */
    private readonly explicit: boolean,
  ) {}

  status(): FollowerStatus {
    const f = this.queue[0] ?? this.cur;
    return {
      path: this.path,
      pattern: this.pattern,
      state: this.queue.length ? 'draining' : this.cur ? 'following' : 'waiting',
      file: f?.name ?? null,
      device: f?.device ?? null,
      inode: f?.inode ?? null,
      offset: f?.offset ?? 0,
      size: this.cur?.size ?? 0,
      lagBytes: this.cur ? Math.max(0, this.cur.size - this.cur.offset) : 0,
      pendingFiles: this.queue.length,
    };
  }

  /** Does one unit of work; false when there was nothing to do. */
  async step(): Promise<boolean> {
    if (!this.initialized) {
      try {
        await this.init();
      } catch (e) {
        // Try again from scratch next time (e.g. the checkpoint could not be loaded).
        await this.close();
        throw e;
      }
      this.initialized = true;
      return true;
    }
    if (this.queue.length) {
      const f = this.queue[0];
      if (!(await this.readBatch(f))) {
        await this.release(f);
        this.queue.shift();
      }
      return true;
    }
    let st: Stats | null;
    try {
      st = await stat(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.ctx.error(this.path, errnoMessage(this.path, e));
        return false;
      }
      st = null;
    }
    if (!this.cur) {
      if (!st) return false;
      await this.openActive(0);
      return true;
    }
    const cur = this.cur;
    if (!st || st.ino !== cur.inode || st.dev !== cur.device) {
      await this.rotated(st);
      return true;
    }
    cur.activeAt = this.ctx.now();
    if (st.size !== cur.size || cur.fp.bytes < Math.min(FINGERPRINT_BYTES, st.size)) {
      // Append, or truncate-and-rewrite? The first bytes tell.
      const head = await readHead(cur.fh, Math.min(FINGERPRINT_BYTES, st.size));
      if (st.size < cur.offset + cur.carry.length || !matchesFingerprint(head, cur.fp)) {
        await this.truncated(st);
        return true;
      }
      cur.fp = fingerprintOf(head);
      cur.size = st.size;
    }
    if (st.size > cur.offset + cur.carry.length) return this.readBatch(cur);
    return false;
  }

  /** Closes every descriptor. */
  async close(): Promise<void> {
    for (const f of [...this.queue, ...(this.cur ? [this.cur] : [])]) await this.release(f);
    this.queue = [];
    this.cur = null;
  }

  private async init(): Promise<void> {
    const cp = await this.ctx.loadCheckpoint(this.path);
    let st: Stats | null = null;
    try {
      st = await stat(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.ctx.error(this.path, errnoMessage(this.path, e));
      else if (this.explicit && !this.waitingNoticed) {
        this.waitingNoticed = true;
        this.ctx.notice(`${this.path} does not exist yet; waiting for it to appear`);
      }
    }
    if (!cp) {
      if (st) await this.openActive(this.startAt === 'end' ? 'end' : 0);
      return;
    }
    // Is the checkpoint's file still the active one? (Opened before the backups are listed, so a
    // rotation in between leaves it among them rather than skipped.)
    let active: FileHandle | null = null;
    if (st) {
      active = await this.tryOpen(this.path);
      if (active) {
        const head = await readHead(active, cp.fingerprintBytes);
        const fst = await active.stat();
        if (
          fst.ino === cp.inode &&
          fst.dev === cp.device &&
          !cp.compressed &&
          matchesFingerprint(head, { hash: cp.fingerprint, bytes: cp.fingerprintBytes })
        ) {
          this.cur = this.track(active, this.path, fst, cp.offset, cp.line, false);
          this.cur.fp = { hash: cp.fingerprint, bytes: cp.fingerprintBytes };
          this.cur.size = cp.offset;
          return;
        }
      }
    }
    // It was rotated (or truncated) while kaudit was not running: find it, read the rest of it, then
    // everything rotated after it, then the active file.
    const fp = { hash: cp.fingerprint, bytes: cp.fingerprintBytes };
    const backups = await listBackups(this.path);
    const found = await this.findAmong(backups, cp.device, cp.inode, fp);
    let successors: Backup[];
    if (found) {
      await this.seek(found.tracked, cp.offset, cp.line);
      this.queue.push(found.tracked);
      successors = backups.filter((b) => b.rotatedAt > found.backup.rotatedAt);
      this.ctx.notice(
        `${this.path} was rotated while kaudit was stopped; resuming in ${found.backup.path} at byte ${cp.offset}`,
      );
    } else {
      const copy = fp.bytes > 0 ? await this.findCopy(fp, cp.offset) : null;
      if (copy) {
        await this.seek(copy, cp.offset, cp.line);
        this.queue.push(copy);
        await this.queueNewerCopies(copy);
        this.ctx.notice(
          `${this.path} was truncated (copytruncate) while kaudit was stopped; reading the rest from ${copy.name}`,
        );
      } else if (backups.length || st) {
        this.ctx.notice(
          `the file ${cp.name} (inode ${cp.inode}) that ${this.path}'s checkpoint points into is gone; reading the backups rotated since then and the active file from the start (events between may be missing if a backup was deleted)`,
        );
      }
      successors = backups.filter((b) => b.rotatedAt >= cp.activeAt);
    }
    await this.queueBackups(successors, active);
    if (active) await this.openActive(0, active);
  }

  /** Queues backups to read, except the one that is the (already opened) active file. */
  private async queueBackups(backups: Backup[], active: FileHandle | null): Promise<void> {
    const ast = active ? await active.stat() : null;
    for (const b of backups) {
      if (ast && !b.compressed) {
        try {
          const s = await stat(b.path);
          if (s.ino === ast.ino && s.dev === ast.dev) continue;
        } catch {
          /* compressed meanwhile: openBackup reads the .gz */
        }
      }
      const t = await this.openBackup(b);
      if (t) this.queue.push(t);
    }
  }

  private async tryOpen(path: string): Promise<FileHandle | null> {
    try {
      return await openReadOnly(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.ctx.error(this.path, errnoMessage(path, e));
      return null;
    }
  }

  private track(
    fh: FileHandle,
    name: string,
    st: Stats,
    offset: number,
    line: number,
    final: boolean,
  ): Tracked {
    return {
      fh,
      name,
      device: st.dev,
      inode: st.ino,
      compressed: false,
      gz: null,
      offset,
      line,
      fp: { hash: '', bytes: 0 },
      activeAt: this.ctx.now(),
      final,
      carry: Buffer.alloc(0),
      skipping: false,
      size: st.size,
    };
  }

  /** Opens the active file at 0 or at the end of its last complete line. */
  private async openActive(at: 0 | 'end', opened?: FileHandle): Promise<void> {
    const fh = opened ?? (await this.tryOpen(this.path));
    if (!fh) return;
    const fst = await fh.stat();
    if (!fst.isFile()) {
      await fh.close();
      this.ctx.error(this.path, errnoMessage(this.path, { code: fst.isDirectory() ? 'EISDIR' : 'EINVAL' }));
      return;
    }
    const head = await readHead(fh, Math.min(FINGERPRINT_BYTES, fst.size));
    if (isGzipMagic(head)) {
      await fh.close();
      this.ctx.error(
        this.path,
        `${this.path} is gzip-compressed; kaudit follows plain audit logs — read compressed backups with "kaudit import"`,
      );
      return;
    }
    // Line numbers after --start-at end count from where reading began.
    const offset = at === 'end' ? await this.endOfLastLine(fh, fst.size) : 0;
    const t = this.track(fh, this.path, fst, offset, 0, false);
    t.fp = fingerprintOf(head);
    this.cur = t;
    if (this.explicit || at === 'end') {
      this.ctx.notice(`following ${this.path} from ${offset ? `byte ${offset} (its end)` : 'its start'}`);
    }
    // While rotated files wait to be read, the checkpoint must keep pointing into them.
    if (!this.queue.length) await this.checkpoint(t);
  }

  private async endOfLastLine(fh: FileHandle, size: number): Promise<number> {
    let end = size;
    const buf = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
      if (nl !== -1) return start + nl + 1;
      end = start;
    }
    return 0;
  }

  private async openBackup(b: Backup): Promise<Tracked | null> {
    let fh = await this.tryOpen(b.path);
    let name = b.path;
    let compressed = b.compressed;
    if (!fh && !compressed) {
      // Listed a moment ago, gone now: the mill compressed it meanwhile (it writes the .gz first).
      name = `${b.path}.gz`;
      compressed = true;
      fh = await this.tryOpen(name);
    }
    if (!fh) return null;
    const st = await fh.stat();
    const t = this.track(fh, name, st, 0, 0, true);
    if (compressed) {
      const head = await readGzipHead(fh, FINGERPRINT_BYTES);
      if (!head) {
        this.ctx.error(this.path, `${name} is not a complete gzip file; skipping it`);
        await fh.close();
        return null;
      }
      t.compressed = true;
      t.gz = new GzipReader(fh);
      t.fp = fingerprintOf(head);
    } else {
      t.fp = fingerprintOf(await readHead(fh, Math.min(FINGERPRINT_BYTES, st.size)));
    }
    t.activeAt = b.rotatedAt;
    return t;
  }

  /** Finds the file a checkpoint names among backups: by device+inode (plain) or fingerprint (gzip). */
  private async findAmong(
    backups: Backup[],
    device: number,
    inode: number,
    fp: Fingerprint,
  ): Promise<{ backup: Backup; tracked: Tracked } | null> {
    for (const b of backups) {
      let st: Stats;
      try {
        st = await stat(b.path);
      } catch {
        continue;
      }
      if (!b.compressed && !(st.ino === inode && st.dev === device)) continue;
      if (b.compressed && fp.bytes === 0) continue;
      const t = await this.openBackup(b);
      if (!t) continue;
      const head = t.compressed
        ? await readGzipHead(t.fh, fp.bytes)
        : await readHead(t.fh, Math.min(FINGERPRINT_BYTES, t.size));
      if (matchesFingerprint(head, fp)) {
        if (t.compressed) {
          // readGzipHead used its own decompressor; start a fresh one for reading.
          t.gz?.destroy();
          t.gz = new GzipReader(t.fh);
        }
        return { backup: b, tracked: t };
      }
      await this.release(t);
    }
    return null;
  }

  /** A copytruncate copy of the file whose first bytes are `fp`, holding at least `offset` bytes. */
  private async findCopy(fp: Fingerprint, offset: number): Promise<Tracked | null> {
    for (const p of await listCopies(this.path)) {
      const gzName = p.endsWith('.gz');
      const t = await this.openBackup({ path: p, rotatedAt: 0, compressed: gzName });
      if (!t) continue;
      const head = t.compressed ? await readGzipHead(t.fh, fp.bytes) : await readHead(t.fh, fp.bytes);
      if (matchesFingerprint(head, fp) && (t.compressed || t.size >= offset)) {
        if (t.compressed) {
          t.gz?.destroy();
          t.gz = new GzipReader(t.fh);
        }
        return t;
      }
      await this.release(t);
    }
    return null;
  }

  /**
   * After the copy holding the checkpoint: copies made by later copytruncate rotations (while kaudit
   * was stopped, or between two polls), oldest first by modification time, read whole.
   */
  private async queueNewerCopies(found: Tracked): Promise<void> {
    const foundMtime = (await found.fh.stat()).mtimeMs;
    const newer: { path: string; mtime: number }[] = [];
    for (const p of await listCopies(this.path)) {
      if (p === found.name) continue;
      try {
        const st = await stat(p);
        if (st.mtimeMs > foundMtime) newer.push({ path: p, mtime: st.mtimeMs });
      } catch {
        /* gone */
      }
    }
    newer.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
    for (const c of newer) {
      const t = await this.openBackup({ path: c.path, rotatedAt: 0, compressed: c.path.endsWith('.gz') });
      if (t) this.queue.push(t);
    }
  }

  /** Positions a freshly opened tracked file at a checkpoint offset. */
  private async seek(t: Tracked, offset: number, line: number): Promise<void> {
    if (t.compressed && t.gz) {
      try {
        t.offset = await t.gz.skip(offset);
      } catch {
        t.offset = offset;
      }
    } else t.offset = Math.min(offset, t.size);
    t.line = line;
  }

  private async rotated(st: Stats | null): Promise<void> {
    const old = this.cur!;
    this.cur = null;
    old.final = true;
    this.ctx.counted('rotations');
    // Open the new active file before listing the backups: if it is rotated in between, it shows up
    // among them (and is skipped there) instead of being missed.
    const active = st ? await this.tryOpen(this.path) : null;
    const backups = await listBackups(this.path);
    let successors: Backup[];
    let oldBackup: Backup | undefined;
    for (const b of backups) {
      if (b.compressed) continue;
      try {
        const s = await stat(b.path);
        if (s.ino === old.inode && s.dev === old.device) oldBackup = b;
      } catch {
        /* deleted meanwhile */
      }
    }
    if (!oldBackup && old.fp.bytes > 0) {
      for (const b of backups) {
        if (!b.compressed) continue;
        const t = await this.tryOpen(b.path);
        if (!t) continue;
        const head = await readGzipHead(t, old.fp.bytes);
        await t.close();
        if (matchesFingerprint(head, old.fp)) {
          oldBackup = b;
          break;
        }
      }
    }
    if (oldBackup) {
      const at = oldBackup.rotatedAt;
      successors = backups.filter((b) => b.rotatedAt > at);
    } else successors = backups.filter((b) => b.rotatedAt >= old.activeAt);
    this.ctx.notice(
      st
        ? `${this.path} was rotated${oldBackup ? ` to ${oldBackup.path}` : ''}; reading the rest of the old file, then the new one`
        : `${this.path} disappeared; reading the rest of it and waiting for it to come back`,
    );
    this.queue.push(old);
    await this.queueBackups(successors, active);
    if (active) await this.openActive(0, active);
  }

  private async truncated(st: Stats): Promise<void> {
    const cur = this.cur!;
    this.ctx.counted('truncations');
    if (cur.fp.bytes > 0) {
      const copy = await this.findCopy(cur.fp, cur.offset);
      if (copy) {
        await this.seek(copy, cur.offset, cur.line);
        this.queue.push(copy);
        await this.queueNewerCopies(copy);
      }
      this.ctx.notice(
        `${this.path} was truncated (copytruncate)${copy ? `; reading the rest of the copy ${copy.name} first` : ''}, then the file from its start`,
      );
    }
    cur.offset = 0;
    cur.line = 0;
    cur.carry = Buffer.alloc(0);
    cur.skipping = false;
    cur.size = st.size;
    cur.fp = fingerprintOf(await readHead(cur.fh, Math.min(FINGERPRINT_BYTES, st.size)));
    if (!this.queue.length) await this.checkpoint(cur);
  }

  /** Reads, delivers and checkpoints one batch of `f`; false at the end of a final file. */
  private async readBatch(f: Tracked): Promise<boolean> {
    let chunk: Buffer | null;
    try {
      chunk = await this.readMore(f);
    } catch (e) {
      this.ctx.error(
        this.path,
        `${f.name} could not be read (${(e as Error).message}); skipping the rest of it`,
      );
      return false;
    }
    if (chunk) this.ctx.counted('bytesRead', chunk.length);
    const atEnd = !chunk;
    if (atEnd && (!f.final || f.carry.length === 0)) return false;
    let data = chunk ? (f.carry.length ? Buffer.concat([f.carry, chunk]) : chunk) : f.carry;
    const oversize: { line: number; bytes: number; raw: string }[] = [];
    let skipped = 0;
    let skippedLines = 0;
    if (f.skipping) {
      const nl = data.indexOf(10);
      if (nl === -1) {
        f.offset += data.length;
        f.carry = Buffer.alloc(0);
        return !atEnd;
      }
      skipped = nl + 1;
      skippedLines = 1;
      data = data.subarray(nl + 1);
      f.skipping = false;
    }
    const split = splitRecords(data, f.line + skippedLines, f.final && atEnd);
    let rest = data.subarray(split.consumed);
    let lostBytes = 0;
    if (rest.length > MAX_LINE_BYTES && rest.indexOf(10) === -1) {
      // A line without end in sight: reject it and skip to its newline.
      oversize.push({
        line: f.line + skippedLines + split.lines + 1,
        bytes: rest.length,
        raw: rest.subarray(0, 64 * 1024).toString('utf8'),
      });
      lostBytes = rest.length;
      rest = Buffer.alloc(0);
      f.skipping = true;
    }
    await this.ctx.deliver(this.path, split.records, oversize);
    f.offset += skipped + split.consumed + lostBytes;
    f.line += skippedLines + split.lines + (lostBytes ? 1 : 0);
    f.carry = Buffer.from(rest);
    await this.checkpoint(f);
    return !(atEnd && f.final) || f.carry.length > 0;
  }

  /** Up to READ_CHUNK new bytes of `f` (gunzip yields small pieces: gather them); null at the end. */
  private async readMore(f: Tracked): Promise<Buffer | null> {
    if (f.gz) {
      const parts: Buffer[] = [];
      let n = 0;
      while (n < READ_CHUNK) {
        const c = await f.gz.next(READ_CHUNK - n);
        if (!c) break;
        parts.push(c);
        n += c.length;
      }
      return n ? Buffer.concat(parts, n) : null;
    }
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await f.fh.read(buf, 0, READ_CHUNK, f.offset + f.carry.length);
    return bytesRead ? buf.subarray(0, bytesRead) : null;
  }

  private async checkpoint(f: Tracked): Promise<void> {
    await this.ctx.saveCheckpoint(this.path, {
      device: f.device,
      inode: f.inode,
      offset: f.offset,
      line: f.line,
      fingerprint: f.fp.hash,
      fingerprintBytes: f.fp.bytes,
      compressed: f.compressed || undefined,
      name: f.name,
      activeAt: f.activeAt,
      updated: this.ctx.now(),
    });
  }

  private async release(f: Tracked): Promise<void> {
    f.gz?.destroy();
    try {
      await f.fh.close();
    } catch {
      /* already closed */
    }
  }
}
