import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateFormat, translateParseFormat } from './datetime.js';

test('SLS (MySQL) specifiers become DuckDB strftime codes', () => {
  assert.deepEqual(translateFormat('%Y-%m-%d %T'), [{ kind: 'strftime', format: '%Y-%m-%d %H:%M:%S' }]);
  // %i is minutes and %M the month name in SLS; %s seconds; %c/%e unpadded month/day.
  assert.deepEqual(translateFormat('%H:%i:%s %M %c/%e'), [
    { kind: 'strftime', format: '%H:%M:%S %B %-m/%-d' },
  ]);
  assert.deepEqual(translateFormat('%r %W %a %p %k %l %j %%'), [
    { kind: 'strftime', format: '%I:%M:%S %p %A %a %p %-H %-I %j %%' },
  ]);
});

test('%D (day with English suffix) splits the format around a computed suffix', () => {
  assert.deepEqual(translateFormat('%M %D, %Y'), [
    { kind: 'strftime', format: '%B %-d' },
    { kind: 'daySuffix' },
    { kind: 'strftime', format: ', %Y' },
  ]);
});

test('literal text and unknown specifiers; parse formats', () => {
  assert.deepEqual(translateFormat('day %q!'), [{ kind: 'strftime', format: 'day q!' }]);
  assert.deepEqual(translateFormat('100%'), [{ kind: 'strftime', format: '100%%' }]);
  assert.equal(translateParseFormat('%Y-%m-%d %H:%i:%S'), '%Y-%m-%d %H:%M:%S');
});
