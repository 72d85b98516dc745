// Validation with the apiserver's field paths and messages (../shared/spec/k8s-audit.md §1.4),
// per apiserver release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, validatePolicy } from './validate.js';
import { loadPolicy } from './load.js';
import { loadPolicyArgument } from './builtin.js';
import { UserError } from '../cli/errors.js';
import type { Policy, PolicyRule } from './types.js';

function policy(rules: PolicyRule[], extra: Partial<Policy> = {}): Policy {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...extra };
}

function errors(p: Policy, kubeVersion = '1.36'): string[] {
  return validatePolicy(p, { kubeVersion }).errors.map(formatFieldError);
}

test('a valid policy has no errors', () => {
  assert.deepEqual(errors(policy([{ level: 'Metadata', nonResourceURLs: ['*', '/healthz*'] }])), []);
});

test('level missing or unknown', () => {
  assert.deepEqual(errors(policy([{ level: '' }, { level: 'metadata' }])), [
    'rules[0].level: Required value: a level is required',
    'rules[1].level: Unsupported value: "metadata": supported values: "None", "Metadata", "Request", "RequestResponse"',
  ]);
});

test('non-resource URLs must start with / and have * only last; one value can fail both', () => {
  assert.deepEqual(errors(policy([{ level: 'None', nonResourceURLs: ['healthz', '/a*b', '*foo', ''] }])), [
    `rules[0].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a '/' character`,
    `rules[0].nonResourceURLs[1]: Invalid value: "/a*b": non-resource URL wildcards '*' must be the final character of the rule`,
    `rules[0].nonResourceURLs[2]: Invalid value: "*foo": non-resource URL rules must begin with a '/' character`,
    `rules[0].nonResourceURLs[2]: Invalid value: "*foo": non-resource URL wildcards '*' must be the final character of the rule`,
    `rules[0].nonResourceURLs[3]: Invalid value: "": non-resource URL rules must begin with a '/' character`,
  ]);
});

test('group names must be DNS subdomains; the path has no entry index', () => {
  const e = errors(
    policy([
      {
        level: 'None',
        resources: [{ group: 'apps' }, { group: 'apps/v1' }, { group: 'Apps' }, { group: 'apps.' }],
      },
    ]),
  );
  assert.equal(e.length, 3);
  assert.ok(e.every((x) => x.startsWith('rules[0].resources.group: Invalid value: ')));
  assert.match(e[0], /"apps\/v1".*without a version/);
});

test('group "*" is valid from 1.36 only', () => {
  const p = policy([{ level: 'None', resources: [{ group: '*' }] }]);
  assert.deepEqual(errors(p, '1.36'), []);
  assert.deepEqual(errors(p, 'v1.37.1'), []);
  const e = errors(p, '1.35');
  assert.equal(e.length, 1);
  assert.match(e[0], /^rules\[0\]\.resources\.group: Invalid value: "\*": .*1\.36/);
});

test('resourceNames without resources', () => {
  assert.deepEqual(errors(policy([{ level: 'None', resources: [{ group: '', resourceNames: ['a'] }] }])), [
    'rules[0].resources.resourceNames: Invalid value: ["a"]: using resourceNames requires at least one resource',
  ]);
});

test('stage names, in rules and at the top, case-sensitive', () => {
  assert.deepEqual(
    errors(
      policy([{ level: 'None', omitStages: ['requestReceived'] }], {
        omitStages: ['RequestReceived', 'Done'],
      }),
    ),
    [
      'rules[0].omitStages[0]: Invalid value: "requestReceived": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
      'omitStages[1]: Invalid value: "Done": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
    ],
  );
});

test('nonResourceURLs mixed with resources or namespaces', () => {
  assert.deepEqual(
    errors(
      policy([
        { level: 'None', namespaces: ['a'], nonResourceURLs: ['/x'] },
        { level: 'None', resources: [{ group: '' }], nonResourceURLs: ['/x'] },
      ]),
    ),
    [
      'rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs',
      'rules[1].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs',
    ],
  );
});

test('zero rules', () => {
  assert.deepEqual(errors(policy([])), [
    'rules: Required value: loaded illegal policy with 0 rules (the apiserver refuses a policy without rules)',
  ]);
});

test('v1beta1 is rejected by 1.24+ with the fix, accepted by 1.23', () => {
  const p = policy([{ level: 'None' }], { apiVersion: 'audit.k8s.io/v1beta1' });
  const e = errors(p, '1.36');
  assert.equal(e.length, 1);
  assert.match(e[0], /^apiVersion: Invalid value: "audit\.k8s\.io\/v1beta1": no kind "Policy" is registered/);
  assert.match(e[0], /change apiVersion to audit\.k8s\.io\/v1/);
  assert.deepEqual(errors(p, '1.23'), []);
  assert.equal(validatePolicy(p, { ignoreApiVersion: true }).errors.length, 0);
});

test('unknown fields are warnings, errors with strict', () => {
  const { policy: p, warnings } = loadPolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    user: [bob]\n',
    'p.yaml',
  );
  const lenient = validatePolicy(p, { loadWarnings: warnings });
  assert.deepEqual(lenient.errors, []);
  assert.equal(lenient.warnings.length, 1);
  const strict = validatePolicy(p, { loadWarnings: warnings, strict: true });
  assert.equal(strict.errors.length, 1);
  assert.equal(strict.errors[0].field, 'rules[0].user');
});

test('omitManagedFields before 1.23 is a warning: older apiservers ignore it', () => {
  const p = policy([{ level: 'Metadata', omitManagedFields: true }], { omitManagedFields: false });
  assert.deepEqual(validatePolicy(p, { kubeVersion: '1.23' }).warnings, []);
  const old = validatePolicy(p, { kubeVersion: '1.22' });
  assert.deepEqual(old.errors, []);
  assert.deepEqual(
    old.warnings.map((w) => w.field),
    ['omitManagedFields', 'rules[0].omitManagedFields'],
  );
});

test('a bad --kube-version is a UserError', () => {
  assert.throws(() => validatePolicy(policy([{ level: 'None' }]), { kubeVersion: '2.0' }), UserError);
});

test('the built-in policies validate for 1.36', () => {
  for (const name of ['default', 'mesh']) {
    const { policy: p, warnings } = loadPolicyArgument(name);
    assert.equal(p.apiVersion, 'audit.k8s.io/v1');
    assert.deepEqual(validatePolicy(p, { loadWarnings: warnings, strict: true }), {
      errors: [],
      warnings: [],
    });
  }
  assert.equal(loadPolicyArgument('default').policy.rules.length, 12);
});
