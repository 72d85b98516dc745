import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runDoctor } from './doctor.js';
import { growthRate, inspectLog, logChecks, rotatedFiles } from './logfile.js';
import { webhookKubeconfig } from './kubeconfig.js';
import { repoRoot } from './testing.js';

const REPO = repoRoot(import.meta.dirname);
const FIXTURES = join(REPO, 'test', 'fixtures', 'setup');
const NOW = Date.parse('2026-11-23T12:00:00Z');

/** One audit.k8s.io/v1 event line as the log backend writes it, finished `secondsAgo` before NOW. */
function eventLine(secondsAgo: number, id = `id-${secondsAgo}`): string {
  const t = new Date(NOW - secondsAgo * 1000).toISOString().replace('Z', '000Z');
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces',
    verb: 'list',
    user: { username: 'admin', groups: ['system:masters'] },
    sourceIPs: ['10.0.0.1'],
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kaudit-doctor-'));
}

function writeLog(path: string, lines: string[], tail = '\n'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join('\n') + tail);
}

const statusOf = (checks: { id: string; status: string }[], id: string) =>
  checks.find((c) => c.id === id)?.status;

test('freshness: 5 minutes is the warning line, 1 hour the failure line', () => {
  const dir = tempDir();
  const cases: [number, string][] = [
    [30, 'ok'],
    [299, 'ok'],
    [301, 'warn'],
    [3599, 'warn'],
    [3601, 'fail'],
  ];
  for (const [age, want] of cases) {
    const p = join(dir, `a${age}.log`);
    writeLog(p, [eventLine(age + 600), eventLine(age)]);
    assert.equal(statusOf(logChecks(inspectLog(p), NOW), 'log.fresh'), want, `newest event ${age}s old`);
  }
});

test('format: the partial last line is ignored, garbage and the legacy format fail with the reason', () => {
  const dir = tempDir();
  const partial = join(dir, 'partial.log');
  writeLog(partial, [eventLine(100), eventLine(10), eventLine(5).slice(0, 40)], '');
  const insp = inspectLog(partial);
  assert.equal(insp.partialLastLine, true);
  assert.equal(insp.tail.length, 2);
  assert.equal(insp.newestTimeUs, (NOW - 10_000) * 1000);
  assert.equal(statusOf(logChecks(insp, NOW), 'log.format'), 'ok');

  const garbage = join(dir, 'garbage.log');
  writeLog(garbage, [eventLine(20), 'hello world', eventLine(10)]);
  const g = logChecks(inspectLog(garbage), NOW).find((c) => c.id === 'log.format')!;
  assert.equal(g.status, 'fail');
  assert.match(g.message, /^line 2 from the end of .* is not an audit event: it is not JSON/);

  const legacy = join(dir, 'legacy.log');
  writeLog(legacy, [
    '2026-11-23T11:59:00.000000000Z AUDIT: id="a" stage="ResponseComplete" ip="10.0.0.1" method="list" user="admin" groups="<none>" as="<self>" asgroups="<lookup>" user-agent="kubectl" namespace="<none>" uri="/api/v1/namespaces" response="200"',
  ]);
  const l = logChecks(inspectLog(legacy), NOW).find((c) => c.id === 'log.format')!;
  assert.equal(l.status, 'fail');
  assert.equal(l.fix, 'set --audit-log-format=json');

  const empty = join(dir, 'empty.log');
  writeFileSync(empty, '');
  assert.equal(statusOf(logChecks(inspectLog(empty), NOW), 'log.format'), 'warn');
});

test('a real sample log (audit2rbac, v1beta1 from 2017) decodes but is stale', () => {
  const checks = logChecks(
    inspectLog(join(REPO, 'test', 'fixtures', 'samples', 'audit2rbac', 'demo.log')),
    NOW,
  );
  assert.equal(statusOf(checks, 'log.format'), 'ok');
  assert.match(checks.find((c) => c.id === 'log.format')!.message, /audit\.k8s\.io\/v1beta1/);
  assert.equal(statusOf(checks, 'log.fresh'), 'fail');
});

