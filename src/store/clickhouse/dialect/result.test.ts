// ClickHouse answers in the DuckDB store's result form (types by DuckDB name, plain JS values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickHouseResult, clickHouseValue, duckTypeName } from './result.js';

test('ClickHouse types by their DuckDB names', () => {
  assert.equal(duckTypeName('Nullable(Int64)'), 'BIGINT');
  assert.equal(duckTypeName('LowCardinality(Nullable(String))'), 'VARCHAR');
  assert.equal(duckTypeName("DateTime64(6, 'Asia/Shanghai')"), 'TIMESTAMP');
  assert.equal(duckTypeName('DateTime'), 'TIMESTAMP');
  assert.equal(duckTypeName('Date'), 'DATE');
  assert.equal(duckTypeName('UInt8'), 'INTEGER');
  assert.equal(duckTypeName('UInt64'), 'UBIGINT');
  assert.equal(duckTypeName('Float64'), 'DOUBLE');
  assert.equal(duckTypeName('Bool'), 'BOOLEAN');
  assert.equal(duckTypeName('Array(Nullable(Float64))'), 'DOUBLE[]');
  assert.equal(duckTypeName('Map(String, UInt64)'), 'MAP(VARCHAR, UBIGINT)');
  assert.equal(duckTypeName('Decimal(18, 3)'), 'DECIMAL(18, 3)');
});

test('quoted 64-bit integers become numbers, beyond 2^53 bigints', () => {
  assert.equal(clickHouseValue('1714557600000000', 'Int64'), 1714557600000000);
  assert.equal(clickHouseValue('18446744073709551615', 'UInt64'), 18446744073709551615n);
  assert.equal(clickHouseValue(null, 'Nullable(Int64)'), null);
  assert.equal(clickHouseValue(7, 'UInt8'), 7);
});

test('floats: ±inf and nan arrive as text', () => {
  assert.equal(clickHouseValue('inf', 'Float64'), Infinity);
  assert.equal(clickHouseValue('-inf', 'Float64'), -Infinity);
  assert.ok(Number.isNaN(clickHouseValue('nan', 'Float64') as number));
  assert.equal(clickHouseValue(0.5, 'Float64'), 0.5);
});

test('nested values convert element by element', () => {
  assert.deepEqual(clickHouseValue(['1', null, '3'], 'Array(Nullable(Int64))'), [1, null, 3]);
  assert.deepEqual(clickHouseValue({ get: '2', list: '1' }, 'Map(String, UInt64)'), { get: 2, list: 1 });
  const r = clickHouseResult({
    meta: [
      { name: 'verb', type: 'LowCardinality(Nullable(String))' },
      { name: 'n', type: 'UInt64' },
    ],
    data: [['get', '2']],
  });
  assert.deepEqual(r, {
    columns: [
      { name: 'verb', type: 'VARCHAR' },
      { name: 'n', type: 'UBIGINT' },
    ],
    rows: [['get', 2]],
  });
});
