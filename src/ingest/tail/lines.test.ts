import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRecords } from './lines.js';

test('only newline-terminated lines are records; the half-written last line waits', () => {
  const buf = Buffer.from('{"a":1}\n{"b":2}\n{"c":');
  const r = splitRecords(buf, 0, false);
  assert.deepEqual(r.records, [
    { text: '{"a":1}', line: 1 },
    { text: '{"b":2}', line: 2 },
  ]);
  // 8 + 8 bytes of the two complete lines.
  assert.equal(r.consumed, 16);
  assert.equal(r.lines, 2);
});

test('a final file gives its unterminated last line too', () => {
  const r = splitRecords(Buffer.from('{"a":1}\n{"c":3}'), 10, true);
  assert.deepEqual(
    r.records.map((x) => [x.text, x.line]),
    [
      ['{"a":1}', 11],
      ['{"c":3}', 12],
    ],
  );
  assert.equal(r.consumed, 15);
});

test('blank lines and CRLF: consumed but not records', () => {
  const r = splitRecords(Buffer.from('\n{"a":1}\r\n  \n'), 0, false);
  assert.deepEqual(r.records, [{ text: '{"a":1}', line: 2 }]);
  assert.equal(r.consumed, 13);
  assert.equal(r.lines, 3);
});

test('multi-byte UTF-8 is split on bytes, not characters', () => {
  const line = '{"u":"Zoë ✓"}';
  const r = splitRecords(Buffer.from(line + '\n'), 0, false);
  assert.equal(r.records[0].text, line);
  assert.equal(r.consumed, Buffer.byteLength(line) + 1);
});

test('CRI pieces are joined; an unfinished sequence is not consumed until its F line', () => {
  const p1 = '2024-01-01T00:00:00.000000000Z stdout P {"a":';
  const f = '2024-01-01T00:00:00.000000001Z stdout F 1}';
  const whole = splitRecords(Buffer.from(`${p1}\n${f}\n`), 0, false);
  assert.deepEqual(whole.records, [{ text: '{"a":1}', line: 1 }]);
  assert.equal(whole.consumed, p1.length + f.length + 2);

  const open = splitRecords(Buffer.from(`${f}\n${p1}\n`), 0, false);
  // The F line alone is a record; the P after it waits for its end.
  assert.deepEqual(open.records, [{ text: '1}', line: 1 }]);
  assert.equal(open.consumed, f.length + 1);
  assert.equal(open.lines, 1);
});
