import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EnrichArgumentError,
  ipPrefix,
  ipSubnetMax,
  ipSubnetMin,
  ipSubnetRange,
  isPrefixSubnetOf,
  isSubnetOf,
} from './cidr.js';

test('ip_prefix keeps the network part', () => {
  assert.equal(ipPrefix('192.168.1.77', 24), '192.168.1.0/24');
  // 255 = 1111 1111; a 9-bit prefix keeps the first bit of the second octet: 192.128.0.0
  assert.equal(ipPrefix('192.168.255.255', 9), '192.128.0.0/9');
  assert.equal(ipPrefix('10.1.2.3', 32), '10.1.2.3/32');
  assert.equal(ipPrefix('10.1.2.3', 0), '0.0.0.0/0');
  assert.equal(ipPrefix('2001:db8:abcd:12::1', 48), '2001:db8:abcd::/48');
  assert.equal(ipPrefix('not an ip', 8), null);
});

test('ip_prefix refuses a prefix length the address cannot have', () => {
  assert.throws(() => ipPrefix('1.2.3.4', 33), EnrichArgumentError);
  assert.throws(() => ipPrefix('1.2.3.4', -1), /out of range for IPv4 address '1\.2\.3\.4'; use 0 to 32/);
  assert.equal(ipPrefix('::1', 128), '::1/128');
});

test('ip_subnet_min/max/range give the first and last address', () => {
  assert.equal(ipSubnetMin('192.168.1.77/24'), '192.168.1.0');
  assert.equal(ipSubnetMax('192.168.1.77/24'), '192.168.1.255');
  // /20: the third octet keeps its top 4 bits: 0x5a = 90 → 80..95
  assert.equal(ipSubnetMin('10.0.90.1/20'), '10.0.80.0');
  assert.equal(ipSubnetMax('10.0.90.1/20'), '10.0.95.255');
  assert.equal(ipSubnetRange('1.2.3.128/31'), '["1.2.3.128","1.2.3.129"]');
  assert.equal(ipSubnetRange('0.0.0.0/0'), '["0.0.0.0","255.255.255.255"]');
  assert.equal(ipSubnetMax('2001:db8::/64'), '2001:db8::ffff:ffff:ffff:ffff');
  assert.equal(ipSubnetMin('192.168.1.77'), null); // a bare address is not a subnet
  assert.equal(ipSubnetRange('garbage/24'), null);
});

test('is_subnet_of checks membership and keeps address families apart', () => {
  assert.equal(isSubnetOf('192.168.0.1/24', '192.168.0.200'), true);
  assert.equal(isSubnetOf('192.168.0.1/24', '192.168.1.0'), false);
  assert.equal(isSubnetOf('192.168.3.131/26', '192.168.3.144'), true); // .128–.191
  assert.equal(isSubnetOf('192.168.3.131/26', '192.168.3.192'), false);
  assert.equal(isSubnetOf('0.0.0.0/0', '8.8.8.8'), true);
  assert.equal(isSubnetOf('::/0', '8.8.8.8'), false);
  assert.equal(isSubnetOf('fe80::/10', 'fe80::1'), true);
  assert.equal(isSubnetOf('192.168.0.1/24', 'x'), null);
  assert.equal(isSubnetOf('192.168.0.1', '192.168.0.1'), null);
});

test('is_prefix_subnet_of: the second prefix lies inside the first', () => {
  assert.equal(isPrefixSubnetOf('10.0.0.0/8', '10.1.0.0/16'), true);
  assert.equal(isPrefixSubnetOf('10.1.0.0/16', '10.0.0.0/8'), false); // wider is not inside narrower
  assert.equal(isPrefixSubnetOf('192.168.0.1/24', '192.168.0.77/24'), true); // same network
  assert.equal(isPrefixSubnetOf('192.168.0.0/24', '192.168.1.0/24'), false);
  assert.equal(isPrefixSubnetOf('64:fa9b::17/64', '64:ffff::17/64'), false);
  assert.equal(isPrefixSubnetOf('10.0.0.0/8', '10.0.0.1'), null);
});
