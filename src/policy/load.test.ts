// Loading policy files: YAML and JSON, old versions, lenient unknown fields, and one clear
// sentence with file:line:column for every kind of bad input (../shared/spec/k8s-audit.md §1.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy } from './load.js';
import { UserError } from '../cli/errors.js';

function loadError(text: string): string {
  try {
    loadPolicy(text, 'p.yaml');
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected loadPolicy to throw');
}

test('YAML and JSON policies load to the same rules', () => {
  const yaml = loadPolicy(
    `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods/log"]
`,
    'p.yaml',
  );
  const json = loadPolicy(
    '{"apiVersion":"audit.k8s.io/v1","kind":"Policy","omitStages":["RequestReceived"],"rules":[{"level":"Metadata","resources":[{"group":"","resources":["pods/log"]}]}]}',
    'p.json',
  );
  assert.deepEqual(yaml.policy, json.policy);
  assert.deepEqual(yaml.policy.rules, [
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/log'] }] },
  ]);
  assert.deepEqual(yaml.warnings, []);
});

test('v1beta1 loads with a warning that 1.24+ rejects it', () => {
  const r = loadPolicy('apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n', 'p.yaml');
  assert.equal(r.policy.apiVersion, 'audit.k8s.io/v1beta1');
  assert.equal(r.warnings.length, 1);
  assert.equal(r.warnings[0].code, 'old-version');
  assert.match(r.warnings[0].message, /1\.24/);
});

test('unknown fields are dropped with a warning that explains the risk and points at the key', () => {
  // `verb` is a typo of `verbs`: the rule silently matches every verb.
  const r = loadPolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    verb: ["get"]\n',
    'p.yaml',
  );
  assert.deepEqual(r.policy.rules, [{ level: 'None' }]);
  assert.equal(r.warnings.length, 1);
  assert.equal(r.warnings[0].field, 'rules[0].verb');
  assert.equal(r.warnings[0].where, 'p.yaml:5:5');
  assert.match(r.warnings[0].message, /widens the rule/);
  assert.match(r.warnings[0].message, /did you mean "verbs"/);
});

test('a mis-indented key lands in the wrong object and is reported there', () => {
  const r = loadPolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources:\n      - group: ""\n        verbs: ["get"]\n',
    'p.yaml',
  );
  assert.equal(r.warnings[0].field, 'rules[0].resources[0].verbs');
});

test('duplicate keys warn and the last value is kept', () => {
  const r = loadPolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    level: Metadata\n',
    'p.yaml',
  );
  assert.equal(r.policy.rules[0].level, 'Metadata');
  assert.equal(r.warnings[0].code, 'duplicate-field');
});

test('an explicitly empty list warns that it matches everything', () => {
  const r = loadPolicy(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    users:\n',
    'p.yaml',
  );
  assert.deepEqual(r.policy.rules, [{ level: 'None' }]);
  assert.equal(r.warnings[0].code, 'null-field');
});

test('YAML syntax errors carry line and column', () => {
  const msg = loadError('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n   users: [a\n');
  assert.match(msg, /^p\.yaml:\d+:\d+: the policy is not valid YAML or JSON/);
  const json = loadError('{"apiVersion": "audit.k8s.io/v1",\n "kind": "Policy" "rules": []}');
  assert.match(json, /^p\.yaml:2:\d+:/);
});

test('empty files, wrong types, missing apiVersion and unknown kinds are one sentence each', () => {
  assert.match(loadError(''), /p\.yaml is empty/);
  assert.match(loadError('# only a comment\n'), /p\.yaml is empty/);
  assert.match(loadError('- a\n- b\n'), /not a Policy object/);
  assert.match(loadError('kind: Policy\nrules: []\n'), /apiVersion is missing/);
  assert.match(loadError('apiVersion: v1\nkind: Policy\n'), /"v1" is not an audit policy version/);
  assert.match(loadError('apiVersion: audit.k8s.io/v1\nkind: Event\n'), /kind is "Event"/);
  const verbs = loadError(
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    verbs: get\n',
  );
  assert.equal(
    verbs,
    'p.yaml:5:12: rules[0].verbs must be a list of strings, not string "get" (write verbs: ["get"]); fix its type.',
  );
  assert.match(
    loadError('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: 3\n'),
    /p\.yaml:4:12: rules\[0\]\.level must be a string, not number 3/,
  );
  assert.match(
    loadError(
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitManagedFields: "yes"\nrules: [{level: None}]\n',
    ),
    /omitManagedFields must be true or false/,
  );
  assert.match(
    loadError('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    users: [1]\n'),
    /rules\[0\]\.users\[0\] must be a string, not number 1/,
  );
  assert.match(
    loadError('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: {level: None}\n'),
    /rules must be a list of mappings/,
  );
  assert.match(loadError('a: 1\n---\nb: 2\n'), /2 YAML documents/);
});
