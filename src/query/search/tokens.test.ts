// Tokenisation with the SLS default delimiters (sls-query.md §3.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DELIMITERS, isDelimiter, longestLiteral, splitTokens, tokenizeValue } from './tokens.js';

test('the default delimiter set is exactly the documented characters', () => {
  assert.deepEqual([...DEFAULT_DELIMITERS].sort(), [...', \'";=()[]{}?@&<>/:\n\t\r'].sort());
  for (const ch of '.-_*|!#$%+~^\\`') assert.equal(isDelimiter(ch), false, ch);
});

test('values split at delimiters, lower-cased; . - _ stay inside tokens', () => {
  assert.deepEqual(splitTokens('system:node:Worker-1'), ['system', 'node', 'worker-1']);
  assert.deepEqual(splitTokens('17/Dec/2022:06:22:23'), ['17', 'dec', '2022', '06', '22', '23']);
  assert.deepEqual(splitTokens('abc.gif kube_system'), ['abc.gif', 'kube_system']);
  assert.deepEqual(splitTokens('a=1&b=2;c,d'), ['a', '1', 'b', '2', 'c', 'd']);
  assert.deepEqual(splitTokens('SLS日志服务用户 x”y'), ['sls日志服务用户', 'x”y']);
  assert.deepEqual(splitTokens('  ,,  '), []);
});

test('a wildcard ? is not a delimiter, a literal ? is', () => {
  const chars = [...'ab?c'].map((ch, pos) => ({ ch, wildcard: ch === '?', pos }));
  assert.equal(tokenizeValue(chars).length, 1);
  assert.deepEqual(splitTokens('ab?c'), ['ab', 'c']);
});

test('a lone * token is dropped, others keep their positions', () => {
  const chars = [...'x:*:yz'].map((ch, pos) => ({ ch, wildcard: ch === '*', pos: pos + 10 }));
  assert.deepEqual(
    tokenizeValue(chars).map((t) => t.pos),
    [10, 14],
  );
});

test('longestLiteral picks the longest literal run', () => {
  const [t] = tokenizeValue(
    [...'ab*cde?f'].map((ch, pos) => ({ ch, wildcard: ch === '*' || ch === '?', pos })),
  );
  assert.equal(longestLiteral(t.token), 'cde');
});
