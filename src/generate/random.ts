// A small, fast, seeded pseudo-random generator for synthetic audit traffic.
//
// The generator must give byte-identical output for the same inputs on every machine, so it never
// touches Math.random: everything is drawn from sfc32 (Chris Doty-Humphrey's "small fast chaotic"
// generator, 128 bits of state, 32-bit integer arithmetic only), seeded through splitmix32 so that
// nearby seeds (1, 2, 3 …) still start from unrelated states.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789'; // the alphabet Kubernetes uses for generated name suffixes

/** splitmix32 step: a well-mixed 32-bit value from a counter. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // Seeds may be any safe integer: fold the high part in so 2^32 + 1 differs from 1.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = splitmix32(lo);
    this.b = splitmix32(this.a ^ hi);
    this.c = splitmix32(this.b + 0x6a09e667);
    this.d = splitmix32(this.c ^ 0xbb67ae85);
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /**
   * A log-uniform value in [lo, hi]: many small values, a few large ones (latencies, durations).
   * Uses exp/log, which V8 computes with its own fdlibm port, so results are the same everywhere.
   */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(this.float() * Math.log(hi / lo));
  }

  /** A random (version 4) UUID, the form kube-apiserver uses for auditID and object uids. */
  uuid(): string {
    const x = this.u32();
    const y = this.u32();
    const z = this.u32();
    const w = this.u32();
    // A 256-entry table stays in cache; larger tables were slower in the full generator.
    return (
      HEX[x >>> 24] +
      HEX[(x >>> 16) & 255] +
      HEX[(x >>> 8) & 255] +
      HEX[x & 255] +
      '-' +
      HEX[y >>> 24] +
      HEX[(y >>> 16) & 255] +
      '-4' +
      HEX[(y >>> 8) & 15].slice(1) +
      HEX[y & 255] +
      '-' +
      HEX[0x80 | ((z >>> 24) & 0x3f)] +
      HEX[(z >>> 16) & 255] +
      '-' +
      HEX[(z >>> 8) & 255] +
      HEX[z & 255] +
      HEX[w >>> 24] +
      HEX[(w >>> 16) & 255] +
      HEX[(w >>> 8) & 255] +
      HEX[w & 255]
    );
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) {
      const v = this.u32();
      s += HEX[v >>> 24] + HEX[(v >>> 16) & 255] + HEX[(v >>> 8) & 255] + HEX[v & 255];
    }
    return s.slice(0, n);
  }

  /** A generated-name suffix such as a pod's `-7d9f8` (Kubernetes' consonant+digit alphabet). */
  suffix(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(this.float() * ALNUM.length)];
    return s;
  }
}

/**
 * Picks from a fixed weighted table in O(log n). Built once; `pick` takes a float in [0, 1) so the
 * caller decides which generator stream it comes from.
 */
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new Error('WeightedTable needs one weight per item and at least one item.');
    }
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      if (!(weights[i] >= 0)) throw new Error(`WeightedTable weight ${i} is not a non-negative number.`);
      sum += weights[i];
      this.cumulative[i] = sum;
    }
    if (sum <= 0) throw new Error('WeightedTable needs a positive total weight.');
    this.total = sum;
  }

  pick(u: number): T {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
