import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnTable, splitCsvLine } from './asn.js';
import { packagedIpDataPaths } from './data.js';
import { parseIp } from './ip.js';

test('splitCsvLine handles quoted fields with commas and doubled quotes', () => {
  assert.deepEqual(splitCsvLine('1,2,13335,"Cloudflare, Inc."'), ['1', '2', '13335', 'Cloudflare, Inc.']);
  assert.deepEqual(splitCsvLine('1,2,201907,"LLC ""SPUTNIK"""'), ['1', '2', '201907', 'LLC "SPUTNIK"']);
  assert.deepEqual(splitCsvLine('1,2,3,'), ['1', '2', '3', '']);
  assert.deepEqual(splitCsvLine('a'), ['a']);
});

test('looks up inclusive ranges from a small table, in any row order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-asn-'));
  // 10.0.0.0–10.0.0.255, 10.0.2.0–10.0.2.255 and 10.0.4.0–10.0.4.255, listed out of order;
  // 10.0.1.x and 10.0.3.x are gaps. The last line ends in CRLF.
  writeFileSync(
    join(dir, 'v4.csv'),
    '167772672,167772927,65002,"Two, Inc."\n167772160,167772415,65001,One\n167773184,167773439,65003,阿里云 Société\r\n',
  );
  // 2001:db8::/32 = 0x20010db8 << 96
  const start = 0x20010db8n << 96n;
  const end = start + (1n << 96n) - 1n;
  writeFileSync(join(dir, 'v6.csv'), `${start},${end},65006,Six\n`);
  const table = new AsnTable(join(dir, 'v4.csv'), join(dir, 'v6.csv'));
  assert.deepEqual(table.lookup(parseIp('10.0.0.0')!), { asn: 65001, organization: 'One' });
  assert.deepEqual(table.lookup(parseIp('10.0.0.255')!), { asn: 65001, organization: 'One' });
  assert.equal(table.lookup(parseIp('10.0.1.0')!), null);
  assert.deepEqual(table.lookup(parseIp('10.0.2.7')!), { asn: 65002, organization: 'Two, Inc.' });
  // 10.0.4.0/24 = 167773184–167773439: UTF-8 names survive, a CRLF line end does not leak in.
  assert.deepEqual(table.lookup(parseIp('10.0.4.1')!), { asn: 65003, organization: '阿里云 Société' });
  assert.equal(table.lookup(parseIp('10.0.3.0')!), null);
  assert.equal(table.lookup(parseIp('9.255.255.255')!), null);
  assert.deepEqual(table.lookup(parseIp('2001:db8:ffff::1')!), { asn: 65006, organization: 'Six' });
  assert.equal(table.lookup(parseIp('2001:db9::')!), null);
});

test('the packaged table knows well-known networks', () => {
  const paths = packagedIpDataPaths();
  const table = new AsnTable(paths.asnIpv4, paths.asnIpv6);
  // Google Public DNS is announced by Google's AS15169; Alibaba Cloud's 47.95/16 by AS37963.
  assert.equal(table.lookup(parseIp('8.8.8.8')!)?.asn, 15169);
  assert.equal(table.lookup(parseIp('47.95.1.1')!)?.asn, 37963);
  assert.equal(table.lookup(parseIp('2001:4860:4860::8888')!)?.asn, 15169);
});
