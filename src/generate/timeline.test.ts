import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredQueue, hourOf, PEOPLE_BY_HOUR, Timeline, totalRate } from './timeline.js';

test('hourOf gives the UTC hour and the weekend', () => {
  // 2025-01-04 was a Saturday, 2025-01-06 a Monday.
  assert.deepEqual(hourOf(Date.UTC(2025, 0, 4, 13, 5) / 1000), { hour: 13, weekend: true });
  assert.deepEqual(hourOf(Date.UTC(2025, 0, 5, 23, 59) / 1000), { hour: 23, weekend: true });
  assert.deepEqual(hourOf(Date.UTC(2025, 0, 6, 0, 0) / 1000), { hour: 0, weekend: false });
});

test('weekday working hours have a higher total rate than nights and weekends', () => {
  assert.equal(PEOPLE_BY_HOUR.length, 24);
  assert.ok(totalRate(10, false) > 1.5 * totalRate(3, false));
  assert.ok(totalRate(10, false) > totalRate(10, true));
});

test('Timeline maps positions to non-decreasing times inside [start, end), denser by day', () => {
  const start = Date.UTC(2025, 0, 6) / 1000; // Monday 00:00
  const end = start + 86400;
  const tl = new Timeline(start, end);
  let last = -Infinity;
  const perHour = new Array(24).fill(0);
  const n = 48000;
  for (let i = 0; i < n; i++) {
    const us = tl.at((i + 0.5) / n);
    assert.ok(us >= last, 'non-decreasing');
    assert.ok(us >= start * 1e6 && us < end * 1e6, 'inside the window');
    last = us;
    perHour[Math.floor((us / 1e6 - start) / 3600)]++;
  }
  // The share of each hour is its rate over the sum of rates (each hour is 60 equal buckets).
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += totalRate(h, false);
  for (const h of [3, 10]) {
    const expected = (n * totalRate(h, false)) / sum;
    assert.ok(Math.abs(perHour[h] - expected) <= 2, `hour ${h}: ${perHour[h]} vs ${expected}`);
  }
  assert.ok(perHour[10] > perHour[3]);
});

test('a window shorter than a minute still works and stays inside', () => {
  const tl = new Timeline(1000, 1030);
  assert.equal(tl.at(0), 1000e6);
  assert.ok(tl.at(0.999999) < 1030e6);
});

test('DeferredQueue pops by time, then in insertion order', () => {
  const q = new DeferredQueue();
  q.push(30, 1, 'c');
  q.push(10, 1, 'a');
  q.push(20, 2, 'b1');
  q.push(20, 1, 'b2');
  q.push(5, 1, 'z');
  assert.equal(q.peekTime(), 5);
  const out: string[] = [];
  while (q.size) out.push(q.pop().line);
  assert.deepEqual(out, ['z', 'a', 'b1', 'b2', 'c']);
  assert.equal(q.peekTime(), Infinity);
});
