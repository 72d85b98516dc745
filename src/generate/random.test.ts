import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, WeightedTable } from './random.js';

test('the same seed gives the same sequence; a different seed a different one', () => {
  const a = new Random(42);
  const b = new Random(42);
  const c = new Random(43);
  const sa = Array.from({ length: 100 }, () => a.u32());
  const sb = Array.from({ length: 100 }, () => b.u32());
  const sc = Array.from({ length: 100 }, () => c.u32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  // Seeds above 2^32 are not folded onto small seeds.
  assert.notEqual(new Random(1).u32(), new Random(2 ** 32 + 1).u32());
});

test('int stays in its inclusive range and reaches both ends; float is in [0, 1)', () => {
  const r = new Random(7);
  const seen = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const v = r.int(3, 9);
    assert.ok(v >= 3 && v <= 9 && Number.isInteger(v));
    seen.add(v);
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
  }
  assert.equal(seen.size, 7);
});

test('uuid has the version-4 layout and does not repeat', () => {
  const r = new Random(1);
  const ids = new Set<string>();
  for (let i = 0; i < 20000; i++) {
    const id = r.uuid();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 20000);
});

test('suffix uses the Kubernetes name alphabet (no vowels, no 0/1/3)', () => {
  const r = new Random(5);
  for (let i = 0; i < 200; i++) assert.match(r.suffix(5), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('WeightedTable picks in proportion to the weights', () => {
  const t = new WeightedTable(['a', 'b', 'c'], [1, 3, 0]);
  const r = new Random(9);
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 40000; i++) counts[t.pick(r.float())]++;
  assert.equal(counts.c, 0);
  // Expected 10000 / 30000; allow 3% either way.
  assert.ok(Math.abs(counts.a - 10000) < 300, `a=${counts.a}`);
  assert.ok(Math.abs(counts.b - 30000) < 300, `b=${counts.b}`);
  assert.throws(() => new WeightedTable(['x'], [0]), /positive total/);
});
