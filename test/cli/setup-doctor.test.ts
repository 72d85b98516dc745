// End to end: the real `kaudit` binary. `setup apiserver` fixes exactly what `doctor` finds wrong in
// a half-configured kube-apiserver manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, kaudit } from './helpers.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'setup');

function freshLog(dir: string): string {
  const t = new Date(Date.now() - 20_000).toISOString();
  const line = JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'e2e-1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'list',
    user: { username: 'kubernetes-admin' },
    sourceIPs: ['192.168.10.11'],
    responseStatus: { code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
  });
  const p = join(dir, 'kubernetes.audit');
  writeFileSync(p, line + '\n');
  return p;
}

test('setup and doctor --help show examples', () => {
  for (const args of [
    ['setup', 'apiserver', '--help'],
    ['doctor', '--help'],
  ]) {
    const r = kaudit(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Examples:\n {2}(sudo )?kaudit /);
  }
});

test('doctor fails the half-configured manifest; the manifest setup patches passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-e2e-setup-'));
  const log = freshLog(dir);
  const policy = join(REPO, 'policies', 'default.yaml');
  const half = join(FIXTURES, 'half-configured.yaml');
  const before = kaudit(['doctor', '--manifest', half, '--policy', policy, '--log', log]);
  assert.equal(before.status, 1);
  assert.match(before.stdout, /^FAIL manifest\.policy-mount /m);
  assert.match(before.stdout, /^FAIL manifest\.log-mount /m);

  const patched = kaudit(['setup', 'apiserver', '--manifest', half, '--format', 'patch']);
  assert.equal(patched.status, 0, patched.stderr);
  const fixed = join(dir, 'kube-apiserver.yaml');
  writeFileSync(fixed, patched.stdout);
  const after = kaudit(['doctor', '--manifest', fixed, '--policy', policy, '--log', log, '--json']);
  const report = JSON.parse(after.stdout);
  assert.deepEqual(
    report.checks.filter((c: { status: string }) => c.status === 'fail'),
    [],
  );
  assert.equal(after.status, 0);
  assert.equal(report.kubeVersion, '1.30');
});

test('bad input: one sentence on stderr and exit 1', () => {
  const r = kaudit(['setup', 'apiserver', '--max-size', 'big']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'kaudit: --max-size big is not a whole number; give e.g. --max-size 10.\n');
  const d = kaudit(['doctor', '--root', join(tmpdir(), 'no-such-node-root')]);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /^kaudit: nothing to check: .*does not exist; run doctor on a control-plane node/);
});
