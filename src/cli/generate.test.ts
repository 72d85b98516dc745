import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateOptionsFromFlags } from './generate.js';
import { UserError } from './errors.js';

const NOW = Date.UTC(2025, 0, 8, 10, 30, 45, 500);

test('flags become generator options; --end defaults to now rounded down to the minute', () => {
  assert.deepEqual(generateOptionsFromFlags({ events: '1000' }, NOW), {
    events: 1000,
    seed: undefined,
    days: undefined,
    end: Date.UTC(2025, 0, 8, 10, 30) / 1000,
    clusters: undefined,
  });
  const o = generateOptionsFromFlags(
    { events: '5', seed: '7', days: '0.5', end: '2025-01-01T00:00:00Z', clusters: '3' },
    NOW,
  );
  assert.deepEqual(o, { events: 5, seed: 7, days: 0.5, end: 1735689600, clusters: 3 });
  // A local time is read in --timezone: midnight in Shanghai is 16:00 UTC the day before.
  assert.equal(
    generateOptionsFromFlags({ events: '1', end: '2025-01-01 00:00:00', timezone: 'Asia/Shanghai' }, NOW).end,
    1735689600 - 8 * 3600,
  );
  assert.equal(generateOptionsFromFlags({ events: '1', end: '-1h' }, NOW).end, Math.floor(NOW / 1000) - 3600);
});

test('bad flags are one-sentence user errors naming the flag', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ events: 'ten' }, /^--events "ten" is not a whole number/],
    [{ events: '-5' }, /^--events "-5"/],
    [{ events: '10', seed: '1.5' }, /^--seed "1.5"/],
    [{ events: '10', clusters: '0' }, /^--clusters "0"/],
    [{ events: '10', days: 'week' }, /^--days "week"/],
    [{ events: '10', days: '0.0001' }, /^--days "0.0001"/],
    [{ events: '10', end: 'soon' }, /^--end "soon" is not a time/],
  ];
  for (const [flags, message] of cases) {
    assert.throws(
      () => generateOptionsFromFlags(flags as { events: string }, NOW),
      (err: unknown) => err instanceof UserError && message.test(err.message),
      JSON.stringify(flags),
    );
  }
});
