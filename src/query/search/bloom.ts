// A per-event token Bloom filter: the full-text index of the search statement.
//
// Scanning `_text` for a token reads every event's whole text (about 0.9 GB per million events, more
// than a second on two cores). Instead each stored event can carry a 512-bit Bloom filter of the
// tokens of its `_text`, split in BLOOM_WORDS 64-bit words (one column each). A token sets two bits
// in one word chosen by its hash ("blocked" Bloom filter), so testing a token reads one 8-byte
// column, and only the few events whose word has both bits go on to the exact token-boundary test
// on `_text`. A Bloom filter has no false negatives: an event whose `_text` holds the token always
// passes, so results are exactly those of the plain scan; false positives only cost time.
//
// With about 60 distinct tokens per audit event, each word holds ~8 tokens (~15 of 64 bits set) and
// a token absent from an event passes with probability ~5%.
//
// Ingest computes `bloomWords(_text)` for every event (the exact text stored in `_text`); the
// renderer uses `tokenBloomMask` for tokens without wildcards when the store has the columns.
import { isDelimiter } from './tokens.js';

/** Number of 64-bit words (columns) in an event's filter. */
export const BLOOM_WORDS = 8;

/** Column names of the filter words, in order (`_text_bloom_0` … `_text_bloom_7`, UBIGINT). */
export const BLOOM_COLUMNS: readonly string[] = Array.from(
  { length: BLOOM_WORDS },
  (_, i) => `_text_bloom_${i}`,
);

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Second hash: a murmur3 finaliser of the first (FNV-1a over UTF-16 code units). */
function secondHash(h: number): number {
  let g = (h ^ 0x9e3779b9) >>> 0;
  g ^= g >>> 16;
  g = Math.imul(g, 0x85ebca6b);
  g ^= g >>> 13;
  g = Math.imul(g, 0xc2b2ae35);
  g ^= g >>> 16;
  return g >>> 0;
}

function hashes(token: string): [number, number] {
  let h = FNV_OFFSET;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
  h >>>= 0;
  return [h, secondHash(h)];
}

/** Which word a token lives in and the mask of its two bits there. */
export function tokenBloomMask(token: string): { word: number; mask: bigint } {
  const [h, g] = hashes(token);
  const word = h % BLOOM_WORDS;
  const b1 = (h >>> 8) & 63;
  const b2 = g & 63;
  return { word, mask: (1n << BigInt(b1)) | (1n << BigInt(b2)) };
}

/**
 * The filter of a text (already lower-cased, as `_text` is): every token between delimiters sets its
 * bits. Returns BLOOM_WORDS unsigned 64-bit words.
 */
export function bloomWords(text: string): bigint[] {
  // Hash while scanning (no substrings); setting a bit twice is harmless, so no de-duplication.
  // Bits accumulate in 32-bit halves (fast number arithmetic) and become bigints at the end.
  const lo = new Uint32Array(BLOOM_WORDS);
  const hi = new Uint32Array(BLOOM_WORDS);
  let h = FNV_OFFSET;
  let inToken = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const code = i < n ? text.charCodeAt(i) : 10; // a final delimiter ends the last token
    if (code < 128 && ASCII_DELIMITER[code] === 1) {
      if (!inToken) continue;
      const u = h >>> 0;
      const word = u % BLOOM_WORDS;
      const b1 = (u >>> 8) & 63;
      const b2 = secondHash(u) & 63;
      if (b1 < 32) lo[word] |= 1 << b1;
      else hi[word] |= 1 << (b1 - 32);
      if (b2 < 32) lo[word] |= 1 << b2;
      else hi[word] |= 1 << (b2 - 32);
      h = FNV_OFFSET;
      inToken = false;
    } else {
      h = Math.imul(h ^ code, FNV_PRIME);
      inToken = true;
    }
  }
  const out: bigint[] = [];
  for (let w = 0; w < BLOOM_WORDS; w++) out.push((BigInt(hi[w]) << 32n) | BigInt(lo[w]));
  return out;
}

/** 1 for the code points of the (all-ASCII) delimiter set. */
const ASCII_DELIMITER = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_DELIMITER[c] = isDelimiter(String.fromCharCode(c)) ? 1 : 0;
