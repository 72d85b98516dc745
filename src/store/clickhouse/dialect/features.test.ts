// What the dialect may use, by server release (lower bounds from the ClickHouse changelog).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialectFeatures } from './features.js';

test('Debian 18.16 runs searches without JSON paths; 20.1 adds paths and hasToken; 23.8 the SQL', () => {
  assert.deepEqual(dialectFeatures({ version: '18.16.1' }), {
    jsonExtract: false,
    hasToken: false,
    sqlPushdown: false,
  });
  assert.deepEqual(dialectFeatures({ version: '20.1.2.4' }), {
    jsonExtract: true,
    hasToken: true,
    sqlPushdown: false,
  });
  assert.equal(dialectFeatures({ version: '23.7.6.111' }).sqlPushdown, false);
  assert.equal(dialectFeatures({ version: '23.8.1.1' }).sqlPushdown, true);
  assert.deepEqual(dialectFeatures({ version: '26.7.2.1' }), {
    jsonExtract: true,
    hasToken: true,
    sqlPushdown: true,
  });
});
