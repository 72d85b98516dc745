// Linter findings, with expected results worked out by hand from the §1.2 semantics
// (../shared/spec/k8s-audit.md). Shadowing is coverage, not equality: the wildcard cases below
// are covered by differently written earlier rules, and the near misses are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPolicy, type LintFinding } from './lint.js';
import { coverageOf, patternCovers, urlCovers } from './coverage.js';
import { loadPolicyArgument } from './builtin.js';
import type { Policy, PolicyRule } from './types.js';

function policy(rules: PolicyRule[], extra: Partial<Policy> = {}): Policy {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules, ...extra };
}

function codes(findings: LintFinding[], code: string): (number | null)[] {
  return findings.filter((f) => f.code === code).map((f) => f.rule);
}

test('resource pattern coverage follows the wildcard forms', () => {
  assert.equal(patternCovers('pods/*', 'pods/log'), true);
  assert.equal(patternCovers('pods/*', 'pods'), true);
  assert.equal(patternCovers('pods/*', 'pods/*'), true);
  assert.equal(patternCovers('pods/*', 'podtemplates'), false);
  assert.equal(patternCovers('pods/*', '*/log'), false, 'pods/* does not cover logs of other resources');
  assert.equal(patternCovers('*/scale', 'deployments/scale'), true);
  assert.equal(patternCovers('*/scale', 'deployments'), false);
  assert.equal(patternCovers('*/scale', 'deployments/*'), false);
  assert.equal(patternCovers('*', 'anything/at'), true);
  assert.equal(patternCovers('*', null), true);
  assert.equal(patternCovers('pods', 'pods/log'), false);
  assert.equal(patternCovers('pods/log', 'pods'), false);
  assert.equal(patternCovers('pods', '*'), false);
});

test('URL coverage uses raw string prefixes', () => {
  assert.equal(urlCovers('/api*', '/apis'), true);
  assert.equal(urlCovers('/api*', '/apis/*'), true);
  assert.equal(urlCovers('/healthz*', '/healthz'), true);
  assert.equal(urlCovers('/healthz/*', '/healthz'), false);
  assert.equal(urlCovers('/healthz', '/healthz*'), false);
  assert.equal(urlCovers('*', null), true);
  assert.equal(urlCovers('/a*', '*'), false);
});

test('shadowing: pods/* covers pods/log, /api* covers /apis, */scale covers deployments/scale', () => {
  const p = policy([
    { level: 'None', resources: [{ group: '', resources: ['pods/*'] }] },
    { level: 'Request', resources: [{ group: '', resources: ['pods/log'] }] },
    { level: 'None', nonResourceURLs: ['/api*'] },
    { level: 'Metadata', nonResourceURLs: ['/apis', '/apis/*'] },
    { level: 'None', resources: [{ group: 'apps', resources: ['*/scale'] }] },
    {
      level: 'Metadata',
      resources: [{ group: 'apps', resources: ['deployments/scale', 'statefulsets/scale'] }],
    },
    { level: 'Metadata' },
  ]);
  assert.deepEqual(codes(lintPolicy(p), 'shadowed'), [1, 3, 5]);
});

test('shadowing: a group-less rule covers only the core group', () => {
  const p = policy([
    { level: 'None', resources: [{ resources: ['*/scale'] }] },
    { level: 'Request', resources: [{ group: 'apps', resources: ['deployments/scale'] }] },
    { level: 'Request', resources: [{ group: '', resources: ['replicationcontrollers/scale'] }] },
  ]);
  assert.deepEqual(codes(lintPolicy(p), 'shadowed'), [2]);
});

test('shadowing is union coverage over several earlier rules, per user, verb and namespace', () => {
  const p = policy([
    { level: 'None', users: ['alice'], verbs: ['get'] },
    { level: 'None', users: ['alice'], verbs: ['list'] },
    { level: 'None', namespaces: ['a'] },
    { level: 'None', namespaces: ['b'], verbs: ['get'] },
    // alice get|list: covered by 0 and 1 together.
    { level: 'Metadata', users: ['alice'], verbs: ['get', 'list'] },
    // alice watch: not covered.
    { level: 'Metadata', users: ['alice'], verbs: ['get', 'watch'] },
    // namespace a any verb: covered by 2; namespace b only for get.
    { level: 'Metadata', namespaces: ['a'], resources: [{ group: 'apps' }] },
    { level: 'Metadata', namespaces: ['b'], verbs: ['get', 'list'] },
  ]);
  const f = lintPolicy(p).filter((x) => x.code === 'shadowed');
  assert.deepEqual(
    f.map((x) => x.rule),
    [4, 6],
  );
  assert.match(f[0].message, /rules 0, 1/);
  assert.match(f[1].message, /rule 2\b/);
});

