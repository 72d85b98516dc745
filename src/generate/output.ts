// The generator's output text, written as bytes.
//
// Building each event as a string by concatenation leaves a tree of a few dozen small strings per
// line, and flattening a megabyte of such trees (which any writer must do) cost more than making
// the events. Instead, every line is written straight into a byte buffer: fixed text as bytes
// encoded once, auditIDs and times digit by digit, the rest with one latin1 write per string.
// The output is ASCII by construction (Go escapes, and the generator's own names and values are
// ASCII), so latin1 and ASCII give the same bytes as UTF-8.

import type { Random } from './random.js';

/** Text encoded once, for copying into lines. */
export function ascii(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

const HEX_DIGITS = ascii('0123456789abcdef');
/** '000' … '999' as 3000 digit bytes. */
const THREE_DIGITS = ascii(Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0')).join(''));

/** A growing byte buffer of '\n'-terminated lines, taken out as one string per chunk. */
export class LineWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;
  /** Cached `2006-01-02T15:04:05.` of the second last formatted. */
  private readonly secondPrefix = Buffer.alloc(20);
  private cachedSecond = Number.NaN;

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
    this.reserve(s.length);
    this.length += this.buf.write(s, this.length, 'latin1');
  }

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
   * The text up to the second is cached: consecutive events almost always share it.
   */
  microTime(us: number): void {
    const sec = Math.floor(us / 1e6);
    if (sec !== this.cachedSecond) {
      this.cachedSecond = sec;
      this.secondPrefix.write(new Date(sec * 1000).toISOString(), 0, 20, 'latin1');
    }
    this.reserve(27);
    const b = this.buf;
    let o = this.length;
    b.set(this.secondPrefix, o);
    o += 20;
    // Integer arithmetic on small ints (`%` on doubles is a library call).
    const frac = (us - sec * 1e6) | 0;
    const ms = (frac / 1000) | 0;
    const rest = frac - ms * 1000;
    b[o] = THREE_DIGITS[ms * 3];
    b[o + 1] = THREE_DIGITS[ms * 3 + 1];
    b[o + 2] = THREE_DIGITS[ms * 3 + 2];
    b[o + 3] = THREE_DIGITS[rest * 3];
    b[o + 4] = THREE_DIGITS[rest * 3 + 1];
    b[o + 5] = THREE_DIGITS[rest * 3 + 2];
    b[o + 6] = 90; // Z
    this.length = o + 7;
  }

  /** The lines written so far as one string; the writer starts over. */
  take(): string {
    const s = this.buf.toString('latin1', 0, this.length);
    this.length = 0;
    return s;
  }

  /** The lines written so far as a new Buffer (for streams); the writer starts over. */
  takeBytes(): Buffer {
    const b = Buffer.allocUnsafe(this.length);
    this.buf.copy(b, 0, 0, this.length);
    this.length = 0;
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
