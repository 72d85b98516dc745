// The evaluation semantics of ../shared/spec/k8s-audit.md §1.2, case by case. Every expected
// decision below was worked out by hand from the spec's description of checker.go; each case is
// also run through the literal transcription (reference.ts) so both stay in agreement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicy } from './compile.js';
import { evaluateReference } from './reference.js';
import { attributesFromEvent } from './attributes.js';
import type { Policy, PolicyRule, RequestAttributes } from './types.js';

function policy(rules: PolicyRule[], extra: Partial<Policy> = {}): Policy {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...extra };
}

function req(a: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: 'alice',
    groups: ['system:authenticated'],
    verb: 'get',
    namespace: 'default',
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    name: 'p1',
    path: '/api/v1/namespaces/default/pods/p1',
    isResourceRequest: true,
    ...a,
  };
}

function nonResource(path: string, a: Partial<RequestAttributes> = {}): RequestAttributes {
  return req({ isResourceRequest: false, path, resource: '', namespace: '', name: '', apiVersion: '', ...a });
}

/** Index of the deciding rule, checked against the reference transcription too. */
function ruleOf(p: Policy, a: RequestAttributes): number | null {
  const got = compilePolicy(p).evaluate(a);
  assert.deepEqual(got, evaluateReference(p, a), 'compiled and reference evaluators disagree');
  return got.rule;
}

test('first matching rule decides, even at level None', () => {
  const p = policy([{ level: 'None', users: ['alice'] }, { level: 'RequestResponse' }]);
  const alice = compilePolicy(p).evaluate(req({}));
  assert.equal(alice.level, 'None');
  assert.equal(alice.rule, 0);
  const bob = compilePolicy(p).evaluate(req({ user: 'bob' }));
  assert.equal(bob.level, 'RequestResponse');
  assert.equal(bob.rule, 1);
});

test('no matching rule gives level None, rule null and the policy defaults', () => {
  const p = policy([{ level: 'Metadata', users: ['bob'] }], {
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
  });
  assert.deepEqual(compilePolicy(p).evaluate(req({})), {
    level: 'None',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rule: null,
  });
});

test('fields are AND-ed and the values of one field OR-ed', () => {
  const p = policy([{ level: 'Metadata', users: ['alice', 'bob'], verbs: ['get', 'list'] }]);
  assert.equal(ruleOf(p, req({ user: 'alice', verb: 'get' })), 0);
  assert.equal(ruleOf(p, req({ user: 'bob', verb: 'list' })), 0);
  assert.equal(ruleOf(p, req({ user: 'alice', verb: 'create' })), null);
  assert.equal(ruleOf(p, req({ user: 'carol', verb: 'get' })), null);
});

test('an empty list constrains nothing', () => {
  const p = policy([{ level: 'Metadata', users: [], verbs: [], resources: [], namespaces: [] }]);
  assert.equal(ruleOf(p, req({ user: 'anyone', verb: 'patch' })), 0);
  assert.equal(ruleOf(p, nonResource('/metrics')), 0);
});

test('comparisons are exact and case-sensitive', () => {
  const p = policy([
    { level: 'Metadata', verbs: ['GET'] },
    { level: 'Request', users: ['Alice'] },
  ]);
  assert.equal(ruleOf(p, req({ verb: 'get' })), null);
});

test('a missing group means the core group only', () => {
  const p = policy([{ level: 'Metadata', resources: [{ resources: ['deployments'] }] }]);
  assert.equal(ruleOf(p, req({ apiGroup: 'apps', resource: 'deployments' })), null);
  assert.equal(ruleOf(p, req({ apiGroup: '', resource: 'deployments' })), 0);
  const explicitCore = policy([{ level: 'Metadata', resources: [{ group: '', resources: ['pods'] }] }]);
  assert.equal(ruleOf(explicitCore, req({})), 0);
  assert.equal(ruleOf(explicitCore, req({ apiGroup: 'metrics.k8s.io' })), null);
});

test('a group entry without resources covers every resource and subresource of that group', () => {
  const p = policy([{ level: 'Request', resources: [{ group: 'apps' }] }]);
  assert.equal(ruleOf(p, req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })), 0);
  assert.equal(ruleOf(p, req({ apiGroup: 'apps', resource: 'statefulsets' })), 0);
  assert.equal(ruleOf(p, req({ apiGroup: 'batch', resource: 'jobs' })), null);
});

