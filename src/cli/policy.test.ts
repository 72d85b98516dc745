// `kaudit policy …` end to end through the exported actions (and through the built CLI when
// dist/ exists). Expected outputs are worked out by hand from the built-in default policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runEval, runLint, runShow, runSimulate, runValidate, type PolicyIO } from './policy.js';
import { UserError } from './errors.js';

function io(stdin = ''): PolicyIO & { stdout: string; stderr: string } {
  const sink = {
    stdout: '',
    stderr: '',
    isTTY: true,
    out: (t: string) => {
      sink.stdout += t;
    },
    err: (t: string) => {
      sink.stderr += t;
    },
    stdin: async () => stdin,
  };
  return sink;
}

const dir = mkdtempSync(join(tmpdir(), 'kaudit-policy-cli-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('eval: the default policy decides each request as worked out by hand', async () => {
  const s = io();
  const requests = [
    // rule 8: secrets at Metadata
    { user: 'bob', verb: 'get', resource: 'secrets', namespace: 'a', name: 's' },
    // rule 6: /healthz* at None, also without user info
    { user: null, verb: 'get', path: '/healthz/etcd' },
    // rule 0: kube-proxy watching endpoints
    { user: 'system:kube-proxy', groups: ['system:authenticated'], verb: 'watch', resource: 'endpoints' },
    // rule 9: reads of apps at Request
    { user: 'alice', verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'x' },
    // rule 10: writes of apps at RequestResponse
    {
      user: 'alice',
      verb: 'patch',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'x',
      name: 'd',
    },
    // rule 11: custom resources at Metadata
    {
      user: 'alice',
      verb: 'create',
      apiGroup: 'networking.istio.io',
      resource: 'virtualservices',
      namespace: 'x',
    },
    // rule 3: nodes get by a node
    { user: 'system:node:n1', groups: ['system:nodes'], verb: 'get', resource: 'nodes', name: 'n1' },
  ];
  assert.equal(await runEval({ policy: 'default', request: JSON.stringify(requests) }, s), 0);
  const lines = s.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.rule, l.level]),
    [
      [8, 'Metadata'],
      [6, 'None'],
      [0, 'None'],
      [9, 'Request'],
      [10, 'RequestResponse'],
      [11, 'Metadata'],
      [3, 'None'],
    ],
  );
  assert.equal(
    s.stdout.split('\n')[0],
    '{"level":"Metadata","omitStages":["RequestReceived"],"omitManagedFields":false,"rule":8}',
  );
});

test('eval: JSON lines on stdin, @FILE, and an audit Event as the request', async () => {
  const s = io('{"user":"a","verb":"get","path":"/version"}\n{"user":"a","verb":"get","path":"/metrics"}\n');
  await runEval({ policy: 'default', request: '-' }, s);
  assert.deepEqual(
    s.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).rule),
    [6, 11],
  );
  // An impersonated request: the policy sees system:admin (the caller), not bob.
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/nodes/n1',
    user: { username: 'system:admin', groups: ['system:masters'] },
    impersonatedUser: { username: 'bob', groups: ['system:nodes'] },
    objectRef: { resource: 'nodes', name: 'n1', apiVersion: 'v1' },
  };
  const f = file('event.json', JSON.stringify(event));
  const t = io();
  await runEval({ policy: 'default', request: `@${f}` }, t);
  assert.equal(
    JSON.parse(t.stdout).rule,
    9,
    'rule 3 (group system:nodes) does not apply to the impersonator',
  );
});

test('eval: bad requests and missing flags are one clear UserError each', async () => {
  const cases: [Record<string, string | undefined>, RegExp][] = [
    [{ policy: 'default', request: '{"verb":"get","resource":"pods"}' }, /has no "user"/],
    [{ policy: 'default', request: '{"user":"a","resource":"pods"}' }, /has no "verb"/],
    [{ policy: 'default', request: '{"user":"a","verb":"get"}' }, /neither "resource" nor "path"/],
    [
      { policy: 'default', request: '{"user":"a","verb":"get","resource":"pods","bogus":1}' },
      /unknown field "bogus"/,
    ],
    [{ policy: 'default', request: '{"user":"a",' }, /not valid JSON/],
    [{ policy: 'default', request: '' }, /is empty/],
    [{ policy: 'default', request: '@/nonexistent/x.json' }, /does not exist/],
    [{ request: '{}' }, /needs --policy/],
    [{ policy: 'nope.yaml', request: '{}' }, /nope\.yaml does not exist/],
  ];
  for (const [flags, re] of cases) {
    await assert.rejects(
      runEval(flags, io()),
      (err: unknown) => err instanceof UserError && re.test(err.message),
    );
  }
});

