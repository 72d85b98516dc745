// The per-query sandbox settings sent with every user query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSettings } from './settings.js';

test('read-only (level 2), whole-second timeout rounded up, bounded memory and result rows', () => {
  const s = sandboxSettings({ timeoutMs: 1500, maxMemoryBytes: 1024, maxResultRows: 10 });
  assert.deepEqual(s, {
    readonly: 2,
    max_execution_time: 2,
    max_memory_usage: 1024,
    max_result_rows: 10,
    result_overflow_mode: 'throw',
  });
  assert.equal(sandboxSettings({ timeoutMs: 10 }).max_execution_time, 1);
  assert.equal(sandboxSettings().max_execution_time, 300);
});
