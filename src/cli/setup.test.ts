import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from './errors.js';
import { runSetupApiserver, type SetupFlags } from './setup.js';
import { runDoctorCommand } from './doctor.js';
import { repoRoot } from '../setup/testing.js';

const FIXTURES = join(repoRoot(import.meta.dirname), 'test', 'fixtures', 'setup');

function flags(over: Partial<SetupFlags> = {}): SetupFlags {
  return {
    policy: 'default',
    policyPath: '/etc/kubernetes/audit-policy.yml',
    logPath: '/var/log/kubernetes/kubernetes.audit',
    maxAge: '7',
    maxBackup: '10',
    maxSize: '100',
    webhookConfigPath: '/etc/kubernetes/audit-webhook.kubeconfig',
    caFile: '/etc/kubernetes/pki/kaudit-ca.crt',
    kubeVersion: '1.36',
    format: 'text',
    ...over,
  };
}

test('json: the seed document flags, two hostPath volumes and the policy file', () => {
  const out = JSON.parse(runSetupApiserver(flags({ format: 'json' }), new Set()).stdout);
  assert.deepEqual(
    out.flags.map((f: { name: string; value: string }) => `--${f.name}=${f.value}`),
    [
      '--audit-policy-file=/etc/kubernetes/audit-policy.yml',
      '--audit-log-path=/var/log/kubernetes/kubernetes.audit',
      '--audit-log-format=json',
      '--audit-log-maxage=7',
      '--audit-log-maxbackup=10',
      '--audit-log-maxsize=100',
    ],
  );
  assert.deepEqual(out.volumes, [
    { hostPath: { path: '/etc/kubernetes/audit-policy.yml', type: 'File' }, name: 'audit-policy' },
    { hostPath: { path: '/var/log/kubernetes', type: 'DirectoryOrCreate' }, name: 'k8s-audit' },
  ]);
  assert.equal(out.files.length, 1);
  assert.equal(out.files[0].path, '/etc/kubernetes/audit-policy.yml');
  assert.equal(parse(out.files[0].content).kind, 'Policy');
  assert.equal(out.manifest, null);
});

test('webhook: kubeconfig file, batch flags and the URL in cluster.server', () => {
  const url = 'https://kaudit.example.com:8080/audit/webhook/prod';
  const out = JSON.parse(runSetupApiserver(flags({ format: 'json', webhook: url }), new Set()).stdout);
  const kubeconfig = out.files.find(
    (f: { path: string }) => f.path === '/etc/kubernetes/audit-webhook.kubeconfig',
  );
  assert.equal(parse(kubeconfig.content).clusters[0].cluster.server, url);
  const names = out.flags.map((f: { name: string }) => f.name);
  assert.ok(names.includes('audit-webhook-config-file') && names.includes('audit-webhook-mode'));
  assert.deepEqual(
    out.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
    [
      '/etc/kubernetes/audit-policy.yml',
      '/var/log/kubernetes',
      '/etc/kubernetes/audit-webhook.kubeconfig',
      '/etc/kubernetes/pki/kaudit-ca.crt',
    ],
  );
});

test('--format patch prints the patched manifest; text prints a diff and says what is kept', () => {
  const manifest = join(FIXTURES, 'half-configured.yaml');
  const patched = runSetupApiserver(flags({ format: 'patch', manifest }), new Set()).stdout;
  assert.match(patched, /- --audit-log-maxbackup=10\n/);
  assert.match(patched, /- --audit-log-maxage=30\n/);
  const text = runSetupApiserver(flags({ manifest }), new Set()).stdout;
  assert.match(text, /^\+ {4}- --audit-log-maxsize=100$/m);
  assert.match(text, /--audit-log-maxage=30 \(already set; pass the option to change it\)/);
  const explicit = runSetupApiserver(flags({ manifest, maxAge: '14' }), new Set(['maxAge'])).stdout;
  assert.match(explicit, /^- {4}- --audit-log-maxage=30$/m);
  assert.match(explicit, /^\+ {4}- --audit-log-maxage=14$/m);
});

