import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrichArgumentError } from './cidr.js';
import { Enricher } from './enricher.js';

// One instance per locale for the whole file: the data files are loaded once.
const en = new Enricher();
const zh = new Enricher({ locale: 'zh' });

test('ip_to_domain follows §9 U-3', () => {
  assert.equal(en.domain('10.0.0.1'), 'intranet');
  assert.equal(en.domain('100.64.1.1'), 'intranet');
  assert.equal(en.domain('fd00::1'), 'intranet');
  assert.equal(en.domain('8.8.8.8'), 'internet');
  assert.equal(en.domain('2400:3200::1'), 'internet');
  assert.equal(en.domain('["10.0.0.1","8.8.8.8"]'), null);
  assert.equal(en.domain(''), null);
});

test('country: English name by default, Chinese in the zh locale, ISO code with en', () => {
  // Google Public DNS (US), 114DNS (CN), a Japanese address (JP), AliDNS over IPv6 (CN).
  assert.equal(en.country('8.8.8.8'), 'United States');
  assert.equal(zh.country('8.8.8.8'), '美国');
  assert.equal(en.country('8.8.8.8', 'en'), 'US');
  assert.equal(zh.country('8.8.8.8', 'en'), 'US');
  assert.equal(en.countryCode('8.8.8.8'), 'US');
  assert.equal(en.countryCode('114.114.114.114'), 'CN');
  assert.equal(zh.country('114.114.114.114'), '中国');
  assert.equal(en.countryCode('210.140.92.183'), 'JP');
  assert.equal(en.country('210.140.92.183'), 'Japan');
  assert.equal(en.countryCode('2400:3200::1'), 'CN');
});

test('geo functions return intranet for intranet addresses and NULL for non-addresses', () => {
  for (const ip of ['192.168.1.10', '127.0.0.1', '::1', '::ffff:10.1.2.3']) {
    assert.equal(en.country(ip), 'intranet', ip);
    assert.equal(en.country(ip, 'en'), 'intranet', ip);
    assert.equal(en.countryCode(ip), 'intranet', ip);
    assert.equal(en.province(ip), 'intranet', ip);
    assert.equal(en.cityName(ip), 'intranet', ip);
    assert.equal(en.geo(ip), 'intranet', ip);
    assert.equal(en.cityGeo(ip), 'intranet', ip);
    assert.equal(en.provider(ip), 'intranet', ip);
  }
  for (const text of ['not-an-ip', '8.8.8.8,1.1.1.1', '300.1.1.1']) {
    assert.equal(en.country(text), null, text);
    assert.equal(en.countryCode(text), null, text);
    assert.equal(en.province(text), null, text);
    assert.equal(en.cityName(text), null, text);
    assert.equal(en.geo(text), null, text);
    assert.equal(en.cityGeo(text), null, text);
    assert.equal(en.provider(text), null, text);
  }
});

test('province, city and coordinates come from the DB-IP Lite data as it has them', () => {
  // The pinned DB-IP Lite release (2026-06) places 8.8.8.8 at Google's Mountain View campus.
  assert.equal(en.province('8.8.8.8'), 'California');
  assert.equal(en.cityName('8.8.8.8'), 'Mountain View');
  assert.equal(zh.cityName('8.8.8.8'), 'Mountain View'); // names are the data's in every locale
  assert.equal(en.province('8.8.8.8', 'en'), 'California');
  assert.equal(en.geo('8.8.8.8'), '37.422,-122.085');
  assert.equal(en.cityGeo('8.8.8.8'), '37.422,-122.085');
  assert.equal(en.province('210.140.92.183'), 'Tokyo');
});

test('provider is the organisation of the announcing autonomous system', () => {
  assert.equal(en.provider('8.8.8.8'), 'Google LLC');
  assert.equal(en.provider('47.95.1.1'), 'Hangzhou Alibaba Advertising Co.,Ltd.');
});

test('a second argument other than en is an argument error', () => {
  assert.throws(() => en.country('8.8.8.8', 'fr'), EnrichArgumentError);
  assert.throws(() => en.province('8.8.8.8', 'zh'), /ip_to_province: the second argument must be 'en'/);
});

test('security_check_ip: 1 for listed addresses, 0 otherwise and without lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-enrich-'));
  const feed = join(dir, 'feed.txt');
  writeFileSync(feed, '203.0.113.0/24\n10.9.9.9\n');
  const checked = new Enricher({ threatLists: [feed] });
  assert.equal(checked.securityCheck('203.0.113.50'), 1);
  assert.equal(checked.securityCheck('10.9.9.9'), 1); // listed intranet addresses count too
  assert.equal(checked.securityCheck('8.8.8.8'), 0);
  assert.equal(checked.securityCheck('garbage'), 0);
  assert.equal(en.securityCheck('203.0.113.50'), 0);
});
