import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQuery, goDuration, goJson, goString, queryEscape, rfc3339Seconds } from './encode.js';
import { LineWriter } from './output.js';

test('goString escapes <, > and & the way Go encoding/json does', () => {
  assert.equal(goString('a&b<c>d'), '"a\\u0026b\\u003cc\\u003ed"');
  assert.equal(goString('say "hi"'), '"say \\"hi\\""');
  assert.equal(goJson({ uri: '/x?a=1&b=2' }), '{"uri":"/x?a=1\\u0026b=2"}');
  // Still valid JSON that decodes back to the original text.
  assert.equal(JSON.parse(goString('a&b<c>')), 'a&b<c>');
});

test('queryEscape follows url.QueryEscape: space is +, slash and colon are escaped', () => {
  assert.equal(queryEscape('ls -la /app'), 'ls+-la+%2Fapp');
  assert.equal(queryEscape('http://169.254.169.254/'), 'http%3A%2F%2F169.254.169.254%2F');
  assert.equal(queryEscape('metadata.name=x'), 'metadata.name%3Dx');
  assert.equal(queryEscape('a_b-c.d~e'), 'a_b-c.d~e');
});

test('encodeQuery sorts keys, keeps repeated keys in order, and writes & as \\u0026', () => {
  const q = encodeQuery([
    ['tty', 'true'],
    ['command', 'sh'],
    ['container', 'app'],
    ['command', '-c'],
    ['stdin', 'true'],
  ]);
  assert.equal(q, 'command=sh\\u0026command=-c\\u0026container=app\\u0026stdin=true\\u0026tty=true');
});

test('goDuration prints whole seconds as Go time.Duration does', () => {
  assert.equal(goDuration(45), '45s');
  assert.equal(goDuration(463), '7m43s');
  assert.equal(goDuration(600), '10m0s');
  assert.equal(goDuration(3600), '1h0m0s');
  assert.equal(goDuration(3725), '1h2m5s');
});

test('MicroTimes have six decimals and Z, across minute and day boundaries', () => {
  const w = new LineWriter();
  const format = (us: number) => (w.microTime(us), w.take());
  // 2025-01-01T00:00:00Z is 1735689600.
  assert.equal(format(1735689600_000000), '2025-01-01T00:00:00.000000Z');
  assert.equal(format(1735689600_000007), '2025-01-01T00:00:00.000007Z');
  assert.equal(format(1735689659_999999), '2025-01-01T00:00:59.999999Z');
  assert.equal(format(1735689660_123456), '2025-01-01T00:01:00.123456Z');
  assert.equal(format(1735689599_500000), '2024-12-31T23:59:59.500000Z');
  assert.equal(rfc3339Seconds(1735689600.9), '2025-01-01T00:00:00Z');
});

test('rfc3339Seconds agrees with Date across leap years, centuries and month ends', () => {
  // Every 7919 seconds over 1970–2100 covers all months, leap days (2000, 2024) and 2100 (not leap).
  for (let t = 0; t < 4_102_444_800; t += 7_919 * 97) {
    assert.equal(rfc3339Seconds(t), new Date(t * 1000).toISOString().slice(0, 19) + 'Z');
  }
  assert.equal(rfc3339Seconds(Date.UTC(2024, 1, 29, 23, 59, 59) / 1000), '2024-02-29T23:59:59Z');
  assert.equal(rfc3339Seconds(Date.UTC(2100, 2, 1) / 1000), '2100-03-01T00:00:00Z');
});