test('validate: errors as field + reason and exit 1; v1beta1 rejected for 1.36, accepted for 1.23', () => {
  const bad = file(
    'bad.yaml',
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Loud\n  - level: None\n    nonResourceURLs: [healthz]\n',
  );
  const s = io();
  assert.equal(runValidate(bad, {}, s), 1);
  assert.deepEqual(s.stdout.trim().split('\n').slice(0, 2), [
    'rules[0].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse"',
    `rules[1].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a '/' character`,
  ]);
  const beta = file(
    'beta.yaml',
    'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: Metadata}]\n',
  );
  const b = io();
  assert.equal(runValidate(beta, {}, b), 1);
  assert.match(b.stdout, /change apiVersion to audit\.k8s\.io\/v1/);
  assert.equal(runValidate(beta, { kubeVersion: '1.23' }, io()), 0);
});

test('validate: unknown fields warn (exit 0) and fail with --strict; JSON output', () => {
  const p = file(
    'typo.yaml',
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    usres: [bob]\n',
  );
  const s = io();
  assert.equal(runValidate(p, {}, s), 0);
  assert.match(s.stderr, /typo\.yaml:5:5: rules\[0\]\.usres: unknown field "usres".*widens the rule/);
  assert.equal(runValidate(p, { strict: true }, io()), 1);
  const j = io();
  runValidate(p, { json: true, strict: true }, j);
  const out = JSON.parse(j.stdout);
  assert.equal(out.valid, false);
  assert.equal(out.errors[0].field, 'rules[0].usres');
});

test('validate: syntax errors and empty files are UserErrors with a position', () => {
  assert.throws(
    () => runValidate(file('syntax.yaml', 'rules:\n  - level: None\n   users: [a\n'), {}, io()),
    (e: unknown) => e instanceof UserError && /syntax\.yaml:\d+:\d+:/.test(e.message),
  );
  assert.throws(() => runValidate(file('empty.yaml', ''), {}, io()), /is empty/);
});

test('lint: findings with rule, why and fix; --fail-on warning', () => {
  const p = file(
    'lint.yaml',
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources: [{group: "", resources: ["pods/*"]}]\n  - level: Request\n    resources: [{group: "", resources: ["pods/log"]}]\n  - level: Metadata\n',
  );
  const s = io();
  assert.equal(runLint(p, {}, s), 0);
  assert.match(s.stdout, /warning \[shadowed\] rule 1: rule 1 can never match/);
  assert.match(s.stdout, /warning \[request-received-kept\] policy:/);
  assert.equal(runLint(p, { failOn: 'warning' }, io()), 1);
  // Not a terminal: findings are JSON unless --format table (the shared output contract).
  const piped = { ...io(), isTTY: false, stdout: '' };
  piped.out = (t: string) => {
    piped.stdout += t;
  };
  runLint(p, {}, piped);
  assert.equal(JSON.parse(piped.stdout).length, 2);
  const j = io();
  runLint(p, { json: true }, j);
  assert.deepEqual(
    JSON.parse(j.stdout).map((f: { rule: number | null; code: string }) => [f.rule, f.code]),
    [
      [null, 'request-received-kept'],
      [1, 'shadowed'],
    ],
  );
});

