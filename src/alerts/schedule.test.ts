import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRun, parseSchedule, parseWindow, scheduleInterval, windowAt } from './schedule.js';

// 2024-05-01T10:07:30Z
const T = Date.UTC(2024, 4, 1, 10, 7, 30) / 1000;

test('intervals run on multiples of the interval', () => {
  const s = parseSchedule('5m');
  assert.deepEqual(s, { kind: 'interval', seconds: 300, text: '5m' });
  assert.equal(nextRun(s, T), Date.UTC(2024, 4, 1, 10, 10, 0) / 1000);
  // strictly after: at 10:10:00 the next is 10:15:00
  assert.equal(nextRun(s, Date.UTC(2024, 4, 1, 10, 10, 0) / 1000), Date.UTC(2024, 4, 1, 10, 15, 0) / 1000);
  assert.equal(nextRun(parseSchedule('30s'), T), T + 30);
});

test('cron runs at minute precision in the query time zone', () => {
  const s = parseSchedule({ cron: '*/15 * * * *' });
  assert.equal(nextRun(s, T), Date.UTC(2024, 4, 1, 10, 15, 0) / 1000);
  const daily = parseSchedule({ cron: '0 9 * * *' });
  // 09:00 in Shanghai (UTC+8) is 01:00Z; after 10:07Z the next is tomorrow 01:00Z.
  assert.equal(nextRun(daily, T, 'Asia/Shanghai'), Date.UTC(2024, 4, 2, 1, 0, 0) / 1000);
  assert.equal(nextRun(daily, T, 'UTC'), Date.UTC(2024, 4, 2, 9, 0, 0) / 1000);
  assert.equal(scheduleInterval(s, 'UTC', T), 900);
});

test('bad schedules are refused with the reason', () => {
  assert.throws(() => parseSchedule('5'), /duration/);
  assert.throws(() => parseSchedule('0s'), /at least 1s/);
  assert.throws(() => parseSchedule({ cron: '* * * * * *' }), /5 fields/);
  assert.throws(() => parseSchedule({ cron: '61 * * * *' }), /invalid/);
});

test('relative windows: [now-delay+from, now-delay+to)', () => {
  const s = parseSchedule('1m');
  const w = parseWindow({ from: '-5m', to: 'now', delay: '30s' }, s);
  assert.deepEqual(windowAt(w, T), { from: T - 30 - 300, to: T - 30 });
  const w2 = parseWindow({ from: '-1h', to: '-10m' }, s);
  assert.deepEqual(windowAt(w2, T), { from: T - 3600, to: T - 600 });
  // default: one interval ending 30s ago
  assert.deepEqual(windowAt(parseWindow(undefined, parseSchedule('5m')), T), {
    from: T - 30 - 300,
    to: T - 30,
  });
});

test('aligned windows: the last whole period before now-delay', () => {
  const s = parseSchedule('1h');
  const w = parseWindow({ align: '1h', delay: '30s' }, s);
  // 10:07:00 → the hour 09:00–10:00
  assert.deepEqual(windowAt(w, T), {
    from: Date.UTC(2024, 4, 1, 9, 0, 0) / 1000,
    to: Date.UTC(2024, 4, 1, 10, 0, 0) / 1000,
  });
  // at 10:00:10 with a 30s delay, 09:59:40 is still in the hour 09–10, so the window is 08–09.
  assert.deepEqual(windowAt(w, Date.UTC(2024, 4, 1, 10, 0, 10) / 1000), {
    from: Date.UTC(2024, 4, 1, 8, 0, 0) / 1000,
    to: Date.UTC(2024, 4, 1, 9, 0, 0) / 1000,
  });
  // a whole day in Shanghai: 2024-05-01 00:00+08 = 2024-04-30T16:00Z; at 10:07Z it is 18:07 local on May 1,
  // so the last whole local day is April 30 local = [04-29T16:00Z, 04-30T16:00Z).
  const d = parseWindow({ align: '1d' }, s);
  assert.deepEqual(windowAt(d, T, 'Asia/Shanghai'), {
    from: Date.UTC(2024, 3, 29, 16, 0, 0) / 1000,
    to: Date.UTC(2024, 3, 30, 16, 0, 0) / 1000,
  });
});

test('bad windows are refused with the reason', () => {
  const s = parseSchedule('1m');
  assert.throws(() => parseWindow({ from: '5m' }, s), /relative to now/);
  assert.throws(() => parseWindow({ from: 'now', to: '-5m' }, s), /earlier/);
  assert.throws(() => parseWindow({ align: '1h', from: '-5m' }, s), /both/);
});
