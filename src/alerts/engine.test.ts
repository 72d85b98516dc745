// The engine on a real store with real peers: the two source-document rules end to end, delivery
// failures in the history, resolve notifications, and a restart between "intent" and "send".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../event/types.js';
import { openDuckDbStore } from '../store/duckdb/index.js';
import { addEvents, storeWithEvents } from '../store/duckdb/testing.js';
import { evaluateRule, testRule, type EngineDeps } from './engine.js';
import { alertsConfigSchema } from './config.js';
import { buildChannels } from './notify/index.js';
import { startReceiver, type Receiver } from './notify/testing.js';
import { builtinRulesDir, loadRuleFiles, type Rule } from './rule.js';
import { AlertStateStore } from './state.js';

const AT = Date.UTC(2024, 4, 1, 10, 0, 0) / 1000; // evaluation time
const iso = (unix: number) => new Date(unix * 1000).toISOString();

function event(e: Partial<AuditEvent> & { at: number }): AuditEvent {
  const { at, ...rest } = e;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    requestReceivedTimestamp: iso(at),
    stageTimestamp: iso(at),
    ...rest,
  } as AuditEvent;
}

function execEvent(
  id: string,
  user: string,
  ip: string,
  at: number,
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  return event({
    auditID: id,
    stage: 'ResponseStarted',
    verb: 'create',
    requestURI: `/api/v1/namespaces/dev/pods/web-0/exec?command=ls&container=nginx&stderr=true&stdout=true`,
    user: { username: user },
    sourceIPs: [ip],
    objectRef: { resource: 'pods', namespace: 'dev', name: 'web-0', subresource: 'exec', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 101 },
    at,
    ...extra,
  } as Partial<AuditEvent> & { at: number });
}

async function sourceRules(): Promise<Rule[]> {
  const { rules, problems } = await loadRuleFiles([join(builtinRulesDir(), 'ack-source-documents.yaml')], {
    builtins: false,
  });
  assert.deepEqual(problems, []);
  return rules;
}

function deps(
  store: Awaited<ReturnType<typeof storeWithEvents>>,
  rx: Receiver,
  extra: Partial<EngineDeps> = {},
): EngineDeps {
  const state = new AlertStateStore(store);
  const cfg = alertsConfigSchema.parse({
    channels: { hook: { type: 'webhook', url: `${rx.url}/hook` } },
    defaultChannels: ['hook', 'inapp'],
    retry: { attempts: 2, backoff: '1s', maxBackoff: '1s' },
  });
  return {
    store,
    state,
    channels: buildChannels(cfg, state),
    timezone: 'UTC',
    queryTimeoutMs: 30_000,
    sleep: async () => {},
    ...extra,
  };
}

