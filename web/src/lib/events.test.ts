import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByRequest, summary } from './events.js';

test('stages of one auditID form one request, stages in apiserver order, groups in list order', () => {
  const list = [
    { auditID: 'b', stage: 'ResponseComplete', n: 1 },
    { auditID: 'a', stage: 'ResponseComplete', n: 2 },
    { auditID: 'b', stage: 'ResponseStarted', n: 3 },
    { stage: 'ResponseComplete', n: 4 },
    { auditID: 'a', stage: 'RequestReceived', n: 5 },
  ];
  const groups = groupByRequest(list);
  assert.deepEqual(
    groups.map((g) => [g.auditID, g.events.map((e) => e.n)]),
    [
      ['b', [3, 1]],
      ['a', [5, 2]],
      ['(no auditID #4)', [4]],
    ],
  );
});

test('summary names user, verb, resource, namespace/name and code', () => {
  assert.equal(
    summary({
      verb: 'create',
      user: { username: 'alice' },
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' },
      responseStatus: { code: 101 },
    }),
    'alice create pods/exec prod/web-1 → 101',
  );
});
