// The per-event token Bloom filter must never lose a token (no false negatives), and its hash is
// the standard FNV-1a, so filters written by one kaudit version are read the same by the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BLOOM_COLUMNS, BLOOM_WORDS, bloomWords, tokenBloomMask } from './bloom.js';
import { DEFAULT_DELIMITERS } from './tokens.js';

const has = (words: bigint[], token: string): boolean => {
  const { word, mask } = tokenBloomMask(token);
  return (words[word] & mask) === mask;
};

test('word and first bit come from FNV-1a 32 (test vector: "a" → 0xe40c292c)', () => {
  // 0xe40c292c % 8 = 0x2c % 8 = 4; bits 8.. of the hash: 0x29 & 63 = 41.
  const { word, mask } = tokenBloomMask('a');
  assert.equal(word, 4);
  assert.equal((mask >> 41n) & 1n, 1n);
  // "foobar" → 0xbf9cf968: word 0x68 % 8 = 0, first bit 0xf9 & 63 = 57.
  const fb = tokenBloomMask('foobar');
  assert.equal(fb.word, 0);
  assert.equal((fb.mask >> 57n) & 1n, 1n);
  assert.equal(BLOOM_COLUMNS.length, BLOOM_WORDS);
});

test('every token of a text is in its filter; the filter of an empty text is empty', () => {
  const words = bloomWords('{"user":{"username":"system:node:worker-1"},"verb":"get"}');
  for (const t of ['user', 'username', 'system', 'node', 'worker-1', 'verb', 'get'])
    assert.ok(has(words, t), t);
  assert.deepEqual(bloomWords(''), new Array(BLOOM_WORDS).fill(0n));
  assert.deepEqual(bloomWords(',,:: \n'), new Array(BLOOM_WORDS).fill(0n));
  // Exactly the two bits of one token.
  const one = bloomWords('alice');
  const { word, mask } = tokenBloomMask('alice');
  one.forEach((w, i) => assert.equal(w, i === word ? mask : 0n));
});

test('property: no false negatives for any tokens joined by any delimiters', () => {
  const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-_*|#\\é中'.split(''));
  const token = fc.array(tokenChar, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
  const delims = fc.array(fc.constantFrom(...DEFAULT_DELIMITERS.split('')), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(fc.array(fc.tuple(token, delims), { minLength: 1, maxLength: 80 }), (parts) => {
      const text = parts.map(([t, d]) => t + d.join('')).join('');
      const words = bloomWords(text);
      return parts.every(([t]) => has(words, t));
    }),
    { numRuns: 300 },
  );
});
