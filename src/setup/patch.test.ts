import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { UserError } from '../cli/errors.js';
import { flagValue, parseApiserverManifest, resolveContainerPath } from './manifest.js';
import { patchManifest } from './patch.js';
import { planAudit, SETUP_DEFAULTS, type SetupOptions } from './plan.js';
import { repoRoot } from './testing.js';

const FIXTURES = join(repoRoot(import.meta.dirname), 'test', 'fixtures', 'setup');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function options(over: Partial<SetupOptions> = {}): SetupOptions {
  return { ...SETUP_DEFAULTS, compress: false, explicit: new Set(), ...over };
}

function patch(text: string, over: Partial<SetupOptions> = {}) {
  const m = parseApiserverManifest(text, 'kube-apiserver.yaml');
  const opts = options(over);
  return patchManifest(m, planAudit(opts, m), opts);
}

/** Lines of `after` that are not in `before`, and whether every line of `before` survives in order. */
function added(before: string, after: string): { lines: string[]; onlyAdds: boolean } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lines: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && a[i] === line) i++;
    else lines.push(line);
  }
  return { lines, onlyAdds: i === a.length };
}

test('kubeadm manifest without auditing: flags go in sorted, volumes and mounts appended, nothing else changes', () => {
  const before = fixture('kubeadm-no-audit.yaml');
  const r = patch(before);
  const { lines, onlyAdds } = added(before, r.text);
  assert.ok(onlyAdds, 'every original line is kept, in order');
  // Worked out from the seed document's settings and kubeadm's layout (4-space `- ` items for the
  // command, 4-space mounts, 2-space volumes).
  assert.deepEqual(lines, [
    '    - --audit-log-format=json',
    '    - --audit-log-maxage=7',
    '    - --audit-log-maxbackup=10',
    '    - --audit-log-maxsize=100',
    '    - --audit-log-path=/var/log/kubernetes/kubernetes.audit',
    '    - --audit-policy-file=/etc/kubernetes/audit-policy.yml',
    '    - mountPath: /etc/kubernetes/audit-policy.yml',
    '      name: audit-policy',
    '      readOnly: true',
    '    - mountPath: /var/log/kubernetes',
    '      name: k8s-audit',
    '  - hostPath:',
    '      path: /etc/kubernetes/audit-policy.yml',
    '      type: File',
    '    name: audit-policy',
    '  - hostPath:',
    '      path: /var/log/kubernetes',
    '      type: DirectoryOrCreate',
    '    name: k8s-audit',
  ]);
  // The new flags sit between --allow-privileged and --authorization-mode.
  const cmd = r.text.split('\n');
  const at = cmd.indexOf('    - --allow-privileged=true');
  assert.equal(cmd[at + 1], '    - --audit-log-format=json');
  assert.equal(cmd[at + 7], '    - --authorization-mode=Node,RBAC');
  // The result is a valid pod whose container sees the policy and can write the log.
  const m = parseApiserverManifest(r.text, 'patched');
  const policy = resolveContainerPath(m, '/etc/kubernetes/audit-policy.yml');
  assert.equal(policy.kind, 'host');
  assert.equal(policy.kind === 'host' && policy.hostPath, '/etc/kubernetes/audit-policy.yml');
  const log = resolveContainerPath(m, '/var/log/kubernetes/kubernetes.audit');
  assert.ok(log.kind === 'host' && !log.mount.readOnly);
  assert.equal(r.changes.filter((c) => c.action === 'add').length, 6 + 2 + 2);
});

test('patching twice changes nothing the second time', () => {
  const once = patch(fixture('kubeadm-no-audit.yaml')).text;
  const twice = patch(once);
  assert.equal(twice.text, once);
  assert.ok(twice.changes.every((c) => c.action === 'keep'));
});

test('the complete manifest needs no change', () => {
  const before = fixture('complete.yaml');
  const r = patch(before);
  assert.equal(r.text, before);
  assert.equal(r.changes.filter((c) => c.action !== 'keep').length, 0);
});

test('half-configured: existing maxage is kept, missing flags and both mounts are added', () => {
  const before = fixture('half-configured.yaml');
  const r = patch(before);
  const { lines, onlyAdds } = added(before, r.text);
  assert.ok(onlyAdds);
  assert.deepEqual(
    lines.filter((l) => l.includes('--')),
    ['    - --audit-log-format=json', '    - --audit-log-maxbackup=10', '    - --audit-log-maxsize=100'],
  );
  const m = parseApiserverManifest(r.text, 'patched');
  assert.equal(flagValue(m, 'audit-log-maxage'), '30');
  assert.equal(resolveContainerPath(m, '/etc/kubernetes/audit-policy.yml').kind, 'host');
  // Asking for a value replaces the existing one in place.
  const explicit = patch(before, { maxAge: 7, explicit: new Set(['maxAge']) });
  assert.match(explicit.text, /^ {4}- --audit-log-maxage=7$/m);
  assert.doesNotMatch(explicit.text, /maxage=30/);
  assert.ok(explicit.changes.some((c) => c.action === 'update' && c.detail === '--audit-log-maxage=30 → 7'));
});