test('--out writes the files but never under /etc/kubernetes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-setup-'));
  const out = join(dir, 'audit-setup');
  const r = runSetupApiserver(
    flags({
      manifest: join(FIXTURES, 'kubeadm-no-audit.yaml'),
      out,
      webhook: 'https://k:8080/audit/webhook',
    }),
    new Set(),
  );
  assert.match(r.stderr, /wrote .*audit-policy\.yml/);
  for (const name of ['audit-policy.yml', 'audit-webhook.kubeconfig', 'kube-apiserver.yaml']) {
    assert.equal(statSync(join(out, name)).mode & 0o777, 0o600, name);
  }
  assert.match(readFileSync(join(out, 'kube-apiserver.yaml'), 'utf8'), /--audit-webhook-config-file=/);
  assert.throws(
    () => runSetupApiserver(flags({ out: '/etc/kubernetes/manifests' }), new Set()),
    (e: unknown) => e instanceof UserError && /never writes system files/.test(e.message),
  );
});

test('bad input: one sentence each', () => {
  const cases: [Partial<SetupFlags>, RegExp][] = [
    [{ format: 'patch' }, /needs --manifest FILE/],
    [{ maxSize: 'big' }, /--max-size big is not a whole number/],
    [{ maxSize: '0' }, /--max-size 0 is not a positive whole number/],
    [{ logPath: 'audit.log' }, /not an absolute path/],
    [{ logPath: '-' }, /cannot follow/],
    [{ kubeVersion: 'latest' }, /is not a Kubernetes release/],
    [{ compress: true, kubeVersion: '1.19' }, /--compress needs kube-apiserver 1\.20/],
    [{ webhook: 'ftp://x/audit/webhook' }, /uses ftp:/],
    [{ manifest: '/nonexistent/kube-apiserver.yaml' }, /does not exist/],
    [{ manifest: tmpdir() }, /is a directory; give the kube-apiserver\.yaml file/],
    [{ policy: '/nonexistent/policy.yaml' }, /does not exist/],
  ];
  for (const [over, re] of cases) {
    assert.throws(
      () => runSetupApiserver(flags(over), new Set()),
      (e: unknown) => e instanceof UserError && re.test(e.message),
      JSON.stringify(over),
    );
  }
  // A v1beta1 policy would stop a 1.36 apiserver; it is fine on 1.23.
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-setup-'));
  const old = join(dir, 'old.yaml');
  writeFileSync(old, 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n');
  assert.throws(
    () => runSetupApiserver(flags({ policy: old }), new Set()),
    (e: unknown) => e instanceof UserError && /would stop kube-apiserver 1\.36/.test(e.message),
  );
  assert.doesNotThrow(() => runSetupApiserver(flags({ policy: old, kubeVersion: '1.23' }), new Set()));
});

test('doctor exits 1 on a failure and prints one line per check', () => {
  const r = runDoctorCommand({ manifest: join(FIXTURES, 'kubeadm-no-audit.yaml'), format: 'text' });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^kube-apiserver 1\.30 \(from the image tag\)$/m);
  assert.match(
    r.stdout,
    /^FAIL manifest\.policy-flag +kube-apiserver has no --audit-policy-file.* — fix: add --audit-policy-file=/m,
  );
  const json = JSON.parse(
    runDoctorCommand({ manifest: join(FIXTURES, 'kubeadm-no-audit.yaml'), format: 'text', json: true })
      .stdout,
  );
  assert.equal(json.ok, false);
  assert.deepEqual(json.summary, { ok: 2, warn: 0, fail: 2 });
});

test('with --manifest the release defaults to the image tag; --kube-version wins', () => {
  const manifest = join(FIXTURES, 'half-configured.yaml'); // kube-apiserver:v1.30.2
  const auto = JSON.parse(runSetupApiserver(flags({ manifest, format: 'json' }), new Set()).stdout);
  assert.equal(auto.kubeVersion, '1.30');
  const forced = JSON.parse(
    runSetupApiserver(flags({ manifest, format: 'json', kubeVersion: '1.36' }), new Set(['kubeVersion']))
      .stdout,
  );
  assert.equal(forced.kubeVersion, '1.36');
  // A v1beta1 policy suits the 1.23 apiserver a manifest runs, without naming the release.
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-setup-'));
  const old = join(dir, 'old.yaml');
  writeFileSync(old, 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n');
  const m123 = join(dir, 'kube-apiserver.yaml');
  writeFileSync(m123, readFileSync(manifest, 'utf8').replace('v1.30.2', 'v1.23.17'));
  assert.doesNotThrow(() => runSetupApiserver(flags({ manifest: m123, policy: old }), new Set()));
  assert.throws(
    () => runSetupApiserver(flags({ manifest: join(FIXTURES, 'complete.yaml'), policy: old }), new Set()),
    (e: unknown) => e instanceof UserError && /would stop kube-apiserver 1\.36/.test(e.message),
  );
});
