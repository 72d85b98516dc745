import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cartesianOption,
  fillBuckets,
  histogramOption,
  mapOption,
  numericColumns,
  pairsOf,
  seriesOf,
  statValue,
} from './charts.js';

test('stat shows the first numeric cell of the first row', () => {
  assert.equal(statValue({ columns: ['label', 'total'], rows: [{ label: 'x', total: 42 }] }), 42);
  assert.equal(statValue({ columns: ['total'], rows: [] }), null);
});

test('numeric columns: every non-NULL value a number (numeric strings count: big integers come as text)', () => {
  const t = {
    columns: ['a', 'b', 'c'],
    rows: [
      { a: 'x', b: 1, c: null },
      { a: 'y', b: '9007199254740993', c: null },
    ],
  };
  assert.deepEqual(numericColumns(t), ['b']);
});

test('long format (time, label, value) pivots into one series per label on a time axis', () => {
  const s = seriesOf({
    columns: ['t', 'verb', 'n'],
    rows: [
      { t: 1795168800, verb: 'get', n: 2 },
      { t: 1795168800, verb: 'list', n: 1 },
      { t: 1795172400, verb: 'get', n: 5 },
    ],
  });
  assert.equal(s.time, true);
  assert.deepEqual(
    s.series.map((x) => [x.name, x.points]),
    [
      [
        'get',
        [
          [1795168800000, 2],
          [1795172400000, 5],
        ],
      ],
      ['list', [[1795168800000, 1]]],
    ],
  );
});

test('wide format (category, a, b) gives one series per numeric column on a category axis', () => {
  const o = cartesianOption('bar', 'Ops', {
    columns: ['kind', 'create', 'delete'],
    rows: [
      { kind: 'Deployment', create: 3, delete: 1 },
      { kind: 'Pod', create: 0, delete: 2 },
    ],
  }) as any;
  // Text categories: horizontal bars, categories on the y axis top-down.
  assert.deepEqual([o.yAxis.type, o.yAxis.inverse, o.yAxis.data], ['category', true, ['Deployment', 'Pod']]);
  assert.equal(o.xAxis.type, 'value');
  assert.deepEqual(
    o.series.map((s: any) => [s.name, s.data]),
    [
      ['create', [3, 0]],
      ['delete', [1, 2]],
    ],
  );
  assert.equal(o.aria.enabled, true);
});

test('pie and map pairs: first text column with the first numeric column; the map sums per feature', () => {
  const t = {
    columns: ['country', 'n'],
    rows: [
      { country: 'US', n: 3 },
      { country: 'United States', n: 2 },
      { country: 'intranet', n: 9 },
    ],
  };
  assert.deepEqual(pairsOf(t), [
    { name: 'US', value: 3 },
    { name: 'United States', value: 2 },
    { name: 'intranet', value: 9 },
  ]);
  const o = mapOption('Where', t, (v) =>
    v === 'US' || v === 'United States' ? 'United States of America' : null,
  ) as any;
  assert.deepEqual(o.series[0].data, [{ name: 'United States of America', value: 5 }]);
  assert.equal(o.visualMap.max, 5);
});

test('a histogram pins its time axis to the searched window', () => {
  const t = { columns: ['t', 'n'], rows: [{ t: 1795168800, n: 2 }] };
  const o = cartesianOption('bar', 'H', t, [1795132800000, 1795219200000]) as any;
  assert.deepEqual([o.xAxis.type, o.xAxis.min, o.xAxis.max], ['time', 1795132800000, 1795219200000]);
  assert.deepEqual(o.series[0].data, [[1795168800000, 2]]);
  assert.equal((cartesianOption('bar', 'H', t) as any).xAxis.min, undefined);
});

test('histogram buckets cover the whole window, zero where nothing matched', () => {
  // Window 10:00–11:00 UTC of 2026-11-20 (1795168800) in 15-minute buckets: 4 bars.
  const b = fillBuckets([{ t: 1795169700, n: 3 }], 1795168800, 1795172400, 900);
  assert.deepEqual(b, [
    { t: 1795168800, n: 0 },
    { t: 1795169700, n: 3 },
    { t: 1795170600, n: 0 },
    { t: 1795171500, n: 0 },
  ]);
  // A window starting inside a bucket starts at that bucket (the query groups by __time__ - __time__ % b).
  assert.deepEqual(
    fillBuckets([], 1795169000, 1795169800, 900).map((x) => x.t),
    [1795168800, 1795169700],
  );
  const o = histogramOption('H', b, (t) => String(t)) as any;
  assert.deepEqual(o.series[0].data, [0, 3, 0, 0]);
  assert.equal(o.xAxis.data.length, 4);
});

test('a row of numbers only (counts per verb of one kind) draws one bar or slice per column', () => {
  const t = {
    columns: ['create', 'update', 'delete', 'get'],
    rows: [{ create: 1, update: 2, delete: 0, get: 2 }],
  };
  const o = cartesianOption('bar', 'Deployments', t) as any;
  assert.deepEqual(o.yAxis.data, ['create', 'update', 'delete', 'get']);
  assert.deepEqual(
    o.series.map((x: any) => x.data),
    [[1, 2, 0, 2]],
  );
  assert.deepEqual(pairsOf(t), [
    { name: 'create', value: 1 },
    { name: 'update', value: 2 },
    { name: 'delete', value: 0 },
    { name: 'get', value: 2 },
  ]);
});

test('numeric names (status codes) name the slices; the value is the next numeric column', () => {
  const t = {
    columns: ['code', 'requests'],
    rows: [
      { code: 200, requests: 24 },
      { code: 403, requests: 6 },
    ],
  };
  assert.deepEqual(pairsOf(t), [
    { name: '200', value: 24 },
    { name: '403', value: 6 },
  ]);
  // One such row stays a code with its count (it is not three numbers of one thing).
  const o = cartesianOption('bar', 'Codes', {
    columns: ['code', 'requests'],
    rows: [{ code: 403, requests: 6 }],
  }) as any;
  assert.deepEqual([o.yAxis.data, o.series[0].data], [['403'], [6]]);
});