test('subresource forms: pods/log, pods, */scale, pods/* and *', () => {
  const log = policy([{ level: 'Metadata', resources: [{ group: '', resources: ['pods/log'] }] }]);
  assert.equal(ruleOf(log, req({ subresource: 'log' })), 0);
  assert.equal(ruleOf(log, req({})), null, 'pods/log does not match the pod itself');
  assert.equal(ruleOf(log, req({ subresource: 'exec' })), null);

  const pods = policy([{ level: 'Metadata', resources: [{ group: '', resources: ['pods'] }] }]);
  assert.equal(ruleOf(pods, req({})), 0);
  assert.equal(ruleOf(pods, req({ subresource: 'log' })), null, 'pods does not match pods/log');

  const scale = policy([{ level: 'Metadata', resources: [{ group: 'apps', resources: ['*/scale'] }] }]);
  assert.equal(ruleOf(scale, req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })), 0);
  assert.equal(ruleOf(scale, req({ apiGroup: 'apps', resource: 'statefulsets', subresource: 'scale' })), 0);
  assert.equal(ruleOf(scale, req({ apiGroup: 'apps', resource: 'deployments' })), null);
  assert.equal(
    ruleOf(scale, req({ apiGroup: 'apps', resource: 'deployments', subresource: 'status' })),
    null,
  );

  const coreScale = policy([{ level: 'Metadata', resources: [{ resources: ['*/scale'] }] }]);
  assert.equal(
    ruleOf(coreScale, req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })),
    null,
    'a group-less */scale is core only',
  );
  assert.equal(ruleOf(coreScale, req({ resource: 'replicationcontrollers', subresource: 'scale' })), 0);

  const podsAll = policy([{ level: 'Metadata', resources: [{ group: '', resources: ['pods/*'] }] }]);
  assert.equal(ruleOf(podsAll, req({ subresource: 'log' })), 0);
  assert.equal(ruleOf(podsAll, req({ subresource: 'exec' })), 0);
  assert.equal(ruleOf(podsAll, req({})), 0, 'pods/* matches the bare resource too');
  assert.equal(ruleOf(podsAll, req({ resource: 'podtemplates' })), null);

  const star = policy([{ level: 'Metadata', resources: [{ group: '', resources: ['*'] }] }]);
  assert.equal(ruleOf(star, req({ subresource: 'log' })), 0);
  assert.equal(ruleOf(star, req({ resource: 'configmaps' })), 0);
  assert.equal(ruleOf(star, req({ apiGroup: 'apps', resource: 'deployments' })), null);
});

test('group "*" matches every group', () => {
  const p = policy([{ level: 'Metadata', resources: [{ group: '*', resources: ['deployments'] }] }]);
  assert.equal(ruleOf(p, req({ apiGroup: 'apps', resource: 'deployments' })), 0);
  assert.equal(ruleOf(p, req({ apiGroup: 'extensions', resource: 'deployments' })), 0);
  assert.equal(ruleOf(p, req({ apiGroup: '', resource: 'deployments' })), 0);
  assert.equal(ruleOf(p, req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })), null);
});

test('resourceNames never match list or create (empty name), only named requests', () => {
  const p = policy([
    { level: 'None', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['cm1'] }] },
    { level: 'Metadata' },
  ]);
  assert.equal(ruleOf(p, req({ resource: 'configmaps', name: 'cm1' })), 0);
  assert.equal(ruleOf(p, req({ resource: 'configmaps', name: 'cm2' })), 1);
  assert.equal(ruleOf(p, req({ resource: 'configmaps', name: '', verb: 'list' })), 1);
  assert.equal(ruleOf(p, req({ resource: 'configmaps', name: '', verb: 'create' })), 1);
  // list with fieldSelector=metadata.name=cm1 is given that name by the apiserver.
  assert.equal(ruleOf(p, req({ resource: 'configmaps', name: 'cm1', verb: 'list' })), 0);
});

test('namespace "" selects cluster-scoped requests; a Namespace object has its own name as namespace', () => {
  const p = policy([
    { level: 'Metadata', namespaces: [''] },
    { level: 'Request', namespaces: ['kube-system'] },
  ]);
  assert.equal(ruleOf(p, req({ resource: 'nodes', namespace: '', name: 'n1' })), 0);
  assert.equal(ruleOf(p, req({ namespace: 'default' })), null);
  assert.equal(ruleOf(p, req({ resource: 'namespaces', namespace: 'kube-system', name: 'kube-system' })), 1);
  assert.equal(ruleOf(p, nonResource('/healthz')), null, 'a namespaces rule is a resource rule');
});