test('show: the built-in policies', () => {
  const s = io();
  runShow('default', {}, s);
  assert.match(s.stdout, /^# kaudit built-in policy "default"/);
  assert.match(s.stdout, /apiVersion: audit\.k8s\.io\/v1\n/);
  const j = io();
  runShow('mesh', { json: true }, j);
  assert.equal(JSON.parse(j.stdout).omitManagedFields, true);
  assert.throws(() => runShow('strict', {}, io()), /not a built-in policy/);
});

test('simulate: a small log through the default policy, table and JSON', async () => {
  const lines = [
    // rule 6 (/healthz*): dropped
    {
      auditID: 'a1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      verb: 'get',
      requestURI: '/healthz',
      user: { username: 'x' },
      stageTimestamp: '2024-01-01T00:00:00.000000Z',
    },
    // RequestReceived: omitted by the policy, dropped
    {
      auditID: 'a2',
      level: 'Metadata',
      stage: 'RequestReceived',
      verb: 'get',
      requestURI: '/api/v1/namespaces/a/pods',
      user: { username: 'x' },
      objectRef: { resource: 'pods', namespace: 'a' },
      stageTimestamp: '2024-01-01T06:00:00.000000Z',
    },
    // rule 8 (secrets, Metadata): kept at Metadata
    {
      auditID: 'a3',
      level: 'Metadata',
      stage: 'ResponseComplete',
      verb: 'get',
      requestURI: '/api/v1/namespaces/a/secrets/s',
      user: { username: 'x' },
      objectRef: { resource: 'secrets', namespace: 'a', name: 's' },
      stageTimestamp: '2024-01-01T12:00:00.000000Z',
    },
  ];
  const log = file('audit.log', lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n');
  const j = io();
  assert.equal(await runSimulate([log], { policy: 'default', json: true, budget: '1KiB' }, j), 0);
  const r = JSON.parse(j.stdout);
  assert.equal(r.log.events, 3);
  assert.equal(r.log.rejects, 1);
  assert.equal(r.log.spanSeconds, 43200);
  assert.deepEqual(
    r.candidate.rules
      .filter((x: { matched: { events: number } }) => x.matched.events > 0)
      .map((x: { rule: number; matched: { events: number }; dropped: { events: number } }) => [
        x.rule,
        x.matched.events,
        x.dropped.events,
      ]),
    [
      [6, 1, 1],
      [8, 1, 0],
      [9, 1, 1],
    ],
  );
  assert.equal(r.candidate.rules.length, 12, 'every rule of the default policy is listed');
  const kept = JSON.stringify(lines[2]).length + 1;
  assert.equal(r.candidate.totals.out.bytes, kept);
  // kept bytes over half a day → twice that per day.
  assert.equal(r.candidate.dailyBytes, kept * 2);
  assert.equal(r.candidate.daysInBudget, 1024 / (kept * 2));
  const t = io();
  await runSimulate([log], { policy: 'default', baseline: 'mesh' }, t);
  assert.match(t.stdout, /== side by side ==/);
  await assert.rejects(
    runSimulate([log], { policy: 'default', budget: 'lots' }, io()),
    /--budget "lots" is not a size/,
  );
  await assert.rejects(
    runSimulate([join(dir, 'missing.log')], { policy: 'default' }, io()),
    /does not exist/,
  );
  // A directory: its audit logs are read, other files skipped with a note.
  const sub = mkdtempSync(join(tmpdir(), 'kaudit-policy-dir-'));
  writeFileSync(join(sub, 'audit.log'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(join(sub, 'README.md'), 'not a log');
  const d = io();
  await runSimulate([sub], { policy: 'default', json: true }, d);
  assert.equal(JSON.parse(d.stdout).log.events, 3);
  assert.match(d.stderr, /skipped .*README\.md/);
  // --from/--to on __time__: [06:00, 12:00) holds only the second event (RequestReceived, dropped).
  const ranged = io();
  await runSimulate(
    [log],
    { policy: 'default', json: true, from: '2024-01-01T06:00:00Z', to: '2024-01-01T12:00:00Z' },
    ranged,
  );
  const rr = JSON.parse(ranged.stdout);
  assert.deepEqual([rr.log.events, rr.log.outsideRange, rr.candidate.totals.dropped.events], [1, 2, 1]);
  await assert.rejects(
    runSimulate([log], { policy: 'default', since: '1h', from: 'now' }, io()),
    /cannot be combined/,
  );
});

const SAMPLES = join(process.cwd(), 'test', 'fixtures', 'samples');

test(
  'simulate runs on the real sample logs',
  { skip: !existsSync(SAMPLES) && 'run from the repository root (test/fixtures/samples)' },
  async () => {
    // demo.log (SOURCES.md): 757 events, RequestReceived 320, ResponseComplete 437, all by
    // system:admin. None of its requests is a /healthz, /version or /swagger URL nor an Event
    // object (checked with grep), so under the default policy only the 320 RequestReceived events
    // (omitted stage) are dropped and the 437 others kept.
    const s = io();
    await runSimulate([join(SAMPLES, 'audit2rbac', 'demo.log')], { policy: 'default', json: true }, s);
    const r = JSON.parse(s.stdout);
    assert.deepEqual([r.log.events, r.log.rejects], [757, 0]);
    assert.deepEqual([r.candidate.totals.dropped.events, r.candidate.totals.out.events], [320, 437]);
    assert.deepEqual(
      r.candidate.noisiest.users.map((u: { key: string }) => u.key),
      ['system:admin'],
    );
    // falco (SOURCES.md): 51 events in 46 files plus the malformed fal_01_003.json. The mesh
    // policy's None rules name istiod, leases, Events and health URLs; grep finds those names only
    // inside ClusterRole bodies, never as the request, so the mesh policy keeps all 51.
    const falco = io();
    await runSimulate([join(SAMPLES, 'falco')], { policy: 'mesh', json: true }, falco);
    const f = JSON.parse(falco.stdout);
    assert.deepEqual([f.log.events, f.log.rejects, f.candidate.totals.out.events], [51, 1, 51]);
  },
);

test(
  'the built CLI runs policy commands (when dist/ exists)',
  { skip: !existsSync('dist/src/cli/main.js') },
  () => {
    const r = spawnSync(
      process.execPath,
      [
        'bin/kaudit.js',
        'policy',
        'eval',
        '--policy',
        'default',
        '--request',
        '{"user":"a","verb":"get","path":"/version"}',
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      '{"level":"None","omitStages":["RequestReceived"],"omitManagedFields":false,"rule":6}\n',
    );
    const bad = spawnSync(process.execPath, ['bin/kaudit.js', 'policy', 'validate', 'nonexistent.yaml'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^kaudit: policy file nonexistent\.yaml does not exist/);
  },
);