test('lumberjack backups are recognised by name and give the growth rate', () => {
  const dir = tempDir();
  const log = join(dir, 'kubernetes.audit');
  writeLog(log, [eventLine(30), eventLine(20)]);
  writeFileSync(join(dir, 'kubernetes-2026-11-23T10-00-00.000.audit'), 'x'.repeat(10));
  writeFileSync(join(dir, 'kubernetes-2026-11-23T11-00-00.000.audit.gz'), 'y'.repeat(5));
  writeFileSync(join(dir, 'kubernetes.audit.bak'), 'z');
  writeFileSync(join(dir, 'other-2026-11-23T10-00-00.000.audit'), 'z');
  const backups = rotatedFiles(log);
  assert.deepEqual(
    backups.map((b) => [b.name, b.compressed, b.rotatedAtMs]),
    [
      ['kubernetes-2026-11-23T10-00-00.000.audit', false, Date.parse('2026-11-23T10:00:00Z')],
      ['kubernetes-2026-11-23T11-00-00.000.audit.gz', true, Date.parse('2026-11-23T11:00:00Z')],
    ],
  );
  // The current file spans 10 s (too short); two rotations an hour apart at 100 MB each: 100 MB/h.
  assert.equal(growthRate(inspectLog(log), 100), (100 * 1024 * 1024) / 3600);
});

