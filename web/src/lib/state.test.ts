import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, formatLocation, parseLocation } from './state.js';

test('a shared link restores page, cluster, range, filters, report, tab and query', () => {
  const s = parseLocation(
    '/reports',
    '?cluster=prod&range=24h&namespace=payments&user=alice&status=403&report=mesh&tab=audit&resource=widgets.example.com',
  );
  assert.equal(s.page, 'reports');
  assert.equal(s.cluster, 'prod');
  assert.equal(s.range, '24h');
  assert.equal(s.namespace, 'payments');
  assert.equal(s.user, 'alice');
  assert.equal(s.status, '403');
  assert.equal(s.report, 'mesh');
  assert.equal(s.tab, 'audit');
  assert.equal(s.resource, 'widgets.example.com');
});

test('formatting then parsing gives the same state back, with only non-default keys in the URL', () => {
  const s = {
    ...DEFAULTS,
    page: 'search' as const,
    q: 'verb: delete and user.username: "a b"',
    p: 3,
    view: 'bar' as const,
  };
  const loc = formatLocation(s);
  assert.equal(loc, '/search?q=verb%3A+delete+and+user.username%3A+%22a+b%22&p=3&view=bar');
  const [path, search] = loc.split('?');
  assert.deepEqual(parseLocation(path, `?${search}`), s);
  assert.equal(formatLocation(DEFAULTS), '/reports');
  // The alerts history of one rule has its own key, so it never leaks into the search query.
  const history = parseLocation('/alerts', '?section=history&rule=ack-delete-operations');
  assert.deepEqual([history.section, history.rule, history.q], ['history', 'ack-delete-operations', '']);
});

test('an absolute range keeps from/to; a broken one falls back to the 7-day default', () => {
  const abs = parseLocation('/search', '?range=abs&from=1795132800&to=1795219200');
  assert.deepEqual([abs.range, abs.from, abs.to], ['abs', 1795132800, 1795219200]);
  assert.equal(formatLocation(abs), '/search?range=abs&from=1795132800&to=1795219200');
  assert.equal(parseLocation('/search', '?range=abs&from=5&to=2').range, '7d');
  assert.equal(parseLocation('/search', '?range=abs&from=x').range, '7d');
});

test('malformed values are ignored, not trusted', () => {
  const s = parseLocation('/nowhere', '?status=40x&p=-2&view=radar');
  assert.equal(s.page, 'reports');
  assert.equal(s.status, '');
  assert.equal(s.p, 1);
  assert.equal(s.view, 'table');
});