test('shadowing: narrower earlier rules and user-specific rules do not shadow a general rule', () => {
  const p = policy([
    { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'] },
    { level: 'None', resources: [{ group: '', resources: ['pods'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/*'] }] },
    { level: 'None', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['a'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['configmaps'] }] },
    { level: 'None', nonResourceURLs: ['/healthz/*'] },
    { level: 'Metadata', nonResourceURLs: ['/healthz'] },
    { level: 'Metadata' },
  ]);
  assert.deepEqual(codes(lintPolicy(p), 'shadowed'), []);
});

test('shadowing: a catch-all is covered by an all-resources rule plus a "*" URL rule', () => {
  const p = policy([
    { level: 'None', resources: [{ group: '*', resources: ['*'] }] },
    { level: 'None', nonResourceURLs: ['*'] },
    { level: 'Metadata' },
  ]);
  assert.deepEqual(codes(lintPolicy(p), 'shadowed'), [2]);
  const c = coverageOf(p.rules, 2);
  assert.deepEqual(c.coveredBy, [0, 1]);
});

test('unknown verbs, resources and groups, with suggestions', () => {
  const p = policy([
    {
      level: 'Metadata',
      verbs: ['GET', 'impersonate', 'lsit'],
      resources: [{ group: 'apps', resources: ['deployment'] }],
    },
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/logs', 'deployments'] }] },
    { level: 'Metadata', resources: [{ group: 'extensions', resources: ['deployments', 'ingresses'] }] },
    { level: 'Metadata', resources: [{ group: 'rbac', resources: ['roles'] }] },
    { level: 'Metadata', resources: [{ group: 'example.com', resources: ['widgets'] }] },
  ]);
  const f = lintPolicy(p);
  const verbs = f.filter((x) => x.code === 'unknown-verb');
  assert.equal(verbs.length, 3);
  assert.match(verbs[0].fix, /"get"/);
  assert.match(verbs[1].message, /RBAC/);
  assert.match(verbs[2].fix, /"list"/);
  const res = f.filter((x) => x.code === 'unknown-resource');
  assert.deepEqual(
    res.map((x) => [x.rule, x.fix]),
    [
      [0, 'did you mean "deployments"?'],
      [1, 'did you mean "pods/log"?'],
    ],
  );
  const wrong = f.filter((x) => x.code === 'wrong-group');
  assert.equal(wrong.length, 1);
  assert.equal(wrong[0].rule, 1);
  assert.match(wrong[0].message, /"apps"/);
  const removed = f.filter((x) => x.code === 'removed-group');
  assert.equal(removed.length, 1);
  assert.equal(removed[0].severity, 'warning');
  assert.match(removed[0].message, /deployments → apps/);
  assert.match(removed[0].message, /ingresses → networking\.k8s\.io/);
  const groups = f.filter((x) => x.code === 'unknown-group');
  assert.deepEqual(
    groups.map((x) => x.rule),
    [3],
    'custom resource groups (with a dot) are not judged',
  );
});

test('verbs of the wrong kind of request', () => {
  const p = policy([
    { level: 'None', verbs: ['post', 'get'], resources: [{ group: '' }] },
    { level: 'None', verbs: ['create', 'list', 'get', 'post'], nonResourceURLs: ['/logs/*'] },
    { level: 'Metadata', verbs: ['post', 'create'] },
  ]);
  const f = lintPolicy(p).filter((x) => x.code === 'verb-kind-mismatch');
  assert.deepEqual(
    f.map((x) => [x.rule, x.fix]),
    [
      [0, 'write "create"'],
      [1, 'write "post"'],
      [1, 'write the HTTP method, e.g. "get"'],
    ],
  );
});

test('credentials logged above Metadata: direct, through a group-wide rule, and not when covered first', () => {
  const leaky = policy([
    { level: 'RequestResponse', resources: [{ group: '', resources: ['secrets'] }] },
    { level: 'Request', resources: [{ group: 'authentication.k8s.io' }] },
    { level: 'Request' },
  ]);
  const f = lintPolicy(leaky).filter((x) => x.code === 'credentials-logged');
  // rule 0: secrets. rule 1: tokenreviews (spec.token in the request). rule 2 (catch-all at
  // Request): configmaps (not covered before). serviceaccounts/token needs RequestResponse.
  assert.deepEqual(
    f.map((x) => [x.rule, x.message.split(' ')[0]]),
    [
      [0, 'secrets'],
      [1, 'tokenreviews'],
      [2, 'configmaps'],
    ],
  );
  const safe = policy([
    {
      level: 'Metadata',
      resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }],
    },
    { level: 'Metadata', resources: [{ group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
    { level: 'RequestResponse' },
  ]);
  assert.deepEqual(codes(lintPolicy(safe), 'credentials-logged'), []);
});

test('RequestReceived not omitted is reported once, for the policy', () => {
  const p = policy([{ level: 'Metadata' }], { omitStages: [] });
  const f = lintPolicy(p).filter((x) => x.code === 'request-received-kept');
  assert.equal(f.length, 1);
  assert.equal(f[0].rule, null);
  const ruleLevel = policy([{ level: 'Metadata', omitStages: ['RequestReceived'] }, { level: 'None' }], {
    omitStages: [],
  });
  assert.deepEqual(codes(lintPolicy(ruleLevel), 'request-received-kept'), []);
});

test('the /api* prefix trap', () => {
  const p = policy([
    { level: 'None', nonResourceURLs: ['/api*', '/healthz*', '/apis/*'] },
    { level: 'Metadata' },
  ]);
  const f = lintPolicy(p).filter((x) => x.code === 'prefix-trap');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /\/apis/);
  assert.match(f[0].why, /never selects resource requests/);
});

test('nonResourceURLs naming resource paths never match resource requests', () => {
  const p = policy([
    {
      level: 'None',
      nonResourceURLs: [
        '/api/v1/namespaces/kube-system/*',
        '/apis/apps/v1/deployments',
        '/apis/apps/v1',
        '/api/v1',
      ],
    },
    { level: 'Metadata' },
  ]);
  const f = lintPolicy(p).filter((x) => x.code === 'resource-path-as-url');
  // The discovery documents /apis/apps/v1 and /api/v1 are non-resource paths: not flagged.
  assert.deepEqual(
    f.map((x) => x.message.split('"')[1]),
    ['/api/v1/namespaces/kube-system/*', '/apis/apps/v1/deployments'],
  );
});

test('watch/list at RequestResponse unless an earlier rule takes them', () => {
  const p = policy([{ level: 'RequestResponse', resources: [{ group: 'apps' }] }]);
  const f = lintPolicy(p).filter((x) => x.code === 'list-watch-request-response');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /^list and watch/);
  const fixed = policy([
    { level: 'Request', verbs: ['get', 'list', 'watch'], resources: [{ group: 'apps' }] },
    { level: 'RequestResponse', resources: [{ group: 'apps' }] },
  ]);
  assert.deepEqual(codes(lintPolicy(fixed), 'list-watch-request-response'), []);
  const onlyList = policy([
    { level: 'Request', verbs: ['watch'] },
    { level: 'RequestResponse', verbs: ['list', 'watch', 'create'] },
  ]);
  const g = lintPolicy(onlyList).filter((x) => x.code === 'list-watch-request-response');
  assert.deepEqual(
    g.map((x) => x.message),
    ['list requests reach rule 1 at RequestResponse'],
  );
});

test('validation errors and resourceNames that cannot match are findings too', () => {
  const p = policy([
    { level: 'Verbose' },
    {
      level: 'None',
      verbs: ['create'],
      resources: [{ group: '', resources: ['pods'], resourceNames: ['x'] }],
    },
  ]);
  const f = lintPolicy(p);
  assert.deepEqual(codes(f, 'invalid'), [0]);
  assert.deepEqual(codes(f, 'resource-names-never-match'), [1]);
});

test('the built-in default policy: only the findings docs/audit-policy.md explains', () => {
  const { policy: p, warnings } = loadPolicyArgument('default');
  const f = lintPolicy(p, { loadWarnings: warnings });
  assert.deepEqual(
    f.map((x) => [x.rule, x.code]),
    [
      [9, 'removed-group'],
      [9, 'removed-group'],
      [10, 'removed-group'],
      [10, 'removed-group'],
      [10, 'credentials-logged'],
    ],
  );
  assert.match(f[4].message, /serviceaccounts\/token/);
});

test('the built-in mesh policy lints clean', () => {
  const { policy: p, warnings } = loadPolicyArgument('mesh');
  assert.deepEqual(lintPolicy(p, { loadWarnings: warnings }), []);
});