/** A node filesystem under a temporary root, as doctor --root reads it. */
function node(manifest: string, opts: { policy?: string; log?: string[]; webhook?: string } = {}): string {
  const root = tempDir();
  mkdirSync(join(root, 'etc/kubernetes/manifests'), { recursive: true });
  copyFileSync(join(FIXTURES, manifest), join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'));
  if (opts.policy !== undefined) writeFileSync(join(root, 'etc/kubernetes/audit-policy.yml'), opts.policy);
  if (opts.log) writeLog(join(root, 'var/log/kubernetes/kubernetes.audit'), opts.log);
  if (opts.webhook !== undefined)
    writeFileSync(join(root, 'etc/kubernetes/audit-webhook.kubeconfig'), opts.webhook);
  return root;
}

const DEFAULT_POLICY = readFileSync(join(REPO, 'policies', 'default.yaml'), 'utf8');

test('a complete node: no failure, the version comes from the image, every part is checked', () => {
  const root = node('complete.yaml', { policy: DEFAULT_POLICY, log: [eventLine(3600), eventLine(60)] });
  const r = runDoctor({ root, nowMs: NOW });
  assert.equal(r.kubeVersion, '1.36');
  assert.equal(r.kubeVersionFrom, 'image');
  const ids = r.checks.map((c) => c.id);
  for (const id of [
    'manifest.policy-mount',
    'manifest.log-mount',
    'rotation.size',
    'rotation.retention',
    'policy.valid',
    'log.format',
    'log.fresh',
    'rotation.disk',
  ]) {
    assert.ok(ids.includes(id), `${id} was checked`);
    assert.equal(statusOf(r.checks, id), 'ok', id);
  }
  assert.equal(r.checks.filter((c) => c.status === 'fail').length, 0);
  // The built-in default policy logs TokenRequest responses: a lint warning, not a failure.
  assert.equal(statusOf(r.checks, 'policy.lint'), 'warn');
});

test('half-configured: both missing mounts fail with the fix, rotation is judged for 1.30', () => {
  const r = runDoctor({ root: node('half-configured.yaml', { policy: DEFAULT_POLICY }), nowMs: NOW });
  const policy = r.checks.find((c) => c.id === 'manifest.policy-mount')!;
  assert.equal(policy.status, 'fail');
  assert.match(policy.message, /not in any volumeMount/);
  assert.match(policy.fix!, /kaudit setup apiserver --manifest/);
  assert.equal(statusOf(r.checks, 'manifest.log-mount'), 'fail');
  // maxage=30 and no maxbackup on 1.30: only age bounds the backups.
  assert.equal(statusOf(r.checks, 'rotation.retention'), 'warn');
});

test('a mounted policy path with no file on the node fails policy.file', () => {
  const r = runDoctor({ root: node('complete.yaml'), nowMs: NOW });
  const c = r.checks.find((x) => x.id === 'policy.file')!;
  assert.equal(c.status, 'fail');
  assert.equal(c.message, 'policy file /etc/kubernetes/audit-policy.yml does not exist');
});

test('no auditing at all: the policy flag and the backend fail', () => {
  const r = runDoctor({ root: node('kubeadm-no-audit.yaml'), nowMs: NOW });
  assert.equal(statusOf(r.checks, 'manifest.policy-flag'), 'fail');
  assert.equal(statusOf(r.checks, 'manifest.backend'), 'fail');
});

test('a v1beta1 policy on 1.36, a missing log and a webhook kubeconfig with its placeholder all fail', () => {
  const v1beta1 = DEFAULT_POLICY.replace('apiVersion: audit.k8s.io/v1', 'apiVersion: audit.k8s.io/v1beta1');
  const root = node('complete.yaml', { policy: v1beta1 });
  const r = runDoctor({ root, nowMs: NOW });
  const valid = r.checks.find((c) => c.id === 'policy.valid')!;
  assert.equal(valid.status, 'fail');
  assert.match(valid.message, /refuses to start/);
  const log = r.checks.find((c) => c.id === 'log.file')!;
  assert.equal(log.status, 'fail');
  assert.match(log.message, /does not exist/);

  const withWebhook = readFileSync(join(FIXTURES, 'complete.yaml'), 'utf8').replace(
    '    - --audit-policy-file=',
    '    - --audit-webhook-config-file=/etc/kubernetes/pki/wh.kubeconfig\n    - --audit-policy-file=',
  );
  const root2 = tempDir();
  mkdirSync(join(root2, 'etc/kubernetes/pki'), { recursive: true });
  const manifest = join(root2, 'kube-apiserver.yaml');
  writeFileSync(manifest, withWebhook);
  writeFileSync(
    join(root2, 'etc/kubernetes/pki/wh.kubeconfig'),
    webhookKubeconfig({ server: 'https://k:8080/audit/webhook/c1', certificateAuthority: '/etc/ca' }),
  );
  const w = runDoctor({ manifest: '/kube-apiserver.yaml', root: root2, nowMs: NOW });
  assert.equal(statusOf(w.checks, 'manifest.webhook-mount'), 'ok'); // under the kubeadm /etc/kubernetes/pki mount
  assert.equal(statusOf(w.checks, 'webhook.auth'), 'fail');
  assert.equal(statusOf(w.checks, 'webhook.config'), 'ok');
});

test('--log alone checks just the log; --kube-version overrides the image', () => {
  const dir = tempDir();
  const p = join(dir, 'audit.log');
  writeLog(p, [eventLine(10)]);
  const r = runDoctor({ log: p, nowMs: NOW, kubeVersion: '1.29' });
  assert.deepEqual(
    r.checks.map((c) => c.id),
    ['log.file', 'log.format', 'log.fresh'],
  );
  assert.equal(r.kubeVersionFrom, 'option');
  const missing = runDoctor({ log: join(dir, 'nope.log'), nowMs: NOW });
  assert.equal(missing.checks[0].status, 'fail');
  assert.match(missing.checks[0].fix!, /--audit-log-path/);
  const directory = runDoctor({ log: dir, nowMs: NOW }).checks[0];
  assert.deepEqual(
    [directory.status, directory.fix],
    ['fail', 'give the audit log file itself (--log FILE)'],
  );
  assert.match(directory.message, /is not a regular file/);
});
