// The built-in detection library (issue #7 item 5): every rule of ../shared/spec/detections.md is in
// rules/, with the spec's severity and audit level, and every built-in rule of the library fires on
// its positive example and not on its negative one, through the real loader (placeholders, lists,
// macros), the real query engine and the real condition evaluator. A user rules file that extends a
// list or adds an exception changes what fires.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { matchGroups, runRuleQueries } from '../../src/alerts/evaluate.js';
import { loadRuleFiles, type Rule } from '../../src/alerts/rule.js';
import { renderTemplate, templateNames } from '../../src/alerts/template.js';
import type { AuditEvent } from '../../src/event/types.js';
import { runQuery } from '../../src/query/run.js';
import { addEvents, storeWithEvents } from '../../src/store/duckdb/testing.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { CASES } from './cases.js';
import { ev, podBody, podCreate } from '../fixtures/alerts/events.js';

const LIBRARY_FILES = ['falco-k8saudit.yaml', 'sigma-k8s-audit.yaml', 'ack-alert-templates.yaml'];

// detections.md §2.1: # → [rule name, Falco priority, minimum level]. Priorities map to severities
// ERROR→high, WARNING→medium, NOTICE→low, INFO/DEBUG→info; "any" level is Metadata.
const FALCO: [string, string, string][] = [
  ['Disallowed K8s User', 'WARN', 'Metadata'],
  ['Create Disallowed Pod', 'WARN', 'Request'],
  ['Create Privileged Pod', 'WARN', 'Request'],
  ['Create Sensitive Mount Pod', 'WARN', 'Request'],
  ['Create HostNetwork Pod', 'WARN', 'Request'],
  ['Create HostPid Pod', 'WARN', 'Request'],
  ['Create HostIPC Pod', 'WARN', 'Request'],
  ['Create NodePort Service', 'WARN', 'Request'],
  ['Create/Modify Configmap With Private Credentials', 'WARN', 'Request'],
  ['Anonymous Request Allowed', 'WARN', 'Metadata'],
  ['Attach/Exec Pod', 'NOTICE', 'Metadata'],
  ['port-forward', 'NOTICE', 'Metadata'],
  ['EphemeralContainers Created', 'NOTICE', 'Request'],
  ['Create Disallowed Namespace', 'WARN', 'Metadata'],
  ['Pod Created in Kube Namespace', 'WARN', 'Request'],
  ['Service Account Created in Kube Namespace', 'WARN', 'Metadata'],
  ['System ClusterRole Modified/Deleted', 'WARN', 'Metadata'],
  ['Attach to cluster-admin Role', 'WARN', 'Request'],
  ['ClusterRole With Wildcard Created', 'WARN', 'Request'],
  ['ClusterRole With Write Privileges Created', 'NOTICE', 'Request'],
  ['ClusterRole With Pod Exec Created', 'WARN', 'Request'],
  ['K8s Deployment Created', 'INFO', 'Metadata'],
  ['K8s Deployment Deleted', 'INFO', 'Metadata'],
  ['K8s Service Created', 'INFO', 'Metadata'],
  ['K8s Service Deleted', 'INFO', 'Metadata'],
  ['K8s ConfigMap Created', 'INFO', 'Metadata'],
  ['K8s ConfigMap Deleted', 'INFO', 'Metadata'],
  ['K8s Namespace Created', 'INFO', 'Metadata'],
  ['K8s Namespace Deleted', 'INFO', 'Metadata'],
  ['K8s Serviceaccount Created', 'INFO', 'Metadata'],
  ['K8s Serviceaccount Deleted', 'INFO', 'Metadata'],
  ['K8s Role Created', 'INFO', 'Metadata'],
  ['K8s Role Deleted', 'INFO', 'Metadata'],
  ['K8s ClusterRole Created', 'INFO', 'Metadata'],
  ['K8s ClusterRole Deleted', 'INFO', 'Metadata'],
  ['K8s RoleBinding Created', 'INFO', 'Metadata'],
  ['K8s RoleBinding Deleted', 'INFO', 'Metadata'],
  ['K8s ClusterRoleBinding Created', 'INFO', 'Metadata'],
  ['K8s ClusterRoleBinding Deleted', 'INFO', 'Metadata'],
  ['K8s Secret Created', 'INFO', 'Metadata'],
  ['K8s Secret Deleted', 'INFO', 'Metadata'],
  ['K8s Secret Get Successfully', 'ERROR', 'Metadata'],
  ['K8s Secret Get Unsuccessfully Tried', 'WARN', 'Metadata'],
  ['All K8s Audit Events', 'DEBUG', 'Metadata'],
  ['Full K8s Administrative Access', 'WARN', 'Metadata'],
  ['Ingress Object without TLS Certificate Created', 'WARN', 'Request'],
  ['Untrusted Node Successfully Joined the Cluster', 'ERROR', 'Metadata'],
  ['Untrusted Node Unsuccessfully Tried to Join the Cluster', 'WARN', 'Metadata'],
];
/** Falco ships rules 2, 44, 45, 47, 48 disabled (templates to customise). */
const FALCO_DISABLED = [2, 44, 45, 47, 48];
const PRIORITY: Record<string, string> = {
  ERROR: 'high',
  WARN: 'medium',
  NOTICE: 'low',
  INFO: 'info',
  DEBUG: 'info',
};

