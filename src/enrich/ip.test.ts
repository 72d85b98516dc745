import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, isIntranet, parseCidr, parseIp } from './ip.js';

test('parseIp reads dotted quads as 32-bit numbers', () => {
  // 1.2.3.4 = 1·2^24 + 2·2^16 + 3·2^8 + 4
  assert.deepEqual(parseIp('1.2.3.4'), { version: 4, value: 16909060 });
  assert.deepEqual(parseIp('255.255.255.255'), { version: 4, value: 4294967295 });
  assert.deepEqual(parseIp('0.0.0.0'), { version: 4, value: 0 });
});

test('parseIp refuses what is not an address', () => {
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '["1.2.3.4"]',
    '1.2.3.4,5.6.7.8',
    'localhost',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::1',
    'fe80::1%eth0',
    ':::',
    'g::1',
    '1.2.3.4::',
  ]) {
    assert.equal(parseIp(bad), null, bad);
  }
});

test('parseIp reads IPv6, including :: and an embedded IPv4 tail', () => {
  assert.deepEqual(parseIp('::1'), { version: 6, value: 1n });
  assert.deepEqual(parseIp('::'), { version: 6, value: 0n });
  assert.deepEqual(parseIp('2001:db8::ff'), {
    version: 6,
    value: (0x2001n << 112n) | (0xdb8n << 96n) | 0xffn,
  });
  assert.deepEqual(parseIp('1:2:3:4:5:6:7:8'), {
    version: 6,
    value:
      (1n << 112n) | (2n << 96n) | (3n << 80n) | (4n << 64n) | (5n << 48n) | (6n << 32n) | (7n << 16n) | 8n,
  });
  // 64:ff9b::/96 is not the mapped range, so the tail stays IPv6: 0x0a000001 = 10.0.0.1
  assert.deepEqual(parseIp('64:ff9b::10.0.0.1'), {
    version: 6,
    value: (0x64n << 112n) | (0xff9bn << 96n) | 0x0a000001n,
  });
});

test('an IPv4-mapped IPv6 address is the IPv4 address it carries', () => {
  assert.deepEqual(parseIp('::ffff:10.0.0.1'), { version: 4, value: 167772161 });
  assert.deepEqual(parseIp('::FFFF:a00:1'), { version: 4, value: 167772161 });
});

test('formatIp writes RFC 5952 text', () => {
  const roundTrip = (text: string) => formatIp(parseIp(text)!);
  assert.equal(roundTrip('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(roundTrip('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1'); // longest zero run wins
  assert.equal(roundTrip('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // first of equal runs
  assert.equal(roundTrip('2001:db8:0:1:2:3:4:5'), '2001:db8:0:1:2:3:4:5'); // a single zero is kept
  assert.equal(roundTrip('::'), '::');
  assert.equal(roundTrip('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(roundTrip('10.20.30.40'), '10.20.30.40');
});

test('parseCidr clears host bits and needs a prefix', () => {
  assert.deepEqual(parseCidr('192.168.1.77/24'), { network: { version: 4, value: 0xc0a80100 }, prefix: 24 });
  assert.deepEqual(parseCidr('10.1.2.3/0'), { network: { version: 4, value: 0 }, prefix: 0 });
  assert.deepEqual(parseCidr('2001:db8::1/32'), {
    network: { version: 6, value: (0x2001n << 112n) | (0xdb8n << 96n) },
    prefix: 32,
  });
  assert.deepEqual(parseCidr('::ffff:1.2.3.4/120'), {
    network: { version: 4, value: 0x01020300 },
    prefix: 24,
  });
  for (const bad of ['1.2.3.4', '1.2.3.4/33', '1.2.3.4/-1', '1.2.3.4/', '1.2.3.4/2a', '::/129', 'x/8']) {
    assert.equal(parseCidr(bad), null, bad);
  }
});

test('isIntranet is exactly the §9 U-3 list', () => {
  const intranet = [
    '10.0.0.0',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '127.0.0.1',
    '127.255.0.9',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'febf:ffff::1', // last /10 block of fe80::/10
    'fc00::1',
    'fd12:3456::1',
    '::ffff:192.168.3.4',
  ];
  const internet = [
    '9.255.255.255',
    '11.0.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '0.0.0.1', // only the unspecified address itself, not 0/8
    '8.8.8.8',
    '2001:4860:4860::8888',
    'fec0::1', // just past fe80::/10
    'fe00::1', // just past fc00::/7
    '::2',
  ];
  for (const text of intranet) assert.equal(isIntranet(parseIp(text)!), true, text);
  for (const text of internet) assert.equal(isIntranet(parseIp(text)!), false, text);
});
