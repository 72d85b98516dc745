// Soundness of the coverage analysis against the evaluator: whenever the analysis says a rule is
// covered by earlier rules, no request matched by that rule may reach it (the reference checker
// must decide every such request with an earlier rule). Also: restricted coverage never claims
// more than the whole rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coverageOf } from './coverage.js';
import { evaluateReference } from './reference.js';
import type { Policy, PolicyRule, RequestAttributes } from './types.js';

const word = (xs: string[]) => fc.constantFrom(...xs);
const list = (xs: string[]) =>
  fc.option(fc.uniqueArray(word(xs), { minLength: 1, maxLength: 3 }), { nil: undefined });

const RESOURCE_PATTERNS = [
  'pods',
  'pods/log',
  'pods/*',
  '*/log',
  '*/scale',
  '*',
  'deployments',
  'deployments/scale',
  'deployments/*',
];
const groupRes = fc.record(
  {
    group: fc.option(word(['', 'apps', '*']), { nil: undefined }),
    resources: list(RESOURCE_PATTERNS),
    resourceNames: list(['n1', 'n2']),
  },
  { requiredKeys: [] },
);
// Valid rules only (resources/namespaces never mixed with nonResourceURLs), as validation ensures.
const rule: fc.Arbitrary<PolicyRule> = fc
  .record(
    {
      users: list(['alice', 'bob']),
      userGroups: list(['g1', 'g2']),
      verbs: list(['get', 'list', 'create']),
      kind: word(['resource', 'nonresource', 'any']),
      namespaces: list(['', 'default']),
      resources: fc.option(fc.array(groupRes, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      nonResourceURLs: list(['*', '/api*', '/apis', '/apis/*', '/healthz*', '/healthz', '/healthz/*']),
    },
    { requiredKeys: ['kind'] },
  )
  .map((r) => {
    const out: PolicyRule = { level: 'Metadata' };
    if (r.users) out.users = r.users;
    if (r.userGroups) out.userGroups = r.userGroups;
    if (r.verbs) out.verbs = r.verbs;
    if (r.kind === 'resource') {
      if (r.namespaces) out.namespaces = r.namespaces;
      out.resources = r.resources ?? [{ group: '' }];
    } else if (r.kind === 'nonresource') {
      out.nonResourceURLs = r.nonResourceURLs ?? ['/healthz'];
    }
    return out;
  });

const request: fc.Arbitrary<RequestAttributes> = fc.record({
  user: fc.option(word(['alice', 'bob', 'carol']), { nil: null }),
  groups: fc.uniqueArray(word(['g1', 'g2', 'g3']), { maxLength: 2 }),
  verb: word(['get', 'list', 'create', 'post']),
  namespace: word(['', 'default', 'other']),
  apiGroup: word(['', 'apps', 'batch']),
  apiVersion: word(['v1']),
  resource: word(['pods', 'deployments', 'configmaps', '*']),
  subresource: word(['', 'log', 'scale', '*']),
  name: word(['', 'n1', 'n2', 'n3']),
  path: word(['/api', '/apis', '/apis/apps', '/healthz', '/healthz/etcd', '/healthzx', '/version']),
  isResourceRequest: fc.boolean(),
});

function matchesAlone(r: PolicyRule, a: RequestAttributes): boolean {
  const alone: Policy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [r] };
  return evaluateReference(alone, a).rule === 0;
}

test('a rule reported as covered is never reached by a request it matches', () => {
  let checked = 0;
  fc.assert(
    fc.property(
      fc.array(rule, { minLength: 2, maxLength: 4 }),
      fc.array(request, { minLength: 20, maxLength: 60 }),
      (rules, requests) => {
        const p: Policy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules };
        for (let j = 1; j < rules.length; j++) {
          const c = coverageOf(rules, j);
          if (!c.covered) continue;
          for (const a of requests) {
            if (!matchesAlone(rules[j], a)) continue;
            const decided = evaluateReference(p, a).rule;
            assert.ok(
              decided !== null && decided < j,
              `rule ${j} is reported covered but decides ${JSON.stringify(a)}`,
            );
            checked++;
          }
        }
      },
    ),
    { numRuns: 1500 },
  );
  // The property is only meaningful if covered rules and requests they match did occur.
  assert.ok(checked > 100, `only ${checked} covered (rule, request) pairs were checked`);
});

test('coverage finds the obvious cases the fuzzer relies on', () => {
  const rules: PolicyRule[] = [
    { level: 'None', users: ['alice'] },
    {
      level: 'Metadata',
      users: ['alice'],
      verbs: ['get'],
      resources: [{ group: 'apps', resources: ['deployments/*'] }],
    },
    { level: 'Metadata', users: ['bob'] },
  ];
  assert.equal(coverageOf(rules, 1).covered, true);
  assert.equal(coverageOf(rules, 2).covered, false);
});
