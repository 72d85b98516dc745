// The generator's output text, written as bytes.
//
// Building each event as a string by concatenation leaves a tree of a few dozen small strings per
// line, and flattening a megabyte of such trees (which any writer must do) cost more than making
// the events. Instead, every line is written straight into a byte buffer: fixed text as bytes
// encoded once, auditIDs and times digit by digit, the rest with one UTF-8 write per string.
// The output is ASCII in practice (Go escapes, and the generator's own names and values are ASCII),
// which lets a chunk be decoded as latin1; a non-ASCII string switches that chunk to UTF-8.

import type { Random } from './random.js';

/**
 * Text encoded once, for copying into lines. It must be ASCII (chunks holding only such bytes are
 * decoded as latin1): anything else is a bug in the generator and fails loudly, not as garbled text.
 */
export function ascii(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  if (b.length !== s.length)
    throw new Error(`internal: generator fixed text is not ASCII: ${s.slice(0, 80)}`);
  return b;
}

const HEX_DIGITS = ascii('0123456789abcdef');
/** '000' … '999' as 3000 digit bytes. */
const THREE_DIGITS = ascii(Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0')).join(''));

/** A growing byte buffer of '\n'-terminated lines, taken out as one string per chunk. */
export class LineWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;
  /** Cached `2006-01-02T` of the day last formatted. */
  private dayPrefix: Uint8Array = new Uint8Array(11);
  private cachedDay = Number.NaN;

  constructor(capacity = 1 << 21) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  text(s: string): void {
    if (s.length === 0) return;
    this.reserve(s.length * 3);
    const n = this.buf.write(s, this.length, 'utf8');
    // As many bytes as UTF-16 units only when every character is ASCII.
    if (n !== s.length) this.ascii = false;
    this.length += n;
  }

  /** Nothing but ASCII written since the last take: latin1 decoding (much faster) is exact. */
  private ascii = true;

  /** Fixed text as bytes, or text made for this line. */
  piece(p: Uint8Array | string): void {
    if (typeof p === 'string') this.text(p);
    else this.bytes(p);
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf[this.length++] = c;
  }

  /**
   * A kube-apiserver MicroTime (`2006-01-02T15:04:05.000000Z`, UTC) from integer microseconds.
   * The date is cached (lines come in time order, deferred ones at most minutes later); the rest
   * is written digit by digit from tables.
   */
  microTime(us: number): void {
    const sec = Math.floor(us / 1e6);
    const day = Math.floor(sec / 86400);
    if (day !== this.cachedDay) {
      this.cachedDay = day;
      this.dayPrefix = ascii(new Date(day * 86400000).toISOString().slice(0, 11));
    }
    this.reserve(27);
    const b = this.buf;
    const o = this.length;
    const prefix = this.dayPrefix;
    for (let i = 0; i < 11; i++) b[o + i] = prefix[i];
    // Integer arithmetic on small ints (`%` and `/` on doubles are slower).
    const inDay = sec - day * 86400;
    const hh = (inDay / 3600) | 0;
    const mm = ((inDay - hh * 3600) / 60) | 0;
    const ss = inDay - hh * 3600 - mm * 60;
    b[o + 11] = THREE_DIGITS[hh * 3 + 1];
    b[o + 12] = THREE_DIGITS[hh * 3 + 2];
    b[o + 13] = 58; // :
    b[o + 14] = THREE_DIGITS[mm * 3 + 1];
    b[o + 15] = THREE_DIGITS[mm * 3 + 2];
    b[o + 16] = 58; // :
    b[o + 17] = THREE_DIGITS[ss * 3 + 1];
    b[o + 18] = THREE_DIGITS[ss * 3 + 2];
    b[o + 19] = 46; // .
    const frac = (us - sec * 1e6) | 0;
    const ms = (frac / 1000) | 0;
    const micro = frac - ms * 1000;
    b[o + 20] = THREE_DIGITS[ms * 3];
    b[o + 21] = THREE_DIGITS[ms * 3 + 1];
    b[o + 22] = THREE_DIGITS[ms * 3 + 2];
    b[o + 23] = THREE_DIGITS[micro * 3];
    b[o + 24] = THREE_DIGITS[micro * 3 + 1];
    b[o + 25] = THREE_DIGITS[micro * 3 + 2];
    b[o + 26] = 90; // Z
    this.length = o + 27;
  }

  /** The lines written so far as one string; the writer starts over. */
  take(): string {
    const s = this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.length);
    this.length = 0;
    this.ascii = true;
    return s;
  }

  /** The lines written so far as a new Buffer (for streams); the writer starts over. */
  takeBytes(): Buffer {
    const b = Buffer.allocUnsafe(this.length);
    this.buf.copy(b, 0, 0, this.length);
    this.length = 0;
    this.ascii = true;
    return b;
  }
}

/**
 * A random (version 4) UUID written into `out` (36 bytes), the form kube-apiserver uses for
 * auditID: the same four draws and the same text as Random.uuid.
 */
export function writeUuid(rng: Random, out: Uint8Array): void {
  const x = rng.u32();
  const y = rng.u32();
  const z = rng.u32();
  const w = rng.u32();
  hex(out, 0, x, 8);
  out[8] = DASH;
  hex(out, 9, y >>> 16, 4);
  out[13] = DASH;
  out[14] = 52; // '4': the version
  hex(out, 15, y & 0xfff, 3);
  out[18] = DASH;
  hex(out, 19, ((0x80 | ((z >>> 24) & 0x3f)) << 8) | ((z >>> 16) & 255), 4); // 8–b: the variant
  out[23] = DASH;
  hex(out, 24, z & 0xffff, 4);
  hex(out, 28, w, 8);
}

const DASH = 45;

/** The low `digits` hex digits of `v`, most significant first. */
function hex(out: Uint8Array, at: number, v: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = HEX_DIGITS[v & 15];
    v >>>= 4;
  }
}