const ARGS_STYLE = `# installer-generated; keep this comment
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: "registry.k8s.io/kube-apiserver:v1.29.4"
      command: ["kube-apiserver"]
      args:
        - --secure-port=6443
        - --audit-log-format
        - legacy
        - --audit-log-maxsize=0   # set long ago
        - --audit-policy-file
        - /srv/audit/policy.yaml
  hostNetwork: true
`;

test('args list, "--flag value" form, comments and flow style elsewhere are preserved; broken values are fixed', () => {
  const r = patch(ARGS_STYLE);
  const text = r.text;
  assert.ok(text.startsWith('# installer-generated; keep this comment\n'));
  assert.match(text, /command: \["kube-apiserver"\]/);
  // legacy → json in the value item; maxsize 0 is replaced even though it was not asked for (0 = no rotation in 1.36).
  assert.match(text, /- --audit-log-format\n {8}- json\n/);
  assert.match(text, /- --audit-log-maxsize=100 {3}# set long ago\n/);
  // The existing policy path is kept, and mounted from the same node path.
  const m = parseApiserverManifest(text, 'patched');
  assert.equal(flagValue(m, 'audit-policy-file'), '/srv/audit/policy.yaml');
  assert.equal(m.flagList, 'args');
  const policy = resolveContainerPath(m, '/srv/audit/policy.yaml');
  assert.ok(policy.kind === 'host' && policy.hostPath === '/srv/audit/policy.yaml' && policy.mount.readOnly);
  // No volumeMounts/volumes keys existed: both were created as block lists.
  const doc = parseDocument(text).toJS();
  assert.deepEqual(doc.spec.containers[0].volumeMounts, [
    { mountPath: '/srv/audit/policy.yaml', name: 'audit-policy', readOnly: true },
    { mountPath: '/var/log/kubernetes', name: 'k8s-audit' },
  ]);
  assert.deepEqual(doc.spec.volumes, [
    { hostPath: { path: '/srv/audit/policy.yaml', type: 'File' }, name: 'audit-policy' },
    { hostPath: { path: '/var/log/kubernetes', type: 'DirectoryOrCreate' }, name: 'k8s-audit' },
  ]);
  assert.equal(doc.spec.hostNetwork, true);
});

test('a read-only log mount becomes writable, a mount without its volume gets one, name clashes get a suffix', () => {
  const text = fixture('kubeadm-no-audit.yaml')
    .replace(
      '    - mountPath: /etc/ssl/certs\n',
      '    - mountPath: /var/log/kubernetes\n      name: k8s-audit\n      readOnly: true\n    - mountPath: /etc/kubernetes/audit-policy.yml\n      name: policy-file\n      readOnly: true\n    - mountPath: /etc/ssl/certs\n',
    )
    .replace(
      '  - hostPath:\n      path: /etc/ssl/certs\n',
      '  - hostPath:\n      path: /var/log/kubernetes\n      type: DirectoryOrCreate\n    name: k8s-audit\n  - hostPath:\n      path: /etc/ssl/certs\n',
    );
  const r = patch(text, {
    webhook: 'https://kaudit.example.com:8080/audit/webhook/prod',
    webhookConfigPath: '/etc/kaudit/wh.kubeconfig',
  });
  const doc = parseDocument(r.text).toJS();
  const mounts = doc.spec.containers[0].volumeMounts;
  assert.deepEqual(mounts[0], { mountPath: '/var/log/kubernetes', name: 'k8s-audit', readOnly: false });
  const vols = doc.spec.volumes as { name: string; hostPath: { path: string; type: string } }[];
  assert.deepEqual(
    vols.find((v) => v.name === 'policy-file'),
    { hostPath: { path: '/etc/kubernetes/audit-policy.yml', type: 'File' }, name: 'policy-file' },
  );
  // The webhook kubeconfig needs its own mount; the CA under /etc/kubernetes/pki is already mounted.
  assert.deepEqual(mounts[mounts.length - 1], {
    mountPath: '/etc/kaudit/wh.kubeconfig',
    name: 'audit-webhook-config',
    readOnly: true,
  });
  assert.ok(!vols.some((v) => v.name === 'kaudit-ca'));
  const m = parseApiserverManifest(r.text, 'patched');
  assert.equal(flagValue(m, 'audit-webhook-config-file'), '/etc/kaudit/wh.kubeconfig');
  assert.equal(flagValue(m, 'audit-webhook-batch-max-size'), '400');

  const clash = fixture('kubeadm-no-audit.yaml').replace(
    '  - hostPath:\n      path: /etc/ssl/certs\n      type: DirectoryOrCreate\n    name: ca-certs\n',
    '  - hostPath:\n      path: /etc/ssl/certs\n      type: DirectoryOrCreate\n    name: ca-certs\n  - hostPath:\n      path: /opt/other\n    name: audit-policy\n',
  );
  const names = (parseDocument(patch(clash).text).toJS().spec.volumes as { name: string }[]).map(
    (v) => v.name,
  );
  assert.deepEqual(
    names.filter((n) => n.startsWith('audit-policy')),
    ['audit-policy', 'audit-policy-2'],
  );
});

test('layouts kaudit cannot edit safely are refused with one sentence', () => {
  const flow = ARGS_STYLE.replace(/args:\n(?: {8}- .*\n)+/, 'args: ["--secure-port=6443"]\n');
  assert.throws(
    () => patch(flow),
    (e: unknown) => e instanceof UserError && /flow style/.test(e.message),
  );
  assert.throws(
    () => parseApiserverManifest('apiVersion: v1\nkind: Deployment\n', 'x.yaml'),
    (e: unknown) => e instanceof UserError && /not a Pod manifest/.test(e.message),
  );
  assert.throws(
    () =>
      parseApiserverManifest(
        'kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: [etcd]\n',
        'x.yaml',
      ),
    (e: unknown) => e instanceof UserError && /no kube-apiserver container/.test(e.message),
  );
  assert.throws(
    () => parseApiserverManifest('kind: Pod\nspec: [\n', 'x.yaml'),
    (e: unknown) => e instanceof UserError && /^x\.yaml:\d+: the manifest is not valid YAML/.test(e.message),
  );
});

test('property: any mix of existing audit flags and mounts ends fully configured, keeping set values, idempotently', () => {
  const base = fixture('kubeadm-no-audit.yaml');
  const value = (name: string) =>
    name === 'audit-log-format'
      ? fc.constantFrom('json', 'legacy')
      : name === 'audit-log-maxsize'
        ? fc.constantFrom('0', '50', '100')
        : name.endsWith('path') || name.endsWith('file')
          ? fc.constant(
              name === 'audit-policy-file' ? '/etc/kubernetes/policy.yaml' : '/var/log/kube-audit/audit.log',
            )
          : fc.constantFrom('0', '3', '30');
  const names = [
    'audit-log-format',
    'audit-log-maxage',
    'audit-log-maxbackup',
    'audit-log-maxsize',
    'audit-log-path',
    'audit-policy-file',
  ];
  const flagArb = fc.tuple(
    ...names.map((n) => fc.option(fc.tuple(value(n), fc.boolean()), { nil: undefined })),
  );
  const mountArb = fc.record({ policy: fc.boolean(), log: fc.constantFrom('none', 'rw', 'ro') });
  fc.assert(
    fc.property(flagArb, mountArb, (flags, mounts) => {
      const items: string[] = [];
      const existing = new Map<string, string>();
      flags.forEach((f, i) => {
        if (!f) return;
        const [v, separate] = f;
        existing.set(names[i], v);
        items.push(...(separate ? [`    - --${names[i]}`, `    - "${v}"`] : [`    - --${names[i]}=${v}`]));
      });
      const policyPath = existing.get('audit-policy-file') ?? '/etc/kubernetes/audit-policy.yml';
      const logDir = dirname(existing.get('audit-log-path') ?? '/var/log/kubernetes/x');
      let text = base.replace(
        '    - --advertise-address=192.168.10.11\n',
        `${items.map((l) => l + '\n').join('')}    - --advertise-address=192.168.10.11\n`,
      );
      const addMount = (path: string, name: string, ro: boolean) => {
        text = text
          .replace(
            '    volumeMounts:\n',
            `    volumeMounts:\n    - mountPath: ${path}\n      name: ${name}\n${ro ? '      readOnly: true\n' : ''}`,
          )
          .replace('  volumes:\n', `  volumes:\n  - hostPath:\n      path: ${path}\n    name: ${name}\n`);
      };
      if (mounts.policy) addMount(policyPath, 'pol', true);
      if (mounts.log !== 'none') addMount(logDir, 'logs', mounts.log === 'ro');

      const r = patch(text);
      const m = parseApiserverManifest(r.text, 'patched');
      const keep = (n: string, dflt: string, ok = (v: string) => v !== undefined) => {
        const v = existing.get(n);
        return v !== undefined && ok(v) ? v : dflt;
      };
      assert.equal(flagValue(m, 'audit-log-format'), 'json');
      assert.equal(
        flagValue(m, 'audit-log-maxsize'),
        keep('audit-log-maxsize', '100', (v) => v !== '0'),
      );
      assert.equal(flagValue(m, 'audit-log-maxage'), keep('audit-log-maxage', '7'));
      assert.equal(flagValue(m, 'audit-log-maxbackup'), keep('audit-log-maxbackup', '10'));
      assert.equal(flagValue(m, 'audit-policy-file'), policyPath);
      const policy = resolveContainerPath(m, policyPath);
      assert.ok(policy.kind === 'host' && policy.hostPath === policyPath);
      const log = resolveContainerPath(m, logDir);
      assert.ok(log.kind === 'host' && !log.mount.readOnly && log.hostPath === logDir);
      // Each audit flag appears once: updated in place, never added a second time.
      for (const n of names) assert.equal(m.flags.filter((f) => f.name === n).length, 1, n);
      const again = patch(r.text);
      assert.equal(again.text, r.text);
    }),
    { numRuns: 150 },
  );
});
