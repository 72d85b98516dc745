import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ascii, LineWriter } from './output.js';

test('LineWriter: fixed bytes, text and MicroTimes make the expected line', () => {
  const w = new LineWriter(8); // grows as needed
  w.bytes(ascii('{"t":"'));
  // 2025-11-20T10:00:01.000042Z: (20089 days to 2025-01-01 + 323) × 86400 + 10 h + 1 s = 1763632801 s, and 42 µs.
  w.microTime(1763632801 * 1e6 + 42);
  w.text('","u":"alice"}');
  w.byte(10);
  assert.equal(w.take(), '{"t":"2025-11-20T10:00:01.000042Z","u":"alice"}\n');
  assert.equal(w.length, 0);
});

test('LineWriter: text beyond ASCII comes out as written, in strings and in bytes', () => {
  const w = new LineWriter(4);
  w.text('user 审计 é\n');
  w.text('next\n');
  assert.equal(w.take(), 'user 审计 é\nnext\n');
  // After a take the writer is back to ASCII chunks.
  w.text('plain\n');
  assert.equal(w.take(), 'plain\n');
  w.text('é\n');
  assert.equal(w.takeBytes().toString('utf8'), 'é\n');
});

test('fixed text must be ASCII: anything else is refused, not garbled', () => {
  assert.deepEqual([...ascii('ok')], [111, 107]);
  assert.throws(() => ascii('审计'), /not ASCII/);
});