test('nonResourceURLs: exact, "*", and a trailing * as a raw string prefix', () => {
  const p = policy([{ level: 'None', nonResourceURLs: ['/healthz*', '/version'] }]);
  assert.equal(ruleOf(p, nonResource('/healthz')), 0);
  assert.equal(ruleOf(p, nonResource('/healthz/etcd')), 0);
  assert.equal(ruleOf(p, nonResource('/healthzfoo')), 0, 'raw prefix, not a path segment');
  assert.equal(ruleOf(p, nonResource('/version')), 0);
  assert.equal(ruleOf(p, nonResource('/version/')), null);
  assert.equal(ruleOf(p, nonResource('/livez')), null);

  const api = policy([{ level: 'None', nonResourceURLs: ['/api*'] }]);
  assert.equal(ruleOf(api, nonResource('/apis')), 0);
  assert.equal(ruleOf(api, nonResource('/apis/apps/v1')), 0);
  assert.equal(ruleOf(api, nonResource('/openapi/v2')), null);

  const slash = policy([{ level: 'None', nonResourceURLs: ['/healthz/*'] }]);
  assert.equal(ruleOf(slash, nonResource('/healthz')), null);
  assert.equal(ruleOf(slash, nonResource('/healthz/ping')), 0);

  const all = policy([{ level: 'None', nonResourceURLs: ['*'] }]);
  assert.equal(ruleOf(all, nonResource('/anything')), 0);
});

test('resource rules never match non-resource requests and the reverse', () => {
  const p = policy([
    { level: 'None', nonResourceURLs: ['*'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['*'] }] },
  ]);
  assert.equal(ruleOf(p, req({ path: '/api/v1/namespaces/default/pods/p1' })), 1);
  assert.equal(ruleOf(p, nonResource('/api/v1')), 0);
  const apiPrefix = policy([{ level: 'None', nonResourceURLs: ['/api*'] }]);
  assert.equal(
    ruleOf(apiPrefix, req({ path: '/api/v1/namespaces/default/pods' })),
    null,
    'a resource request is not a non-resource URL even when its path matches',
  );
  const resOnly = policy([{ level: 'Metadata', resources: [{ group: '' }] }]);
  assert.equal(ruleOf(resOnly, nonResource('/api')), null);
});

test('a rule with both resources and nonResourceURLs (invalid) behaves as a resource rule', () => {
  const p = policy([{ level: 'Metadata', resources: [{ group: '' }], nonResourceURLs: ['/healthz'] }]);
  assert.equal(ruleOf(p, nonResource('/healthz')), null);
  assert.equal(ruleOf(p, req({})), 0);
});

test('users and userGroups: no user info never matches them; "*" is not a wildcard', () => {
  const p = policy([
    { level: 'Request', users: ['system:anonymous'] },
    { level: 'Request', userGroups: ['*'] },
    { level: 'Request', userGroups: ['system:unauthenticated'] },
    { level: 'Metadata' },
  ]);
  assert.equal(ruleOf(p, req({ user: null, groups: [] })), 3);
  assert.equal(ruleOf(p, req({ user: 'system:anonymous', groups: ['system:unauthenticated'] })), 0);
  assert.equal(ruleOf(p, req({ user: 'x', groups: ['a', 'system:unauthenticated'] })), 2);
  assert.equal(ruleOf(p, req({ user: 'x', groups: ['a'] })), 3);
});