test('exec into a container: one alert per auditID with operator, container, command and source IP', async () => {
  const t = AT - 100; // inside the window [AT-150, AT-30)
  const store = await storeWithEvents([
    execEvent('exec-1', 'alice', '203.0.113.7', t),
    // kubernetes-admin acting for a user bound by a RoleBinding: the operator is that user
    execEvent('exec-2', 'kubernetes-admin', '198.51.100.2', t + 1, {
      annotations: {
        'authorization.k8s.io/reason':
          'RBAC: allowed by RoleBinding "ops/dev" of ClusterRole "admin" to User "bob"',
      },
    }),
    // the same exec's ResponseComplete stage, a get on pods, and an exec outside the window: no alerts
    execEvent('exec-1', 'alice', '203.0.113.7', t + 5, { stage: 'ResponseComplete' }),
    event({
      auditID: 'get-1',
      verb: 'get',
      requestURI: '/api/v1/namespaces/dev/pods/web-0',
      user: { username: 'carol' },
      sourceIPs: ['10.0.0.1'],
      objectRef: { resource: 'pods', namespace: 'dev', name: 'web-0' },
      at: t,
    }),
    execEvent('exec-old', 'mallory', '203.0.113.9', AT - 600),
  ]);
  const rx = await startReceiver();
  try {
    const rule = (await sourceRules()).find((r) => r.id === 'ack-exec-into-container')!;
    const d = deps(store, rx);
    const report = await evaluateRule(rule, d, AT);
    assert.equal(report.error, undefined);
    assert.deepEqual(report.window, { from: AT - 150, to: AT - 30 });
    assert.equal(rx.requests.length, 2);
    const bodies = rx.requests.map((r) => JSON.parse(r.body)).sort((a, b) => (a.group < b.group ? -1 : 1));
    assert.deepEqual(
      bodies.map((b) => b.group),
      ['Event ID=exec-1', 'Event ID=exec-2'],
    );
    assert.equal(bodies[0].annotations.title, 'Command executed in container dev/web-0 (nginx)');
    assert.equal(
      bodies[0].annotations.desc,
      'alice ran `command=ls&container=nginx&stderr=true&stdout=true` in /api/v1/namespaces/dev/pods/web-0 (container nginx) from 203.0.113.7 at 2024-05-01 09:58:20; status 101; event exec-1.',
    );
    assert.match(
      bodies[1].annotations.desc,
      /^bob ran .* from 198\.51\.100\.2 at 2024-05-01 09:58:21; status 101; event exec-2\.$/,
    );
    assert.equal(bodies[0].severity, 'high');
    assert.equal(bodies[0].status, 'firing');
    // the in-app message center got them too
    const inbox = await d.state.messages();
    assert.equal(inbox.unread, 2);
    // a minute later the same execs are still in the window: still firing, nothing new is sent
    await evaluateRule(rule, d, AT + 60);
    assert.equal(rx.requests.length, 2);
    // when they leave the window they resolve silently (notifyResolved: false)
    const later = await evaluateRule(rule, d, AT + 300);
    assert.equal(later.firing, 0);
    assert.equal(rx.requests.length, 2);
    const history = await d.state.history({ ruleId: rule.id });
    assert.equal(history.length, 2);
    assert.ok(history.every((h) => h.status === 'firing' && h.notifications.every((n) => n.ok)));
  } finally {
    await rx.close();
    await store.close();
  }
});

test('public-network probe: ≥10 requests and >50% failing from a public address, with region and risky flag', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-threat-'));
  writeFileSync(join(dir, 'threats.txt'), '# test feed\n8.8.8.8\n');
  const t = AT - 200; // window [AT-330, AT-30)
  const events: AuditEvent[] = [];
  const add = (ip: string, codes: number[]) =>
    codes.forEach((code, i) =>
      events.push(
        event({
          auditID: `${ip}-${i}`,
          verb: 'list',
          requestURI: '/api/v1/secrets',
          user: { username: 'system:anonymous' },
          sourceIPs: [ip],
          objectRef: { resource: 'secrets', apiVersion: 'v1' },
          responseStatus: { metadata: {}, code },
          at: t + i,
        }),
      ),
    );
  // 8.8.8.8: 12 requests, 7×403 + 1×500 failing = 8/12 = 66.67% → alert
  add('8.8.8.8', [403, 403, 403, 403, 403, 403, 403, 500, 200, 200, 200, 200]);
  // 1.1.1.1: 12 requests, 2 failing (16.67%) → no alert
  add('1.1.1.1', [403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
  // 8.8.4.4: 9 requests, all failing, but fewer than 10 → no alert
  add('8.8.4.4', Array(9).fill(401));
  // 10.0.0.5: intranet, 20 failing → no alert
  add('10.0.0.5', Array(20).fill(403));
  const store = await storeWithEvents(events, {
    store: { enrich: { threatLists: [join(dir, 'threats.txt')] } },
  });
  const rx = await startReceiver();
  try {
    const rule = (await sourceRules()).find((r) => r.id === 'ack-public-network-probe')!;
    const d = deps(store, rx);
    await evaluateRule(rule, d, AT);
    assert.equal(rx.requests.length, 1);
    const b = JSON.parse(rx.requests[0].body);
    assert.equal(b.group, 'Source IP address=8.8.8.8');
    assert.equal(
      b.annotations.title,
      'API server probed from 8.8.8.8 (United States California Mountain View, risky: yes)',
    );
    assert.equal(
      b.annotations.desc,
      '8.8.8.8 (United States/California/Mountain View, Google LLC; risky IP: yes) sent 12 requests, 66.67% failed, 7 were refused with 403.',
    );
    // the probe stops: the next evaluation (5 minutes later, nothing in the window) resolves it, notified
    await evaluateRule(rule, d, AT + 300);
    assert.equal(rx.requests.length, 2);
    const r = JSON.parse(rx.requests[1].body);
    assert.equal(r.status, 'resolved');
    assert.equal(r.group, 'Source IP address=8.8.8.8');
    assert.match(r.title, /^\[RESOLVED\]\[high\] API server probed from 8\.8\.8\.8/);
  } finally {
    await rx.close();
    await store.close();
  }
});

const DELETE_RULE = `
rules:
  - id: kaudit-test-delete
    name: Secret deleted
    severity: medium
    level: Metadata
    schedule: 1m
    window: { from: -10m, to: now }
    queries: ['verb: delete and objectRef.resource: secrets | select auditID, "user.username" as user']
    groupBy: [auditID]
    annotations: { title: '\${user} deleted a secret' }
`;

async function deleteRule(extra = ''): Promise<Rule> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-rule-'));
  writeFileSync(join(dir, 'r.yaml'), DELETE_RULE + extra);
  const { rules, problems } = await loadRuleFiles([dir], { builtins: false });
  assert.deepEqual(problems, []);
  return rules[0];
}

