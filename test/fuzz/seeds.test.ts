// The fuzzer's seed queries (the documented ACK queries) must themselves run, or mutating them
// tests only the error paths.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runQuery } from '../../src/query/run.js';
import { storeWithEvents } from '../../src/store/duckdb/testing.js';
import type { Store } from '../../src/store/store.js';
import { SANDBOX_EVENTS } from '../sandbox/events.js';
import { DOCUMENT_QUERIES } from './grammar.js';

let store: Store;
before(async () => {
  store = await storeWithEvents(SANDBOX_EVENTS);
});
after(async () => {
  await store.close();
});

test('every documented seed query runs', async () => {
  for (const query of DOCUMENT_QUERIES) {
    const out = await runQuery(store, query, { timezone: 'Asia/Shanghai' });
    assert.ok(out.kind === 'search' ? Array.isArray(out.events) : Array.isArray(out.rows), query);
  }
});
