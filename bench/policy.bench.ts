// Policy evaluation speed (issue 4, point 8): the built-in default policy, compiled once, against
// a fixed mix of request attributes shaped like apiserver traffic. Baselines in the same run:
// a plain loop over the same requests (the floor: reading the attributes) and the literal
// transcription of the apiserver's checker (reference.ts, linear scans). Target: >= 1M evaluations/s.
import { cpus, totalmem } from 'node:os';
import { compilePolicy } from '../src/policy/compile.js';
import { evaluateReference } from '../src/policy/reference.js';
import { loadPolicyArgument } from '../src/policy/builtin.js';
import type { RequestAttributes } from '../src/policy/types.js';
import { applyPolicyToEvent } from '../src/policy/apply.js';
import { redactEvent } from '../src/policy/redact.js';
import type { AuditEvent } from '../src/event/types.js';

const TARGET = 1_000_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run evaluates the same requests. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function requests(n: number): RequestAttributes[] {
  const r = rng(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const users: [string, string[]][] = [
    ['system:kube-proxy', ['system:authenticated']],
    ['system:node:node-1', ['system:nodes', 'system:authenticated']],
    ['system:kube-controller-manager', ['system:authenticated']],
    ['system:kube-scheduler', ['system:authenticated']],
    ['system:serviceaccount:kube-system:coredns', ['system:serviceaccounts', 'system:authenticated']],
    ['alice@example.com', ['dev', 'system:authenticated']],
    ['system:apiserver', ['system:masters']],
  ];
  const resources: [string, string, string][] = [
    ['', 'pods', ''],
    ['', 'pods', 'log'],
    ['', 'endpoints', ''],
    ['', 'services', ''],
    ['', 'nodes', 'status'],
    ['', 'nodes', ''],
    ['', 'configmaps', ''],
    ['', 'secrets', ''],
    ['', 'events', ''],
    ['apps', 'deployments', ''],
    ['apps', 'deployments', 'scale'],
    ['coordination.k8s.io', 'leases', ''],
    ['rbac.authorization.k8s.io', 'clusterroles', ''],
    ['networking.istio.io', 'virtualservices', ''],
  ];
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  const paths = ['/healthz', '/readyz', '/version', '/metrics', '/apis', '/openapi/v2'];
  const out: RequestAttributes[] = [];
  for (let i = 0; i < n; i++) {
    const [user, groups] = pick(users);
    if (r() < 0.1) {
      out.push({
        user,
        groups,
        verb: 'get',
        namespace: '',
        apiGroup: '',
        apiVersion: '',
        resource: '',
        subresource: '',
        name: '',
        path: pick(paths),
        isResourceRequest: false,
      });
      continue;
    }
    const [apiGroup, resource, subresource] = pick(resources);
    const verb = pick(verbs);
    out.push({
      user,
      groups,
      verb,
      namespace: resource === 'nodes' ? '' : pick(['default', 'kube-system', 'prod']),
      apiGroup,
      apiVersion: 'v1',
      resource,
      subresource,
      name: verb === 'list' || verb === 'watch' || verb === 'create' ? '' : `obj-${i % 50}`,
      path: '',
      isResourceRequest: true,
    });
  }
  return out;
}

/**
 * Runs `pass` (one loop over all requests, returning a checksum) repeatedly for at least a second
 * after a warm-up. Each variant has its own loop function so that the call inside is monomorphic.
 */
function measure(label: string, requestCount: number, pass: () => number): number {
  let sink = 0;
  for (let i = 0; i < 3; i++) sink += pass();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1e9) {
    sink += pass();
    n += requestCount;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  const rate = n / (elapsed / 1e9);
  console.log(
    `${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(14)} evaluations/s  (checksum ${sink})`,
  );
  return rate;
}

const { policy } = loadPolicyArgument('default');
const compiled = compilePolicy(policy);
const reqs = requests(10_000);

console.log(
  `policy evaluation: built-in default policy (${policy.rules.length} rules), ${reqs.length} distinct requests`,
);
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
const fast = measure('compiled policy (compilePolicy().evaluate)', reqs.length, () => {
  let sum = 0;
  for (let i = 0; i < reqs.length; i++) sum += compiled.evaluate(reqs[i]).rule ?? -1;
  return sum;
});
const reference = measure('baseline: literal checker (reference.ts)', reqs.length, () => {
  let sum = 0;
  for (let i = 0; i < reqs.length; i++) sum += evaluateReference(policy, reqs[i]).rule ?? -1;
  return sum;
});
const floor = measure('baseline: plain loop over the requests', reqs.length, () => {
  let sum = 0;
  for (let i = 0; i < reqs.length; i++) sum += reqs[i].verb.length;
  return sum;
});
// The ingest path works on Events: attributes from the Event, evaluate, drop or trim; then redaction.
const events: AuditEvent[] = reqs.map((a, i) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: `id-${i}`,
  stage: 'ResponseComplete',
  verb: a.verb,
  requestURI: a.isResourceRequest ? `/api/v1/namespaces/${a.namespace}/${a.resource}` : a.path,
  user: { username: a.user ?? undefined, groups: a.groups },
  ...(a.isResourceRequest
    ? {
        objectRef: {
          resource: a.resource,
          subresource: a.subresource || undefined,
          namespace: a.namespace,
          apiGroup: a.apiGroup || undefined,
          name: a.name || undefined,
        },
      }
    : {}),
}));
measure('ingest filter (applyPolicyToEvent) on Events', events.length, () => {
  let sum = 0;
  for (let i = 0; i < events.length; i++) sum += applyPolicyToEvent(events[i], compiled).action.length;
  return sum;
});
measure('redactEvent (Metadata events, nothing to redact)', events.length, () => {
  let sum = 0;
  for (let i = 0; i < events.length; i++) sum += redactEvent(events[i]).redactions;
  return sum;
});
console.log(
  `compiled vs literal checker: ${(fast / reference).toFixed(1)}x; compiled vs plain loop: ${(fast / floor).toFixed(2)} of the loop's rate`,
);
console.log(
  fast >= TARGET
    ? `target met: >= ${TARGET.toLocaleString('en-US')} evaluations/s`
    : `TARGET MISSED: < ${TARGET.toLocaleString('en-US')} evaluations/s`,
);
if (fast < TARGET) process.exitCode = 1;
