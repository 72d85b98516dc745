// Search-statement speed on a realistic store: N synthetic audit events (default 1M) ingested through
// the real path (decode → identity → DuckDB partition), then each search compiled by
// parseSearch + searchToDuckDb and counted, median of several runs. Beside the token searches it
// times a naive substring scan of `_text` (`contains`), the floor any full-text search pays.
//
//   npm run build && node dist/bench/search.bench.js [--events N] [--runs R] [--db FILE]
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEventObject } from '../src/event/decode.js';
import type { AuditEvent } from '../src/event/types.js';
import { prepareRow } from '../src/ingest/prepare.js';
import { parseSearch } from '../src/query/search/index.js';
import { openDuckDbStore } from '../src/store/duckdb/index.js';
import { searchToDuckDb } from '../src/store/duckdb/dialect/search.js';
import type { IngestRow } from '../src/store/store.js';
import { EVENTS_RELATION } from '../src/store/store.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const EVENTS = Number(arg('events', '1000000'));
const RUNS = Number(arg('runs', '5'));

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same data. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = ['default', 'kube-system', 'team-a', 'team-b', 'monitoring', 'ingress-nginx', 'payments'];
const RESOURCES = [
  'pods',
  'nodes',
  'leases',
  'configmaps',
  'secrets',
  'deployments',
  'events',
  'endpoints',
  'services',
];
const VERBS = ['get', 'get', 'get', 'list', 'watch', 'watch', 'update', 'patch', 'create', 'delete'];

function makeEvent(i: number, r: () => number): AuditEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const kind = r();
  let username: string;
  let groups: string[];
  let agent: string;
  if (kind < 0.45) {
    username = `system:node:worker-${Math.floor(r() * 50)}`;
    groups = ['system:nodes', 'system:authenticated'];
    agent = 'kubelet/v1.30.1 (linux/amd64) kubernetes/6911225';
  } else if (kind < 0.7) {
    const ns = pick(NAMESPACES);
    username = `system:serviceaccount:${ns}:${pick(['default', 'controller', 'operator', 'prometheus'])}`;
    groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
    agent = 'Go-http-client/2.0';
  } else if (kind < 0.85) {
    username = pick(['system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver']);
    groups = ['system:authenticated'];
    agent = `${username.slice(7)}/v1.30.1 (linux/amd64) kubernetes/6911225/leader-election`;
  } else if (kind < 0.99) {
    username = pick(['kubernetes-admin', 'bob@example.com', 'carol@example.com', 'dev-ci']);
    groups = ['system:masters', 'system:authenticated'];
    agent = 'kubectl/v1.30.0 (darwin/arm64) kubernetes/7c48c2b';
  } else {
    username = 'alice@example.com';
    groups = ['developers', 'system:authenticated'];
    agent = 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b';
  }
  const verb = pick(VERBS);
  const resource = pick(RESOURCES);
  const namespace = resource === 'nodes' ? undefined : pick(NAMESPACES);
  const name =
    verb === 'list' || verb === 'watch' ? undefined : `${resource.slice(0, -1)}-${Math.floor(r() * 500)}`;
  const exec = resource === 'pods' && verb === 'create' && r() < 0.1;
  const uri =
    `/api/v1/${namespace ? `namespaces/${namespace}/` : ''}${resource}${name ? `/${name}` : ''}` +
    (exec
      ? '/exec?command=sh&container=app&stdin=true&tty=true'
      : verb === 'watch'
        ? '?watch=true&timeoutSeconds=412'
        : '');
  const code = r() < 0.03 ? 403 : verb === 'create' ? (exec ? 101 : 201) : r() < 0.02 ? 404 : 200;
  const t = Date.UTC(2026, 10, 20) + i * 37;
  const ts = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');
  const ev: AuditEvent & Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: resource === 'pods' && verb === 'create' ? 'RequestResponse' : 'Metadata',
    auditID: `${(i * 2654435761) >>> 0}-${Math.floor(r() * 1e9).toString(16)}-4c1e-9a2b-${i.toString(16).padStart(12, '0')}`,
    stage: exec ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: uri,
    verb,
    user: { username, groups },
    sourceIPs: [
      kind > 0.85 && r() < 0.3
        ? `203.0.113.${Math.floor(r() * 255)}`
        : `10.0.${Math.floor(r() * 8)}.${Math.floor(r() * 255)}`,
    ],
    userAgent: agent,
    objectRef: {
      resource,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      apiVersion: 'v1',
      ...(exec ? { subresource: 'exec' } : {}),
    },
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: ts(t),
    stageTimestamp: ts(t + 3),
    annotations: {
      'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason':
        code === 403
          ? ''
          : kind < 0.45
            ? 'RBAC: allowed by ClusterRoleBinding "system:node" of ClusterRole "system:node" to Group "system:nodes"'
            : `RBAC: allowed by RoleBinding "edit-binding/${namespace ?? 'default'}" of ClusterRole "edit" to User "${username}"`,
    },
  };
  if (ev.level === 'RequestResponse' && !exec) {
    const pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name, namespace, labels: { app: 'web', tier: 'frontend' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: pick(['nginx:1.25', 'registry.example.com/shop/api:2.3.1', 'redis:7']),
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '256Mi' } },
          },
        ],
        serviceAccountName: 'default',
      },
    };
    ev.requestObject = pod;
    ev.responseObject = { ...pod, status: { phase: 'Pending', qosClass: 'Burstable' } };
  }
  return ev;
}

