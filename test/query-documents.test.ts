// The source documents' queries, verbatim (../shared/seeds/ and sls-query.md §6), on small event
// sets whose answers were worked out by hand from the documents' intent and the SLS semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeWithEvents } from '../src/store/duckdb/testing.js';
import { runQuery } from '../src/query/run.js';
import { QueryError } from '../src/query/errors.js';
import type { AuditEvent } from '../src/event/types.js';
import { EXEC_EN, EXEC_ZH, PUBLIC_EN, PUBLIC_ZH } from './fixtures/documents.js';

let n = 0;
function ev(o: Record<string, unknown>): AuditEvent {
  n++;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${n}`,
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/default/pods',
    user: { username: 'alice' },
    sourceIPs: ['10.0.0.1'],
    requestReceivedTimestamp: '2024-05-01T10:00:00.000000Z',
    stageTimestamp: `2024-05-01T10:00:${String(n % 60).padStart(2, '0')}.000000Z`,
    responseStatus: { metadata: {}, code: 200 },
    ...o,
  } as unknown as AuditEvent;
}

const rows = (out: Awaited<ReturnType<typeof runQuery>>) => {
  assert.equal(out.kind, 'sql');
  if (out.kind !== 'sql') return [];
  return out.rows.map((r) => Object.fromEntries(out.columns.map((c, i) => [c.name, r[i]])));
};

// ---- Example 1: exec into a container (003 seed, Chinese form; 000 seed, English form)

const execBase = {
  verb: 'create',
  stage: 'ResponseStarted',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'dev', name: 'web-0', apiVersion: 'v1' },
  requestURI: '/api/v1/namespaces/dev/pods/web-0/exec?command=sh&container=web&stdin=true&tty=true',
  responseStatus: { metadata: {}, code: 101 },
};

async function execStore() {
  return storeWithEvents([
    // kubernetes-admin acting through a RoleBinding to User "alice": the real user is alice.
    ev({
      ...execBase,
      auditID: 'exec-admin-rb',
      stageTimestamp: '2024-05-01T10:00:00.000000Z',
      user: { username: 'kubernetes-admin' },
      sourceIPs: ['203.0.113.7'],
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason':
          'RBAC: allowed by RoleBinding "dev-admin/dev" of ClusterRole "admin" to User "alice"',
      },
    }),
    // Another user: shown as is; two source IPs: the JSON array text is kept.
    ev({
      ...execBase,
      auditID: 'exec-bob',
      stageTimestamp: '2024-05-01T10:05:30.000000Z',
      user: { username: 'bob' },
      sourceIPs: ['10.0.0.1', '192.168.1.1'],
      requestURI: '/api/v1/namespaces/dev/pods/db-1/exec?command=ls&command=-l',
    }),
    // kubernetes-admin via a ClusterRoleBinding to a Group: 'RoleBinding' matches (it is a substring
    // of ClusterRoleBinding) but ' to User "…"' does not, so regexp_extract gives NULL (SLS semantics).
    ev({
      ...execBase,
      auditID: 'exec-admin-crb',
      stageTimestamp: '2024-05-01T10:10:00.000000Z',
      user: { username: 'kubernetes-admin' },
      sourceIPs: ['198.51.100.9'],
      annotations: {
        'authorization.k8s.io/reason':
          'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
      },
    }),
    // kubernetes-admin without an authorization reason: falls through to ELSE.
    ev({
      ...execBase,
      auditID: 'exec-admin-none',
      stageTimestamp: '2024-05-01T10:15:00.000000Z',
      user: { username: 'kubernetes-admin' },
      sourceIPs: ['198.51.100.10'],
    }),
    // Not matched by the search: other stage, other subresource, other verb.
    ev({ ...execBase, auditID: 'exec-complete', stage: 'ResponseComplete' }),
    ev({
      ...execBase,
      auditID: 'attach',
      objectRef: { resource: 'pods', subresource: 'attach', namespace: 'dev', name: 'web-0' },
    }),
    ev({ ...execBase, auditID: 'get-exec', verb: 'get' }),
  ]);
}

test('exec-into-container query (zh) runs verbatim and recovers the real user', async () => {
  const store = await execStore();
  try {
    const out = await runQuery(store, EXEC_ZH, { timezone: 'Asia/Shanghai' });
    const got = rows(out).sort((a, b) => String(a['事件ID']).localeCompare(String(b['事件ID'])));
    assert.deepEqual(got, [
      {
        事件ID: 'exec-admin-crb',
        操作时间: '2024-05-01 18:10:00',
        资源: '/api/v1/namespaces/dev/pods/web-0',
        命令: 'command=sh&container=web&stdin=true&tty=true',
        状态码: 101,
        操作账号: null,
        源地址: '198.51.100.9',
      },
      {
        事件ID: 'exec-admin-none',
        操作时间: '2024-05-01 18:15:00',
        资源: '/api/v1/namespaces/dev/pods/web-0',
        命令: 'command=sh&container=web&stdin=true&tty=true',
        状态码: 101,
        操作账号: 'kubernetes-admin',
        源地址: '198.51.100.10',
      },
      {
        事件ID: 'exec-admin-rb',
        操作时间: '2024-05-01 18:00:00',
        资源: '/api/v1/namespaces/dev/pods/web-0',
        命令: 'command=sh&container=web&stdin=true&tty=true',
        状态码: 101,
        操作账号: 'alice',
        源地址: '203.0.113.7',
      },
      {
        事件ID: 'exec-bob',
        操作时间: '2024-05-01 18:05:30',
        资源: '/api/v1/namespaces/dev/pods/db-1',
        命令: 'command=ls&command=-l',
        状态码: 101,
        操作账号: 'bob',
        源地址: '["10.0.0.1","192.168.1.1"]',
      },
    ]);
  } finally {
    await store.close();
  }
});

test('exec-into-container query (en) gives the same rows under English names, in UTC', async () => {
  const store = await execStore();
  try {
    const out = await runQuery(store, EXEC_EN, { timezone: 'UTC' });
    const got = rows(out).sort((a, b) => String(a['Event ID']).localeCompare(String(b['Event ID'])));
    assert.deepEqual(
      got.map((r) => [r['Event ID'], r['Operation time'], r['Username'], r['Source IP address']]),
      [
        ['exec-admin-crb', '2024-05-01 10:10:00', null, '198.51.100.9'],
        ['exec-admin-none', '2024-05-01 10:15:00', 'kubernetes-admin', '198.51.100.10'],
        ['exec-admin-rb', '2024-05-01 10:00:00', 'alice', '203.0.113.7'],
        ['exec-bob', '2024-05-01 10:05:30', 'bob', '["10.0.0.1","192.168.1.1"]'],
      ],
    );
  } finally {
    await store.close();
  }
});

// ---- Example 2: public-network access failures

function requests(ips: string[], codes: number[]): AuditEvent[] {
  return codes.map((code) => ev({ sourceIPs: ips, responseStatus: { metadata: {}, code } }));
}

test('public-network failures query (zh): HAVING without GROUP BY filters the output rows', async () => {
  const store = await storeWithEvents([
    // 12 requests, 8 refused with 403: total 12, failure rate 8/12 = 66.67 %, failCount 8 → reported.
    ...requests(['203.0.113.7'], [403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    // 11 requests, 5 failures: 45.45 % is not > 50 → dropped.
    ...requests(['198.51.100.9'], [403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 200]),
    // Private address: 20 failures, dropped by ip_to_domain(ip) != 'intranet'.
    ...requests(['10.0.0.5'], Array(20).fill(403)),
    // 5 requests only (not > 10), all 500 → dropped.
    ...requests(['203.0.113.8'], Array(5).fill(500)),
    // Two source IPs: ip is the JSON array text, not an IP → ip_to_domain is NULL → dropped.
    ...requests(['203.0.113.9', '10.0.0.1'], Array(15).fill(401)),
  ]);
  try {
    const out = await runQuery(store, PUBLIC_ZH, { timezone: 'Asia/Shanghai' });
    const got = rows(out);
    assert.equal(got.length, 1);
    const r = got[0];
    assert.equal(r['源地址'], '203.0.113.7');
    assert.equal(r['访问次数'], 12);
    assert.equal(r['失败率%'], 66.67);
    assert.equal(r['非法访问次数'], 8);
    assert.equal(r['是否高危IP'], 'no');
    assert.deepEqual(Object.keys(r), [
      '源地址',
      '访问次数',
      '失败率%',
      '非法访问次数',
      '是否高危IP',
      '国家',
      '省',
      '市',
      '运营商',
    ]);
  } finally {
    await store.close();
  }
});

test('public-network failures query (en) fails naming the undefined alias and suggesting the real one', async () => {
  const store = await storeWithEvents(requests(['203.0.113.7'], [403]));
  try {
    await assert.rejects(runQuery(store, PUBLIC_EN, { timezone: 'UTC' }), (err: unknown) => {
      assert.ok(err instanceof QueryError);
      assert.equal(err.message, "Column 'Number of connections' cannot be resolved");
      assert.equal(err.suggestion, 'Number of Internet connection requests');
      assert.equal(PUBLIC_EN.slice(err.position!, err.position! + 23), '"Number of connections"');
      return true;
    });
  } finally {
    await store.close();
  }
});

// ---- System components filter (003 seed, "常见的审计日志搜索方式")

test('system-component filter keeps only human users and logs without a user', async () => {
  const users = [
    'system:node:worker-1', // node token → dropped
    'system:serviceaccount:kube-system:replicaset-controller', // serviceaccount → dropped
    'system:apiserver', // dropped
    'system:kube-scheduler', // dropped
    'system:kube-controller-manager', // dropped
    'alice', // kept
    'kubernetes-node', // one token, not "node" → kept
    'nodejs-bot', // kept
  ];
  const store = await storeWithEvents([
    ...users.map((u) => ev({ auditID: u, user: { username: u } })),
    ev({ auditID: 'no-user', user: {} }),
  ]);
  try {
    const out = await runQuery(
      store,
      'NOT user.username: node NOT user.username: serviceaccount NOT user.username: apiserver NOT user.username: kube-scheduler NOT user.username: kube-controller-manager',
      { timezone: 'UTC' },
    );
    assert.equal(out.kind, 'search');
    if (out.kind !== 'search') return;
    assert.deepEqual(out.events.map((e) => e.auditID).sort(), [
      'alice',
      'kubernetes-node',
      'no-user',
      'nodejs-bot',
    ]);
  } finally {
    await store.close();
  }
});

// ---- ACK alert templates (sls-query.md §6)

test('alert template: deletes with operation type and include/exclude namespace regexes', async () => {
  const store = await storeWithEvents([
    ev({
      auditID: 'd1',
      verb: 'delete',
      objectRef: { resource: 'configmaps', namespace: 'prod', name: 'cfg' },
      requestObject: { kind: 'DeleteOptions', apiVersion: 'v1' },
    }),
    ev({
      auditID: 'd2',
      verb: 'delete',
      objectRef: { resource: 'pods', namespace: 'kube-system', name: 'p' },
    }),
    ev({
      auditID: 'd3',
      verb: 'delete',
      user: { username: 'system:node:n1' },
      objectRef: { resource: 'pods', namespace: 'prod', name: 'q' },
    }),
    ev({ auditID: 'g1', verb: 'get', objectRef: { resource: 'pods', namespace: 'prod', name: 'q' } }),
  ]);
  try {
    const out = await runQuery(
      store,
      `verb : delete NOT user.username: node NOT user.username: serviceaccount | select auditID, json_extract(requestObject, '$.kind') as operationType, "objectRef.namespace" as ns where regexp_like("objectRef.namespace", '.*') AND NOT regexp_like("objectRef.namespace", '^kube-system$') order by auditID`,
      { timezone: 'UTC' },
    );
    // json_extract keeps the quotes of a JSON string (Presto), so operationType is "DeleteOptions".
    assert.deepEqual(rows(out), [{ auditID: 'd1', operationType: '"DeleteOptions"', ns: 'prod' }]);
  } finally {
    await store.close();
  }
});

test('alert template: node label and taint changes', async () => {
  const store = await storeWithEvents([
    ev({
      auditID: 'l1',
      verb: 'patch',
      requestURI: '/api/v1/nodes/worker-2?fieldManager=kubectl',
      objectRef: { resource: 'nodes', name: 'worker-2' },
      requestObject: { metadata: { labels: { env: 'prod' } } },
    }),
    ev({
      auditID: 'l2',
      verb: 'patch',
      requestURI: '/api/v1/nodes/worker-3',
      objectRef: { resource: 'nodes', name: 'worker-3' },
      requestObject: { metadata: { labels: { env: null } } },
    }),
    ev({
      auditID: 't1',
      verb: 'update',
      requestURI: '/api/v1/nodes/worker-4',
      objectRef: { resource: 'nodes', name: 'worker-4' },
      requestObject: { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } },
    }),
    ev({
      auditID: 'kubelet',
      verb: 'patch',
      user: { username: 'system:node:worker-2' },
      requestURI: '/api/v1/nodes/worker-2/status',
      objectRef: { resource: 'nodes', name: 'worker-2', subresource: 'status' },
      requestObject: { metadata: { labels: { a: 'b' } } },
    }),
  ]);
  try {
    const out = await runQuery(
      store,
      `* and objectRef.resource : nodes and (verb : update or verb : patch) NOT user.username: node | select auditID, regexp_extract("requestURI", 'nodes/([^/\\?]+)', 1) as node, json_extract(requestObject, '$.metadata.labels') as labels, case when requestObject like '%null%' or requestObject like '%false%' then 'delete' else 'insert/update' end as op where json_extract(requestObject, '$.metadata.labels') is not null order by auditID`,
      { timezone: 'UTC' },
    );
    assert.deepEqual(rows(out), [
      { auditID: 'l1', node: 'worker-2', labels: '{"env":"prod"}', op: 'insert/update' },
      { auditID: 'l2', node: 'worker-3', labels: '{"env":null}', op: 'delete' },
    ]);
  } finally {
    await store.close();
  }
});

test('alert template: update count without leases, and internet logins by first source IP', async () => {
  const store = await storeWithEvents([
    ev({ verb: 'update', objectRef: { resource: 'deployments', namespace: 'a', name: 'x' } }),
    ev({ verb: 'patch', objectRef: { resource: 'configmaps', namespace: 'a', name: 'y' } }),
    ev({ verb: 'update', objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'n' } }),
    ev({
      verb: 'update',
      user: { username: 'system:node:n1' },
      objectRef: { resource: 'nodes', name: 'n1' },
    }),
    ev({ verb: 'get', sourceIPs: ['203.0.113.7'], responseStatus: { metadata: {}, code: 403 } }),
    ev({ verb: 'get', sourceIPs: ['203.0.113.7', '10.0.0.1'], responseStatus: { metadata: {}, code: 200 } }),
    ev({ verb: 'get', sourceIPs: ['198.51.100.1'], responseStatus: { metadata: {}, code: 200 } }),
  ]);
  try {
    const updates = await runQuery(
      store,
      '(verb : update or verb : patch) NOT user.username: node NOT objectRef.resource: leases | select COUNT(*) as count',
      { timezone: 'UTC' },
    );
    assert.deepEqual(rows(updates), [{ count: 2 }]);
    const logins = await runQuery(
      store,
      `* | select count(DISTINCT ip) as ip_count, sum(total) as total, sum(failCount) as failCount from (select json_format(json_array_get(sourceIPs, 0)) as ip, count(1) as total, count_if("responseStatus.code" >= 400) as failCount from log where ip_to_domain(json_format(json_array_get(sourceIPs, 0))) = 'internet' group by ip)`,
      { timezone: 'UTC' },
    );
    // First IPs: 203.0.113.7 (twice: 403, 200) and 198.51.100.1 (200); the 10.0.0.1 rows are intranet.
    assert.deepEqual(rows(logins), [{ ip_count: 2, total: 3, failCount: 1 }]);
  } finally {
    await store.close();
  }
});
