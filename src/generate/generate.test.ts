// Tests of the whole generator: determinism, exact counts, event shape, the default policy's
// levels, and the shape of the traffic (users, verbs, resources, stages, sizes, day/night, bursts).
// Thresholds come from the design in traffic.ts / timeline.ts / world.ts, with wide margins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  clusterIds,
  DEMO_SEED,
  generateChunks,
  generateLines,
  resolveOptions,
  writeGenerated,
  writeGeneratedToDirectory,
} from './index.js';

const END = Date.UTC(2025, 0, 8) / 1000; // Wednesday 2025-01-08 00:00:00Z
const DAYS = 7;
const N = 50_000;

const text = [...generateChunks({ events: N, seed: 3, end: END, days: DAYS })].join('');
const lines = text.split('\n');
assert.equal(lines.pop(), '', 'output ends with a newline');
const events = lines.map((l) => JSON.parse(l));

const count = <T>(items: T[], key: (x: T) => string | undefined) => {
  const m = new Map<string, number>();
  for (const x of items) {
    const k = key(x);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};
const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|::1$)/.test(ip);

test('the same options give byte-identical output; another seed gives different output', () => {
  const a = [...generateChunks({ events: 20_000, seed: 11, end: END })].join('');
  const b = [...generateChunks({ events: 20_000, seed: 11, end: END })].join('');
  const c = [...generateChunks({ events: 20_000, seed: 12, end: END })].join('');
  assert.equal(createHash('sha256').update(a).digest('hex'), createHash('sha256').update(b).digest('hex'));
  assert.notEqual(a, c);
  // The line form is the same text.
  assert.equal([...generateLines({ events: 20_000, seed: 11, end: END })].join('\n') + '\n', a);
});

test('exactly N events, and no two are identical', () => {
  assert.equal(lines.length, N);
  const hashes = new Set(lines.map((l) => createHash('sha1').update(l).digest('hex')));
  assert.equal(hashes.size, N);
  for (const n of [0, 1, 2, 3, 17]) {
    assert.equal([...generateLines({ events: n, seed: 5, end: END })].length, n, `events: ${n}`);
  }
});