const deleteEvent = (id: string, at: number) =>
  event({
    auditID: id,
    verb: 'delete',
    requestURI: '/api/v1/namespaces/a/secrets/s',
    user: { username: 'eve' },
    objectRef: { resource: 'secrets', namespace: 'a', name: 's' },
    at,
  });

test('a restart between writing the intent and sending it sends exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-restart-'));
  const db = join(dir, 'k.duckdb');
  const rule = await deleteRule();
  const rx = await startReceiver();
  try {
    let store = await openDuckDbStore({ path: db });
    await addEvents(store, [deleteEvent('d1', AT - 60)]);
    // first run: the process "dies" right after the intent is stored
    const crash = new Error('killed');
    await assert.rejects(
      evaluateRule(
        rule,
        deps(store, rx, {
          afterIntents: () => {
            throw crash;
          },
        }),
        AT,
      ),
      (e) => e === crash,
    );
    assert.equal(rx.requests.length, 0);
    await store.close();
    // restart: a new process on the same file
    store = await openDuckDbStore({ path: db });
    const d = deps(store, rx);
    const report = await evaluateRule(rule, d, AT + 60);
    assert.equal(
      rx.requests.length,
      1,
      'the pending intent is sent once; the still-firing group is not re-notified',
    );
    const sent = JSON.parse(rx.requests[0].body);
    assert.equal(sent.time, AT, 'it is the notification decided by the first run');
    assert.equal(rx.requests[0].headers['x-kaudit-idempotency-key'], sent.key);
    assert.equal(report.delivered.length, 1);
    await evaluateRule(rule, d, AT + 120);
    assert.equal(rx.requests.length, 1);
    const history = await d.state.history({ ruleId: rule.id });
    assert.deepEqual(
      history.map((h) => [h.status, h.title]),
      [['firing', 'eve deleted a secret']],
    );
    await store.close();
  } finally {
    await rx.close();
  }
});

test('delivery failures are retried, then recorded in the history with the reason; unknown channels too', async () => {
  const rule = await deleteRule('    channels: [hook, nowhere]\n');
  const store = await storeWithEvents([deleteEvent('d1', AT - 60)]);
  const rx = await startReceiver();
  rx.answer = () => ({ status: 500, body: 'down' });
  try {
    const d = deps(store, rx);
    await evaluateRule(rule, d, AT);
    assert.equal(rx.requests.length, 2, 'two attempts (retry.attempts: 2)');
    const [h] = await d.state.history({ ruleId: rule.id });
    assert.equal(h.status, 'firing');
    assert.deepEqual(h.notifications, [
      { channel: 'hook', ok: false, error: `webhook hook: ${rx.url} answered HTTP 500: down` },
      {
        channel: 'nowhere',
        ok: false,
        error: 'channel "nowhere" is not configured; add it under alerts.channels in the server config',
      },
    ]);
    const state = await d.state.load(rule.id);
    assert.deepEqual(state.outbox, [], 'a finally failed notification leaves the outbox');
  } finally {
    await rx.close();
    await store.close();
  }
});

