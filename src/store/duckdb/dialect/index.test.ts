// The DuckDB dialect implements the whole function catalogue, and every function runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUNCTIONS } from '../../../query/functions.js';
import { duckDbDialect } from './index.js';

test('every catalogue function has a DuckDB translation', () => {
  const missing = Object.keys(FUNCTIONS).filter((f) => !duckDbDialect.implementsFunction(f));
  assert.deepEqual(missing, []);
});

test('a search page renders newest first with the base filter', () => {
  const sql = duckDbDialect.renderSearchPage(
    { base: { from: 10, to: 20, cluster: "o'k" }, timezone: 'UTC' },
    { limit: 100, offset: 200 },
  );
  assert.match(sql, /"__time__" >= 10 AND "__time__" < 20 AND "cluster" = 'o''k'/);
  // The boundary of the page is found first, over the first offset + limit events.
  assert.match(
    sql,
    /"_time_us" >= \(SELECT min\("_time_us"\) FROM \(SELECT "_time_us" FROM kaudit_events WHERE .* ORDER BY "_time_us" DESC LIMIT 300\)\)/,
  );
  assert.match(sql, /ORDER BY "_time_us" DESC, "_id" DESC LIMIT 100 OFFSET 200$/);
});