// detections.md §2.2: [rule name, Sigma level, minimum audit level (Request where the rule reads the body)].
const SIGMA: [string, string, string][] = [
  ['Kubernetes Admission Controller Modification', 'medium', 'Metadata'],
  ['Kubernetes CronJob/Job Modification', 'medium', 'Metadata'],
  ['Deployment Deleted From Kubernetes Cluster', 'low', 'Metadata'],
  ['Kubernetes Events Deleted', 'medium', 'Metadata'],
  ['Potential Remote Command Execution In Pod Container', 'medium', 'Metadata'],
  ['Container With A hostPath Mount Created', 'low', 'Request'],
  ['Creation Of Pod In System Namespace', 'medium', 'Metadata'],
  ['Kubernetes Potential Enumeration Activity', 'medium', 'Metadata'],
  ['Privileged Container Deployed', 'low', 'Request'],
  ['RBAC Permission Enumeration Attempt', 'low', 'Metadata'],
  ['Kubernetes Rolebinding Modification', 'medium', 'Metadata'],
  ['Kubernetes Secrets Enumeration', 'low', 'Metadata'],
  ['Kubernetes Secrets Modified or Deleted', 'medium', 'Metadata'],
  ['New Kubernetes Service Account Created', 'low', 'Metadata'],
  ['Potential Sidecar Injection Into Running Deployment', 'medium', 'Metadata'],
  ['Kubernetes Unauthorized or Unauthenticated Access', 'low', 'Metadata'],
];

// sls-query.md §6 items 4–9 (item 6 is two templates: labels and taints).
const ACK_TEMPLATES = [
  'ack-internet-login',
  'ack-delete-operations',
  'ack-node-label-change',
  'ack-node-taint-change',
  'ack-update-operations',
  'ack-networkpolicy-created',
  'ack-pod-eviction',
];

let library: Rule[];
let builtins: Rule[];

before(async () => {
  const { rules, problems } = await loadRuleFiles([]);
  assert.deepEqual(
    problems.filter((p) => LIBRARY_FILES.some((f) => p.file.endsWith(f))),
    [],
    'the library files load without problems',
  );
  builtins = rules;
  library = rules.filter((r) => LIBRARY_FILES.some((f) => r.file.endsWith(f)));
});

function eventTime(e: AuditEvent): number {
  const raw = e as unknown as Record<string, unknown>;
  const t = (raw.stageTimestamp ?? raw.timestamp ?? raw.requestReceivedTimestamp) as string;
  return Math.floor(Date.parse(t) / 1000);
}

interface Outcome {
  /** Rows of the first query as objects (at most the 100 an alert evaluates). */
  rows: Record<string, unknown>[];
  /** True when some row fires the rule's condition. */
  fires: boolean;
  /** The alert groups that fire (`{auditID: …}` for a per-event rule, `{}` for a counting rule). */
  groups: Record<string, unknown>[];
}

/**
 * One store for the whole file (opening a store per case would dominate the run time): each case's
 * events go in under their own cluster id, and every query is restricted to that cluster.
 */
let shared: DuckDbStore | undefined;
let clusterSeq = 0;

/**
 * Runs a rule over `events` (their own time range) the way the alert engine evaluates it: its
 * queries (first 100 rows each), its condition per row, one group per `groupBy` value.
 */
