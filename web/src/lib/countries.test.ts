// The map resolver against the real bundled map: values as geo functions write them land on the
// right Natural Earth feature (names checked by hand against world-atlas countries-110m.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countryResolver } from './countries.js';

const require = createRequire(import.meta.url);
const atlas = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as {
  objects: { countries: { geometries: { properties: { name: string } }[] } };
};
const names = atlas.objects.countries.geometries.map((g) => g.properties.name);
const resolve = countryResolver(names);

test('ISO codes, ICU English names and Chinese names find their Natural Earth feature', () => {
  assert.equal(resolve('US'), 'United States of America');
  assert.equal(resolve('United States'), 'United States of America');
  assert.equal(resolve('美国'), 'United States of America');
  assert.equal(resolve('au'), 'Australia');
  assert.equal(resolve('Australia'), 'Australia');
  assert.equal(resolve('China'), 'China');
  assert.equal(resolve('中国'), 'China');
  assert.equal(resolve('Germany'), 'Germany');
  assert.equal(resolve('CD'), 'Dem. Rep. Congo');
  assert.equal(resolve('CG'), 'Congo');
  assert.equal(resolve('Türkiye') ?? resolve('TR'), 'Turkey');
});

test('values that are not a country on the map resolve to nothing', () => {
  assert.equal(resolve('intranet'), null);
  assert.equal(resolve(''), null);
  assert.equal(resolve('ZZ'), null);
  // Singapore is too small for the 110m map.
  assert.equal(resolve('SG'), null);
});
