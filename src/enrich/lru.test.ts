import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from './lru.js';

test('evicts the least recently used entry when full', () => {
  const cache = new LruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // a is now the most recent
  cache.set('c', 3); // evicts b
  assert.equal(cache.has('b'), false);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.equal(cache.size, 2);
});

test('caches null values distinctly from absence', () => {
  const cache = new LruCache<string, string | null>(4);
  cache.set('x', null);
  assert.equal(cache.has('x'), true);
  assert.equal(cache.get('x'), null);
  assert.equal(cache.get('y'), undefined);
});

test('overwriting a key does not evict another', () => {
  const cache = new LruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('a', 10);
  assert.equal(cache.get('b'), 2);
  assert.equal(cache.get('a'), 10);
});

test('refuses a capacity below one', () => {
  assert.throws(() => new LruCache(0), RangeError);
});
