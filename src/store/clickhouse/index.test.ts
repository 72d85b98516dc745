import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClickHouseError } from '@clickhouse/client';
import { isTransient, serverErrorCode } from './index.js';

test('server error codes are read from both the old (18.x) and the current message format', () => {
  const old = new Error(
    "Code: 60, e.displayText() = DB::Exception: Table kaudit.x doesn't exist., e.what() = DB::Exception",
  );
  assert.equal(serverErrorCode(old), '60');
  const current = new ClickHouseError({
    message: 'Table x does not exist',
    code: '60',
    type: 'UNKNOWN_TABLE',
  });
  assert.equal(serverErrorCode(current), '60');
  const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
  assert.equal(serverErrorCode(network), null);
});

test('retried: network errors and overload; not retried: mistakes in the statement', () => {
  assert.equal(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), true);
  assert.equal(isTransient(new Error('Code: 252, e.displayText() = DB::Exception: Too many parts')), true);
  assert.equal(isTransient(new Error('Code: 62, e.displayText() = DB::Exception: Syntax error')), false);
  assert.equal(
    isTransient(new Error('Code: 47, e.displayText() = DB::Exception: Unknown identifier')),
    false,
  );
});