async function evaluate(rule: Rule, events: AuditEvent[]): Promise<Outcome> {
  if (events.length === 0) return { rows: [], fires: false, groups: [] };
  shared ??= await storeWithEvents([]);
  const store = shared;
  const cluster = `case-${++clusterSeq}`;
  await addEvents(store, events, { cluster });
  const times = events.map(eventTime);
  const range = { from: Math.min(...times) - 60, to: Math.max(...times) + 60 };
  const results = await runRuleQueries(
    rule,
    (q, ctx) => runQuery(store, q, { ...ctx, cluster }),
    range,
    'UTC',
  );
  const groups = matchGroups(rule, results);
  return { rows: results[0].rows, fires: groups.length > 0, groups: groups.map((g) => g.group) };
}

after(async () => {
  await shared?.close();
});

const auditIds = (events: AuditEvent[]) => [...new Set(events.map((e) => e.auditID))].sort();
const rowIds = (rows: Record<string, unknown>[]) => [...new Set(rows.map((r) => String(r.auditID)))].sort();
const groupIds = (o: Outcome) => o.groups.map((g) => String(g.auditID)).sort();

describe('the detection library covers the spec', () => {
  test('every Falco k8saudit rule of detections.md §2.1 is a falco- rule with its priority, level and default state', () => {
    const falco = library.filter((r) => r.source === 'falco');
    assert.equal(falco.length, 48);
    FALCO.forEach(([name, prio, level], i) => {
      const rule = falco.find((r) => r.name === name);
      assert.ok(rule, `Falco rule ${i + 1} "${name}" is missing`);
      assert.match(rule.id, /^falco-[a-z0-9-]+$/);
      assert.equal(rule.severity, PRIORITY[prio], `${name}: severity`);
      assert.equal(rule.level, level, `${name}: level`);
      assert.equal(rule.enabled, !FALCO_DISABLED.includes(i + 1), `${name}: enabled`);
    });
  });

  test('every Sigma rule of detections.md §2.2 is a sigma- rule with its level', () => {
    const sigma = library.filter((r) => r.source === 'sigma');
    assert.equal(sigma.length, 16);
    for (const [name, severity, level] of SIGMA) {
      const rule = sigma.find((r) => r.name === name);
      assert.ok(rule, `Sigma rule "${name}" is missing`);
      assert.match(rule.id, /^sigma-[a-z0-9-]+$/);
      assert.equal(rule.severity, severity, `${name}: severity`);
      assert.equal(rule.level, level, `${name}: level`);
      assert.equal(rule.enabled, true);
    }
  });

  test('the ACK alert templates are ack- rules', () => {
    assert.deepEqual(
      library
        .filter((r) => r.source === 'ack')
        .map((r) => r.id)
        .sort(),
      [...ACK_TEMPLATES].sort(),
    );
  });

  test('every library rule has a positive/negative case, runs each minute and names what it catches', () => {
    assert.deepEqual(library.map((r) => r.id).sort(), Object.keys(CASES).sort());
    for (const r of library) {
      assert.deepEqual(r.schedule, builtins.find((b) => b.id === r.id)?.schedule);
      assert.ok(r.description.length > 40, `${r.id}: description`);
      assert.ok(r.annotations.title && r.annotations.desc, `${r.id}: annotations`);
      const rawSql = r.rawQueries[0].split('|').slice(1).join('|');
      // Disabled templates say which list to fill (or how to enable them).
      if (!r.enabled) assert.match(r.description, /enable/i, `${r.id}: says how to enable it`);
      if (r.groupBy.length > 0) assert.deepEqual(r.groupBy, ['auditID'], r.id);
      assert.ok(rawSql.length > 0, `${r.id}: has SQL output columns`);
    }
  });
});

test('docs/alerts-library.md lists every library rule with its name, severity, level and state', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'alerts-library.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const m = /^\| `([a-z0-9-]+)` \| (.+) \|$/.exec(line);
    if (m && !rows.has(m[1])) rows.set(m[1], m[2].split(' | '));
  }
  for (const r of library) {
    const cells = rows.get(r.id);
    assert.ok(cells, `${r.id} is in the docs table`);
    const [name, , severity, level, on] = cells;
    assert.deepEqual(
      [name, severity, level, on],
      [r.name, r.severity, r.level, r.enabled ? 'yes' : '**off**'],
      r.id,
    );
  }
});

