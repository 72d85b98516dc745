// `kaudit alerts coverage` through the real binary (bin/kaudit.js, built): the report for kaudit's
// default policy, the CI exit code, the help text and one-sentence errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kaudit } from '../cli/helpers.js';

test('kaudit alerts coverage --policy default names the blind rule and the policy rule to change', () => {
  const r = kaudit(['alerts', 'coverage', '--policy', 'default', '--format', 'table']);
  assert.equal(r.status, 0, r.stderr);
  // policies/default.yaml rule 8 keeps ConfigMaps at Metadata; the credentials rule reads the body.
  assert.match(
    r.stdout,
    /Rules that can never fire under default \(built-in\):\n {2}falco-configmap-private-credentials .*\n {4}policy rule 8 gives level Metadata \(the rule needs Request\)/,
  );
  assert.match(r.stdout, /sigma-events-deleted .*\n {4}policy rule 7 gives level None/);
  const ci = kaudit(['alerts', 'coverage', '--policy', 'default', '--fail-on', 'never', '--json']);
  assert.equal(ci.status, 1);
  const report = JSON.parse(ci.stdout) as { never: string[] };
  assert.ok(report.never.includes('falco-configmap-private-credentials'));
});

test('a policy that records everything with bodies leaves no rule blind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-cov-cli-'));
  try {
    const file = join(dir, 'all.yaml');
    writeFileSync(file, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse\n');
    const r = kaudit(['alerts', 'coverage', '--policy', file, '--fail-on', 'partial', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { never: string[]; partial: string[] };
    assert.deepEqual([report.never, report.partial], [[], []]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('help has examples; a missing policy is one clear sentence and exit 1', () => {
  const help = kaudit(['alerts', 'coverage', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Examples:\n {2}kaudit alerts coverage --policy/);
  const missing = kaudit(['alerts', 'coverage', '--policy', '/nonexistent/policy.yaml']);
  assert.equal(missing.status, 1);
  assert.equal(
    missing.stderr,
    'kaudit: policy file /nonexistent/policy.yaml does not exist; give a path or a built-in name (default, mesh).\n',
  );
  const none = kaudit(['alerts', 'coverage']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^kaudit: alerts coverage needs --policy FILE/);
});