test('every event is an audit.k8s.io/v1 Event with the v1 fields in kube-apiserver order', () => {
  const order = [
    'kind',
    'apiVersion',
    'level',
    'auditID',
    'stage',
    'requestURI',
    'verb',
    'user',
    'impersonatedUser',
    'sourceIPs',
    'userAgent',
    'objectRef',
    'responseStatus',
    'requestObject',
    'responseObject',
    'requestReceivedTimestamp',
    'stageTimestamp',
    'annotations',
  ];
  const micro = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
  for (const e of events) {
    assert.equal(e.kind, 'Event');
    assert.equal(e.apiVersion, 'audit.k8s.io/v1');
    assert.ok(['Metadata', 'Request', 'RequestResponse'].includes(e.level));
    assert.match(e.auditID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(['ResponseStarted', 'ResponseComplete'].includes(e.stage), e.stage);
    assert.ok(e.requestURI.startsWith('/'));
    assert.equal(typeof e.verb, 'string');
    assert.equal(typeof e.user, 'object');
    assert.ok(Array.isArray(e.sourceIPs) && e.sourceIPs.length >= 1);
    assert.equal(typeof e.userAgent, 'string');
    assert.ok(Number.isInteger(e.responseStatus.code));
    assert.match(e.requestReceivedTimestamp, micro);
    assert.match(e.stageTimestamp, micro);
    assert.equal(typeof e.annotations, 'object');
    let last = -1;
    for (const k of Object.keys(e)) {
      const i = order.indexOf(k);
      assert.ok(i > last, `field ${k} out of order`);
      last = i;
    }
  }
});

test('strings are escaped as Go does: no raw &, < or > anywhere; exec URIs carry \\u0026', () => {
  assert.ok(!/[&<>]/.test(text));
  const exec = lines.find((l) => l.includes('/exec?command='));
  assert.ok(exec);
  assert.match(exec, /\/exec\?command=[^"]*\\u0026container=/);
});

test('times lie in [end - days, end) and the file is in stageTimestamp order', () => {
  const start = (END - DAYS * 86400) * 1000;
  let last = '';
  for (const e of events) {
    const stage = Date.parse(e.stageTimestamp);
    const recv = Date.parse(e.requestReceivedTimestamp);
    assert.ok(stage >= start && stage < END * 1000, e.stageTimestamp);
    assert.ok(recv >= start && recv <= stage, e.requestReceivedTimestamp);
    assert.ok(e.stageTimestamp >= last, `${e.stageTimestamp} after ${last}`);
    last = e.stageTimestamp;
  }
});

test('long-running requests are ResponseStarted + ResponseComplete pairs; failed logins a lone ResponseStarted', () => {
  const byId = new Map<string, any[]>();
  for (const e of events) byId.set(e.auditID, [...(byId.get(e.auditID) ?? []), e]);
  const longRunning = (e: any) =>
    e.verb === 'watch' || ['exec', 'attach', 'portforward', 'log'].includes(e.objectRef?.subresource);
  let pairs = 0;
  for (const group of byId.values()) {
    const first = group[0];
    if (first.responseStatus.code === 401) {
      assert.equal(group.length, 1);
      assert.equal(first.stage, 'ResponseStarted');
      assert.deepEqual(first.user, {});
      assert.deepEqual(first.annotations, {});
      assert.match(
        first.responseStatus.message,
        /^Authentication failed, (attempted: |no credentials provided)/,
      );
      assert.ok(!('reason' in first.responseStatus));
      continue;
    }
    if (longRunning(first)) {
      assert.deepEqual(
        group.map((e) => e.stage),
        ['ResponseStarted', 'ResponseComplete'],
      );
      assert.equal(group[0].requestReceivedTimestamp, group[1].requestReceivedTimestamp);
      assert.equal(group[0].level, group[1].level);
      assert.ok(group[1].stageTimestamp >= group[0].stageTimestamp);
      pairs++;
    } else {
      assert.deepEqual(
        group.map((e) => e.stage),
        ['ResponseComplete'],
      );
    }
  }
  assert.ok(pairs > 1000, `pairs: ${pairs}`);
  const upgrades = events.filter((e) => ['exec', 'attach', 'portforward'].includes(e.objectRef?.subresource));
  assert.ok(upgrades.length > 100);
  // Successful upgrades answer 101; refused ones (401/403) keep their error code.
  for (const e of upgrades.filter((x) => x.responseStatus.code < 400))
    assert.equal(e.responseStatus.code, 101);
  for (const sub of ['exec', 'attach', 'portforward']) {
    assert.ok(
      upgrades.some((e) => e.objectRef.subresource === sub && e.stage === 'ResponseComplete'),
      sub,
    );
  }
});

test('only what the default policy logs, at its level', () => {
  for (const e of events) {
    const r = e.objectRef;
    const path = e.requestURI.split('?')[0];
    assert.ok(!path.startsWith('/healthz') && path !== '/version' && !path.startsWith('/swagger'), path);
    if (!r) {
      assert.equal(e.level, 'Metadata');
      continue;
    }
    const core = !r.apiGroup;
    assert.ok(!(core && r.resource === 'events'));
    if (e.user.username === 'system:kube-proxy' && e.verb === 'watch') {
      assert.ok(!(core && ['endpoints', 'services'].includes(r.resource)));
    }
    if (core && e.verb === 'get' && r.resource === 'nodes' && !r.subresource) {
      assert.ok(!(e.user.groups ?? []).includes('system:nodes'));
    }
    if (core && ['secrets', 'configmaps'].includes(r.resource)) assert.equal(e.level, 'Metadata');
    if (['coordination.k8s.io', 'networking.istio.io', 'discovery.k8s.io'].includes(r.apiGroup)) {
      assert.equal(e.level, 'Metadata');
    }
    if (
      (core || r.apiGroup === 'apps') &&
      ['get', 'list', 'watch'].includes(e.verb) &&
      r.resource !== 'secrets' &&
      r.resource !== 'configmaps'
    ) {
      assert.equal(e.level, 'Request', `${e.verb} ${r.resource}`);
    }
    if (core && r.resource === 'nodes' && r.subresource === 'status' && e.verb === 'patch') {
      assert.equal(e.level, 'RequestResponse');
      assert.ok(e.requestObject && e.responseObject);
    }
    if (e.level === 'Metadata') assert.ok(!('requestObject' in e) && !('responseObject' in e));
    if (e.level === 'Request') assert.ok(!('responseObject' in e));
  }
});

test('distribution: many users, every verb, many resources, all three levels', () => {
  const users = count(events, (e) => e.user.username);
  assert.ok(users.size >= 35, `distinct users: ${users.size}`);
  const verbs = count(events, (e) => e.verb);
  for (const v of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) assert.ok(verbs.has(v), v);
  const resources = count(events, (e) => e.objectRef?.resource);
  assert.ok(resources.size >= 25, `distinct resources: ${resources.size}`);
  const levels = count(events, (e) => e.level);
  // Heartbeats (Metadata) dominate; bodies are logged for a minority.
  assert.ok(levels.get('Metadata')! > levels.get('Request')!);
  assert.ok(levels.get('Request')! > 0.05 * N && levels.get('RequestResponse')! > 0.03 * N);
  // The noise the documents name: kubelet leases and status patches, leader election.
  assert.ok(events.filter((e) => e.objectRef?.resource === 'leases').length > 0.2 * N);
  assert.ok(users.get('system:kube-controller-manager')! > 500 && users.get('system:kube-scheduler')! > 500);
  assert.ok(
    events.some((e) => e.objectRef?.subresource === 'status' && e.user.username.startsWith('system:node:')),
  );
});

test('people: kubernetes-admin, numeric sub-accounts, OIDC users; impersonation; service accounts with pod claims', () => {
  const users = count(events, (e) => e.user.username);
  assert.ok(users.has('kubernetes-admin'));
  const subaccounts = [...users.keys()].filter((u) => /^28\d{15}$/.test(u));
  assert.ok(subaccounts.length >= 6, `sub-accounts: ${subaccounts.length}`);
  assert.ok([...users.keys()].filter((u) => u.startsWith('oidc:')).length >= 4);
  assert.ok(events.some((e) => e.impersonatedUser?.username?.startsWith('system:serviceaccount:')));
  const claims = events.filter((e) => e.user.extra?.['authentication.kubernetes.io/pod-name']);
  assert.ok(claims.length > 100);
  for (const e of claims.slice(0, 50)) {
    assert.ok(e.user.username.startsWith('system:serviceaccount:'));
    const keys = Object.keys(e.user.extra);
    assert.deepEqual(keys, [...keys].sort());
  }
  assert.ok(
    events.some(
      (e) =>
        e.user.username === 'kubernetes-admin' &&
        e.annotations['authorization.k8s.io/reason'] ===
          'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    ),
  );
});

test("the documents' exec query finds commands and recovers sub-account ids from RoleBinding reasons", () => {
  // verb : create and objectRef.subresource:exec and stage: ResponseStarted
  const execs = events.filter(
    (e) => e.verb === 'create' && e.objectRef?.subresource === 'exec' && e.stage === 'ResponseStarted',
  );
  assert.ok(execs.length >= 50, `exec events: ${execs.length}`);
  for (const e of execs) {
    assert.match(e.requestURI, /^[^?]*\/exec\?.+/);
  }
  // CASE WHEN user = 'kubernetes-admin' AND regexp_like(reason, 'RoleBinding') THEN regexp_extract(reason, ' to User "(\w+)"', 1)
  const recovered = execs
    .filter(
      (e) =>
        e.user.username === 'kubernetes-admin' &&
        /RoleBinding/.test(e.annotations['authorization.k8s.io/reason']),
    )
    .map((e) => / to User "(\w+)"/.exec(e.annotations['authorization.k8s.io/reason'])?.[1])
    // regexp_like(reason, 'RoleBinding') also matches "ClusterRoleBinding ... to Group", whose
    // extraction is NULL: only the sub-accounts' RoleBindings yield an id.
    .filter((id) => id !== undefined);
  assert.ok(recovered.length >= 3, `recovered: ${recovered.length}`);
  for (const id of recovered) assert.match(id!, /^28\d{15}$/);
  // Commands appear as URL-encoded command= parameters, e.g. cat /etc/passwd.
  assert.ok(
    execs.some(
      (e) =>
        e.requestURI.includes('command=cat\\u0026command=%2Fetc%2Fpasswd') ||
        e.requestURI.includes('command=cat&command=%2Fetc%2Fpasswd'),
    ),
  );
});

test('secret reads, deletions, RBAC changes, CRDs and all six Istio kinds are present', () => {
  assert.ok(
    events.filter(
      (e) =>
        e.objectRef?.resource === 'secrets' &&
        ['get', 'list'].includes(e.verb) &&
        !e.user.username?.startsWith('system:'),
    ).length > 50,
  );
  const deletes = count(
    events.filter((e) => e.verb === 'delete'),
    (e) => e.objectRef?.resource,
  );
  for (const r of ['pods', 'deployments', 'rolebindings']) assert.ok(deletes.has(r), `delete ${r}`);
  assert.ok(
    events.some(
      (e) =>
        e.verb === 'create' &&
        e.objectRef?.resource === 'clusterrolebindings' &&
        e.requestObject?.roleRef?.name === 'cluster-admin',
    ),
  );
  assert.ok(
    events.some(
      (e) =>
        e.verb === 'create' &&
        e.objectRef?.resource === 'rolebindings' &&
        e.responseObject?.subjects?.[0]?.kind === 'User',
    ),
  );
  assert.ok(events.some((e) => e.objectRef?.resource === 'customresourcedefinitions'));
  assert.ok(events.some((e) => e.objectRef?.apiGroup === 'log.alibabacloud.com'));
  const istio = count(
    events.filter((e) => e.objectRef?.apiGroup === 'networking.istio.io'),
    (e) => e.objectRef.resource,
  );
  for (const r of [
    'virtualservices',
    'gateways',
    'destinationrules',
    'envoyfilters',
    'sidecars',
    'serviceentries',
  ]) {
    assert.ok(istio.has(r), r);
  }
});

test('public source IPs: 401/403 bursts (the failure-rate alert fires) beside successful office access', () => {
  // The documents' alert: per single source IP, total > 10 and failure rate > 50%, outside the intranet.
  const stats = new Map<string, { total: number; failed: number; forbidden: number }>();
  for (const e of events) {
    if (e.sourceIPs.length !== 1) continue;
    const s = stats.get(e.sourceIPs[0]) ?? { total: 0, failed: 0, forbidden: 0 };
    s.total++;
    if (e.responseStatus.code >= 400) s.failed++;
    if (e.responseStatus.code === 403) s.forbidden++;
    stats.set(e.sourceIPs[0], s);
  }
  const alerting = [...stats].filter(([ip, s]) => !isPrivate(ip) && s.total > 10 && s.failed / s.total > 0.5);
  assert.ok(alerting.length >= 5, `alerting IPs: ${alerting.length}`);
  assert.ok(alerting.every(([, s]) => s.forbidden > 0));
  const healthyPublic = [...stats].filter(
    ([ip, s]) => !isPrivate(ip) && s.total > 10 && s.failed / s.total < 0.1,
  );
  assert.ok(healthyPublic.length >= 3, `successful public IPs: ${healthyPublic.length}`);
  assert.ok([...stats.keys()].filter(isPrivate).length > 10);
  // Several source IPs in one event (X-Forwarded-For) also occur.
  assert.ok(events.some((e) => e.sourceIPs.length > 1));
  // Bursts: some public IP sends more than 10 requests within two minutes.
  const times = new Map<string, number[]>();
  for (const e of events)
    if (e.responseStatus.code === 401)
      times.set(e.sourceIPs[0], [...(times.get(e.sourceIPs[0]) ?? []), Date.parse(e.stageTimestamp)]);
  let burst = false;
  for (const ts of times.values()) {
    for (let i = 0; i + 8 < ts.length; i++) if (ts[i + 8] - ts[i] < 120_000) burst = true;
  }
  assert.ok(burst);
});

test('anonymous requests: allowed health probes and forbidden probing', () => {
  const anon = events.filter((e) => e.user.username === 'system:anonymous');
  assert.ok(
    anon.some(
      (e) => e.annotations['authorization.k8s.io/decision'] === 'allow' && e.requestURI.startsWith('/readyz'),
    ),
  );
  assert.ok(
    anon.some(
      (e) => e.annotations['authorization.k8s.io/decision'] === 'forbid' && e.responseStatus.code === 403,
    ),
  );
});

test('bodies: managedFields present; most events under 1.5 KB, some over 2 KB', () => {
  const withManaged = events.filter((e) =>
    JSON.stringify(e.responseObject ?? {}).includes('"managedFields"'),
  );
  assert.ok(withManaged.length > 0.01 * N, `managedFields: ${withManaged.length}`);
  for (const e of withManaged.slice(0, 100)) {
    assert.equal(e.level, 'RequestResponse');
    assert.ok(Array.isArray(e.responseObject.metadata.managedFields));
  }
  const small = lines.filter((l) => l.length < 1536).length;
  const big = lines.filter((l) => l.length > 2048).length;
  const huge = lines.filter((l) => l.length > 4096).length;
  assert.ok(small > 0.7 * N, `under 1.5 KB: ${small}`);
  assert.ok(big > 0.02 * N, `over 2 KB: ${big}`);
  assert.ok(huge > 0, 'some over 4 KB');
});

test('day/night: weekday working hours carry more events than nights', () => {
  const byHour = new Array(24).fill(0);
  for (const e of events) byHour[new Date(e.stageTimestamp).getUTCHours()]++;
  const day = (byHour[9] + byHour[10] + byHour[14] + byHour[15]) / 4;
  const night = (byHour[1] + byHour[2] + byHour[3] + byHour[4]) / 4;
  assert.ok(day > 1.4 * night, `day ${day} night ${night}`);
  // People act mostly by day; heartbeats do not care.
  const peopleByHour = new Array(24).fill(0);
  for (const e of events)
    if (/^(kubernetes-admin|28\d+|oidc:)/.test(e.user.username ?? ''))
      peopleByHour[new Date(e.stageTimestamp).getUTCHours()]++;
  assert.ok(peopleByHour[10] > 5 * peopleByHour[2]);
});

test('several clusters: --out DIR gets one file per cluster holding exactly the interleaved events', async () => {
  const opts = { events: 6000, seed: 8, end: END, days: 2, clusters: 3 };
  const dir = await mkdtemp(join(tmpdir(), 'kaudit-gen-'));
  try {
    const r = await writeGeneratedToDirectory(opts, dir);
    assert.deepEqual(
      r.files.map((f) => f.cluster),
      clusterIds(3),
    );
    assert.equal(r.events, 6000);
    const perFile: string[][] = [];
    for (const f of r.files) {
      const fileLines = (await readFile(f.path, 'utf8')).split('\n').filter(Boolean);
      assert.equal(fileLines.length, f.events);
      assert.ok(f.events > 1000, `${f.cluster}: ${f.events}`);
      perFile.push(fileLines);
    }
    // Each cluster's nodes live in its own VPC, 10.<i>.0.0/16.
    perFile.forEach((fileLines, i) => {
      for (const l of fileLines) {
        const e = JSON.parse(l);
        if (e.user.username?.startsWith('system:node:')) assert.ok(e.sourceIPs[0].startsWith(`10.${i + 1}.`));
      }
    });
    const interleaved = [...generateLines(opts)];
    assert.deepEqual([...perFile.flat()].sort(), [...interleaved].sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeGenerated respects backpressure and reports the bytes written', async () => {
  const received: Buffer[] = [];
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk);
      setImmediate(cb);
    },
  });
  const opts = { events: 3000, seed: 4, end: END };
  const r = await writeGenerated(opts, slow);
  const all = Buffer.concat(received).toString('utf8');
  assert.equal(r.events, 3000);
  assert.equal(r.bytes, Buffer.byteLength(all));
  assert.equal(all, [...generateChunks(opts)].join(''));
});

test('options: defaults, the demo seed, and one-sentence errors', () => {
  const now = Date.UTC(2025, 5, 1, 12, 34, 56, 789);
  const o = resolveOptions({ events: 10 }, now);
  assert.equal(o.end, Date.UTC(2025, 5, 1, 12, 34) / 1000);
  assert.equal(o.start, o.end - 7 * 86400);
  assert.equal(o.seed, 1);
  assert.equal(o.clusters, 1);
  assert.equal(resolveOptions({ events: 1, end: new Date(now) }).end, Math.floor(now / 1000));
  assert.ok(Number.isSafeInteger(DEMO_SEED));
  assert.throws(() => resolveOptions({ events: -1 }), /events must be a whole number/);
  assert.throws(() => resolveOptions({ events: 1.5 }), /events must be a whole number/);
  assert.throws(() => resolveOptions({ events: 1, clusters: 0 }), /clusters must be/);
  assert.throws(() => resolveOptions({ events: 1, days: 0 }), /days must be/);
  assert.throws(() => resolveOptions({ events: 1, seed: -3 }), /seed must be/);
});