describe('each rule fires on its positive and not on its negative', () => {
  for (const [id, c] of Object.entries(CASES)) {
    test(id, async () => {
      const rule = library.find((r) => r.id === id);
      assert.ok(rule, `rule ${id} exists`);
      assert.ok(c.pos.length > 0 && c.neg.length > 0);
      const pos = await evaluate(rule, c.pos);
      assert.equal(pos.fires, true, `${id} fires on its positive`);
      const neg = await evaluate(rule, c.neg);
      assert.equal(
        neg.fires,
        false,
        `${id} does not fire on its negative (rows: ${JSON.stringify(neg.rows)})`,
      );
      if (rule.groupBy.includes('auditID')) {
        const both = await evaluate(rule, [...c.pos, ...c.neg]);
        // One alert per event: exactly the positive events fire, also when mixed with the negatives.
        assert.deepEqual(groupIds(both), auditIds(c.pos));
        assert.deepEqual(rowIds(both.rows), auditIds(c.pos));
      }
    });
  }
});

describe('what a rule reports', () => {
  test('Attach/Exec Pod reports the user, pod and command of the real Falco exec event', async () => {
    const rule = library.find((r) => r.id === 'falco-attach-exec-pod')!;
    const { rows } = await evaluate(rule, CASES['falco-attach-exec-pod'].pos.slice(0, 1));
    // exec_pod.json: minikube-user runs `bash` in default/nginx-deployment-7998647bdf-phvq7 from 192.168.99.1.
    assert.equal(rows.length, 1);
    assert.equal(rows[0].user, 'minikube-user');
    assert.equal(rows[0].namespace, 'default');
    assert.equal(rows[0].pod, 'nginx-deployment-7998647bdf-phvq7');
    assert.equal(rows[0].command, 'bash');
    assert.equal(rows[0].ip, '192.168.99.1');
  });

  test('Attach/Exec Pod joins and decodes the command arguments of the URI', async () => {
    const rule = library.find((r) => r.id === 'falco-attach-exec-pod')!;
    const exec = ev('args', {
      stage: 'ResponseStarted',
      verb: 'create',
      requestURI:
        '/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=id%20-u&container=web&stdout=true',
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
      responseStatus: { metadata: {}, code: 101 },
    });
    const { rows } = await evaluate(rule, [exec]);
    assert.deepEqual(
      rows.map((r) => r.command),
      ['sh -c id -u'],
    );
  });

  test('every annotation placeholder names an output column of the rule, so no message has holes', () => {
    const builtins = ['__count__', 'alert_name', 'alert_id', 'severity', 'fire_time', 'status'];
    for (const r of library) {
      const columns = r.columns[0] ?? [];
      for (const text of [r.annotations.title, r.annotations.desc]) {
        for (const name of templateNames(text)) {
          assert.ok(
            columns.includes(name) || builtins.includes(name),
            `${r.id}: \${${name}} is not a column of its query`,
          );
        }
      }
    }
  });

  test('a privileged-pod alert message from the real Falco event', async () => {
    const rule = library.find((r) => r.id === 'falco-create-privileged-pod')!;
    const { rows } = await evaluate(rule, CASES['falco-create-privileged-pod'].pos.slice(0, 1));
    assert.equal(rows.length, 1);
    // create_nginx_pod_privileged.json: the replicaset controller creates nginx-deployment-5cdcc99dbf-rgw6z.
    assert.equal(
      renderTemplate(rule.annotations.desc, rows[0]),
      'system:serviceaccount:kube-system:replicaset-controller created pod default/nginx-deployment-5cdcc99dbf-rgw6z with a privileged container (images nginx) from ::1, audit ID a362d22b-db3c-4590-9505-23782f12925f',
    );
  });

  test('messages name a namespaced object namespace/name and a cluster-scoped one by its name', async () => {
    const cm = library.find((r) => r.id === 'falco-k8s-configmap-created')!;
    const crb = library.find((r) => r.id === 'sigma-rolebinding-modification')!;
    const a = await evaluate(cm, CASES['falco-k8s-configmap-created'].pos);
    assert.equal(renderTemplate(cm.annotations.title, a.rows[0]), 'K8s ConfigMap Created: default/my-config');
    const b = await evaluate(crb, CASES['sigma-rolebinding-modification'].pos);
    assert.equal(
      renderTemplate(crb.annotations.title, b.rows[0]),
      'clusterrolebindings some-reader-binding create',
    );
  });

  test('the internet-login template counts public first source IPs only', async () => {
    const rule = library.find((r) => r.id === 'ack-internet-login')!;
    const c = CASES['ack-internet-login'];
    const { rows } = await evaluate(rule, [...c.pos, ...c.neg]);
    // 8.8.8.8 (200) and 8.8.4.4 (403) are public; 10.0.0.5 and 100.64.1.1 (first of two) are intranet.
    assert.equal(rows.length, 1);
    assert.equal(rows[0].ip_count, 2);
    assert.equal(rows[0].total, 2);
    assert.equal(rows[0].failCount, 1);
  });
});