/** Bytes on disk of a store: its main file plus the partition files beside it. */
function storeBytes(db: string): number {
  let total = statSync(db).size;
  const parts = `${db}.parts`;
  if (existsSync(parts)) for (const f of readdirSync(parts)) total += statSync(join(parts, f)).size;
  return total;
}

async function main(): Promise<void> {
  // A throw-away store unless --db names one to keep.
  const dir = process.argv.includes('--db') ? null : mkdtempSync(join(tmpdir(), 'kaudit-search-bench-'));
  const db = dir ? join(dir, 'bench.duckdb') : arg('db', '');
  const store = await openDuckDbStore({ path: db });
  try {
    const r = rng(42);
    let bytes = 0;
    const t0 = performance.now();
    for (let start = 0; start < EVENTS; start += 50_000) {
      const rows: IngestRow[] = [];
      for (let i = start; i < Math.min(EVENTS, start + 50_000); i++) {
        const d = decodeEventObject(makeEvent(i, r));
        if (typeof d === 'string') throw new Error(d);
        const row = prepareRow(d, 'bench', 'generator');
        if (row) {
          bytes += row.raw.length;
          rows.push(row);
        }
      }
      await store.ingest(rows);
    }
    const ingestS = (performance.now() - t0) / 1000;
    console.log(
      `${EVENTS} events, mean event ${Math.round(bytes / EVENTS)} bytes, ingest ${ingestS.toFixed(1)} s, store ${(storeBytes(db) / 1e6).toFixed(0)} MB`,
    );

    const time = async (where: string): Promise<{ ms: number; count: number }> => {
      const sql = `SELECT count(*) FROM ${EVENTS_RELATION} WHERE ${where}`;
      let count = 0;
      const times: number[] = [];
      for (let k = 0; k < RUNS; k++) {
        const s = performance.now();
        const res = await store.querySql(sql);
        times.push(performance.now() - s);
        count = Number(res.rows[0][0]);
      }
      times.sort((a, b) => a - b);
      return { ms: times[Math.floor(times.length / 2)], count };
    };

    const searches = [
      'alice',
      'pods',
      'zzzznotfound',
      'kube-sch*',
      '#"system node"',
      'user.username: node',
      'user.username: alice',
      'verb : create and objectRef.subresource:exec and stage: ResponseStarted',
      'NOT user.username: node NOT user.username: serviceaccount NOT user.username: apiserver NOT user.username: kube-scheduler NOT user.username: kube-controller-manager',
      'responseStatus.code >= 400',
      'annotations.authorization.k8s.io/reason: alice',
      'requestObject: nginx',
      'requestObject.spec.containers.image: nginx',
      'not alice',
    ];
    console.log('| search | matches | median ms |');
    console.log('|---|---:|---:|');
    for (const q of searches) {
      const { ms, count } = await time(searchToDuckDb(parseSearch(q)));
      console.log(`| \`${q.length > 70 ? q.slice(0, 67) + '...' : q}\` | ${count} | ${ms.toFixed(0)} |`);
    }
    for (const [label, where] of [
      ["baseline: contains(_text, 'alice')", `contains("_text", 'alice')`],
      ["baseline: contains(_text, 'pods')", `contains("_text", 'pods')`],
    ]) {
      const { ms, count } = await time(where);
      console.log(`| ${label} | ${count} | ${ms.toFixed(0)} |`);
    }
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