test('a query that fails records an error and keeps the firing groups', async () => {
  const rule = await deleteRule();
  const store = await storeWithEvents([deleteEvent('d1', AT - 60)]);
  const rx = await startReceiver();
  try {
    const d = deps(store, rx);
    await evaluateRule(rule, d, AT);
    const broken = { ...rule, queries: ['* | select no_such_function(verb)'] };
    const r = await evaluateRule(broken, d, AT + 60);
    assert.match(r.error ?? '', /no_such_function/i);
    const st = await d.state.load(rule.id);
    assert.equal(Object.values(st.groups).filter((g) => g.firing).length, 1);
    assert.match(st.lastError ?? '', /no_such_function/i);
    const [h] = await d.state.history({ ruleId: rule.id });
    assert.equal(h.status, 'error');
    assert.equal(rx.requests.length, 1);
  } finally {
    await rx.close();
    await store.close();
  }
});

test('testRule shows what would fire and sends nothing', async () => {
  const rule = await deleteRule();
  const store = await storeWithEvents([deleteEvent('d1', AT - 60), deleteEvent('d2', AT - 50)]);
  const rx = await startReceiver();
  try {
    const d = deps(store, rx);
    const r = await testRule(rule, d, { from: AT - 3600, to: AT });
    // SQL without ORDER BY has no defined row order: compare sorted by auditID
    const fired = r.fired
      .map((f) => [f.group, f.annotations.title, f.rows] as const)
      .sort((a, b) => String(a[0].auditID).localeCompare(String(b[0].auditID)));
    assert.deepEqual(fired, [
      [{ auditID: 'd1' }, 'eve deleted a secret', [{ auditID: 'd1', user: 'eve' }]],
      [{ auditID: 'd2' }, 'eve deleted a secret', [{ auditID: 'd2', user: 'eve' }]],
    ]);
    assert.equal(r.queries[0].rows.length, 2);
    assert.equal(rx.requests.length, 0);
    assert.deepEqual((await d.state.history()).length, 0);
  } finally {
    await rx.close();
    await store.close();
  }
});

test('a slow query is stopped at the query timeout and recorded as the evaluation error', async () => {
  const store = await storeWithEvents(
    Array.from({ length: 200 }, (_, i) => deleteEvent(`d${i}`, AT - 60 - i)),
  );
  const rx = await startReceiver();
  try {
    const rule = await deleteRule();
    // 200^5 combinations: far longer than the 300 ms allowed
    const slow = { ...rule, queries: ['* | select count(*) as n from log a, log b, log c, log d, log e'] };
    const d = deps(store, rx, { queryTimeoutMs: 300 });
    const started = Date.now();
    const r = await evaluateRule(slow, d, AT);
    assert.ok(Date.now() - started < 10_000);
    assert.match(r.error ?? '', /longer than 300 ms/);
    const [h] = await d.state.history({ ruleId: rule.id });
    assert.equal(h.status, 'error');
    assert.equal(rx.requests.length, 0);
  } finally {
    await rx.close();
    await store.close();
  }
});

test('threshold 2 through the engine: pending after one match, notified after the second, resolved later', async () => {
  const rule = await deleteRule('    threshold: 2\n');
  const store = await storeWithEvents([deleteEvent('d1', AT - 60)]);
  const rx = await startReceiver();
  try {
    const d = deps(store, rx);
    const first = await evaluateRule(rule, d, AT);
    assert.deepEqual([first.pending, first.firing, rx.requests.length], [1, 0, 0]);
    const second = await evaluateRule(rule, d, AT + 60);
    assert.deepEqual([second.pending, second.firing, rx.requests.length], [0, 1, 1]);
    // window [t-10m, t): at AT+600 the event (AT-60) is outside → resolved, notified
    await evaluateRule(rule, d, AT + 600);
    assert.equal(rx.requests.length, 2);
    assert.equal(JSON.parse(rx.requests[1].body).status, 'resolved');
  } finally {
    await rx.close();
    await store.close();
  }
});