describe('user rule files extend the library', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kaudit-rules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function withUserFile(text: string): Promise<Rule[]> {
    const file = join(dir, `user-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const { rules, problems } = await loadRuleFiles([file]);
    assert.deepEqual(problems, []);
    return rules;
  }

  test('adding a user to allowed_k8s_users stops Disallowed K8s User firing for them', async () => {
    const mallory = [ev('mallory', { user: { username: 'mallory', groups: [] } })];
    const before = library.find((r) => r.id === 'falco-disallowed-k8s-user')!;
    assert.equal((await evaluate(before, mallory)).fires, true);
    const rules = await withUserFile(
      'lists:\n  - list: allowed_k8s_users\n    items: [mallory]\n    append: true\n',
    );
    const extended = rules.find((r) => r.id === 'falco-disallowed-k8s-user')!;
    assert.equal((await evaluate(extended, mallory)).fires, false);
    // Others still fire: the list was extended, not replaced.
    const eve = [ev('eve', { user: { username: 'eve', groups: [] } })];
    assert.equal((await evaluate(extended, eve)).fires, true);
  });

  test('filling allowed_k8s_container_images and enabling Create Disallowed Pod reports only other images', async () => {
    const rules = await withUserFile(
      [
        'lists:',
        '  - list: allowed_k8s_container_images',
        '    items: [nginx, registry.example.com/team/api]',
        '    append: true',
        'rules:',
        '  - id: falco-create-disallowed-pod',
        '    override: { enabled: true }',
      ].join('\n'),
    );
    const rule = rules.find((r) => r.id === 'falco-create-disallowed-pod')!;
    assert.equal(rule.enabled, true);
    const events = [
      podCreate('allowed', podBody({ web: 'nginx:1.27', api: 'registry.example.com/team/api@sha256:abc' })),
      podCreate('mixed', podBody({ web: 'nginx', miner: 'docker.io/evil/miner:latest' })),
    ];
    assert.deepEqual(groupIds(await evaluate(rule, events)), ['mixed']);
  });

  test('a redefined user_known_exec_pod_activities macro silences Attach/Exec Pod for that namespace', async () => {
    const rules = await withUserFile(
      "macros:\n  - macro: user_known_exec_pod_activities\n    search: 'objectRef.namespace: sandbox'\n",
    );
    const rule = rules.find((r) => r.id === 'falco-attach-exec-pod')!;
    const exec = (id: string, ns: string) =>
      ev(id, {
        stage: 'ResponseStarted',
        verb: 'create',
        requestURI: `/api/v1/namespaces/${ns}/pods/web/exec?command=id`,
        objectRef: { resource: 'pods', subresource: 'exec', namespace: ns, name: 'web' },
        responseStatus: { metadata: {}, code: 101 },
      });
    assert.deepEqual(groupIds(await evaluate(rule, [exec('sandbox', 'sandbox'), exec('prod', 'prod')])), [
      'prod',
    ]);
  });

  test('an appended exception suppresses the matching events of a built-in rule', async () => {
    const rules = await withUserFile(
      [
        'rules:',
        '  - id: sigma-secrets-enumeration',
        '    append:',
        '      exceptions:',
        '        - name: backup_job',
        '          fields: [user.username, objectRef.namespace]',
        '          values: [[backup, prod]]',
      ].join('\n'),
    );
    const rule = rules.find((r) => r.id === 'sigma-secrets-enumeration')!;
    const list = (id: string, user: string, ns: string) =>
      ev(id, {
        verb: 'list',
        user: { username: user, groups: [] },
        objectRef: { resource: 'secrets', namespace: ns },
      });
    const events = [
      list('backup-prod', 'backup', 'prod'),
      list('backup-dev', 'backup', 'dev'),
      list('eve-prod', 'eve', 'prod'),
    ];
    assert.deepEqual(groupIds(await evaluate(rule, events)), ['backup-dev', 'eve-prod']);
  });
});