test('users are matched against the authenticated caller, not the impersonated user', () => {
  const p = policy([
    { level: 'None', users: ['bob'] },
    { level: 'Metadata', users: ['system:admin'] },
  ]);
  const event = {
    stage: 'ResponseComplete',
    verb: 'list',
    requestURI: '/api/v1/namespaces/default/pods',
    user: { username: 'system:admin', groups: ['system:masters'] },
    impersonatedUser: { username: 'bob', groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
  };
  assert.equal(ruleOf(p, attributesFromEvent(event)), 1);
});

test('omitStages: the policy and rule lists united, in stage order', () => {
  const p = policy([{ level: 'Metadata', omitStages: ['Panic', 'RequestReceived', 'ResponseStarted'] }], {
    omitStages: ['RequestReceived'],
  });
  assert.deepEqual(compilePolicy(p).evaluate(req({})).omitStages, [
    'RequestReceived',
    'ResponseStarted',
    'Panic',
  ]);
  const q = policy([{ level: 'Metadata', omitStages: ['ResponseComplete'] }], {
    omitStages: ['ResponseStarted'],
  });
  assert.deepEqual(compilePolicy(q).evaluate(req({})).omitStages, ['ResponseStarted', 'ResponseComplete']);
});

test('omitManagedFields: the rule value when set (true or false), else the policy value', () => {
  const p = policy(
    [
      { level: 'Metadata', users: ['a'] },
      { level: 'Metadata', users: ['b'], omitManagedFields: false },
    ],
    { omitManagedFields: true },
  );
  assert.equal(compilePolicy(p).evaluate(req({ user: 'a' })).omitManagedFields, true);
  assert.equal(compilePolicy(p).evaluate(req({ user: 'b' })).omitManagedFields, false);
  const q = policy([{ level: 'Metadata', omitManagedFields: true }]);
  assert.equal(compilePolicy(q).evaluate(req({})).omitManagedFields, true);
  assert.equal(compilePolicy(policy([{ level: 'Metadata' }])).evaluate(req({})).omitManagedFields, false);
});

test('attributes from an Event: objectRef, query string cut, empty user, v1alpha1 apiVersion', () => {
  const nonRes = attributesFromEvent({
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/healthz?verbose=1',
    user: {},
  });
  assert.equal(nonRes.isResourceRequest, false);
  assert.equal(nonRes.path, '/healthz');
  assert.equal(nonRes.user, null);
  const alpha = attributesFromEvent({
    apiVersion: 'audit.k8s.io/v1alpha1',
    verb: 'get',
    requestURI: '/apis/apps/v1/namespaces/x/deployments/d/scale',
    user: { username: 'u' },
    objectRef: {
      resource: 'deployments',
      subresource: 'scale',
      apiVersion: 'apps/v1',
      namespace: 'x',
      name: 'd',
    },
  });
  assert.deepEqual(
    [
      alpha.apiGroup,
      alpha.apiVersion,
      alpha.resource,
      alpha.subresource,
      alpha.namespace,
      alpha.name,
      alpha.user,
    ],
    ['apps', 'v1', 'deployments', 'scale', 'x', 'd', 'u'],
  );
});

test('the compiled evaluator agrees with the literal checker transcription on random policies', () => {
  const word = (xs: string[]) => fc.constantFrom(...xs);
  const list = (xs: string[]) => fc.option(fc.uniqueArray(word(xs), { maxLength: 3 }), { nil: undefined });
  const groupRes = fc.record(
    {
      group: fc.option(word(['', 'apps', '*']), { nil: undefined }),
      resources: list([
        'pods',
        'pods/log',
        'pods/*',
        '*/scale',
        '*',
        'deployments',
        'deployments/scale',
        '*/*',
      ]),
      resourceNames: list(['n1', '', 'n2']),
    },
    { requiredKeys: [] },
  );
  const rule = fc.record(
    {
      level: word(['None', 'Metadata', 'Request', 'RequestResponse']),
      users: list(['alice', 'bob']),
      userGroups: list(['g1', 'g2']),
      verbs: list(['get', 'list', 'create']),
      namespaces: list(['', 'default', 'kube-system']),
      resources: fc.option(fc.array(groupRes, { maxLength: 2 }), { nil: undefined }),
      nonResourceURLs: list(['*', '/api*', '/apis', '/healthz*', '/healthz/*']),
      omitStages: list(['RequestReceived', 'ResponseStarted', 'Panic']),
      omitManagedFields: fc.option(fc.boolean(), { nil: undefined }),
    },
    { requiredKeys: ['level'] },
  );
  const attrs = fc.record({
    user: fc.option(word(['alice', 'bob', 'carol']), { nil: null }),
    groups: fc.uniqueArray(word(['g1', 'g2', 'g3']), { maxLength: 2 }),
    verb: word(['get', 'list', 'create', 'post']),
    namespace: word(['', 'default', 'kube-system']),
    apiGroup: word(['', 'apps', 'batch']),
    apiVersion: word(['v1']),
    resource: word(['pods', 'deployments', 'configmaps', '*']),
    subresource: word(['', 'log', 'scale', '*']),
    name: word(['', 'n1', 'n2']),
    path: word(['/api', '/apis', '/healthz', '/healthz/etcd', '/version']),
    isResourceRequest: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.array(rule, { minLength: 1, maxLength: 4 }),
      list(['RequestReceived', 'Panic']),
      fc.option(fc.boolean(), { nil: undefined }),
      fc.array(attrs, { minLength: 1, maxLength: 5 }),
      (rules, omitStages, omitManagedFields, requests) => {
        const p = policy(rules as PolicyRule[], { omitStages, omitManagedFields });
        const compiled = compilePolicy(p);
        for (const a of requests) {
          assert.deepEqual(compiled.evaluate(a), evaluateReference(p, a));
        }
      },
    ),
    { numRuns: 500 },
  );
});
