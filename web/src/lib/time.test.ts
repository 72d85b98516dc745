import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSeconds, fromInputValue, resolveRange, toInputValue } from './time.js';

test('presets end now and reach back their length; the default is 7 days', () => {
  assert.deepEqual(resolveRange({ range: '1h' }, 10_000.7), { from: 6400, to: 10_000 });
  assert.deepEqual(resolveRange({ range: 'nonsense' }, 1_000_000), {
    from: 1_000_000 - 604_800,
    to: 1_000_000,
  });
  assert.deepEqual(resolveRange({ range: 'abs', from: 5, to: 9 }, 1_000_000), { from: 5, to: 9 });
});

test('datetime-local values round-trip through unix seconds; invalid dates are refused', () => {
  const t = fromInputValue('2026-11-20T10:30');
  assert.notEqual(t, null);
  assert.equal(toInputValue(t!), '2026-11-20T10:30');
  assert.equal(fromInputValue('2026-02-30T10:00'), null);
  assert.equal(fromInputValue('yesterday'), null);
});

test('histogram buckets: at most 120 bars', () => {
  assert.equal(bucketSeconds(0, 3600), 60); // 60 one-minute bars
  assert.equal(bucketSeconds(0, 86400), 900); // 96 bars of 15 minutes (600 s would give 144)
  assert.equal(bucketSeconds(0, 7 * 86400), 3 * 3600); // 56 bars (1 h would give 168)
});
