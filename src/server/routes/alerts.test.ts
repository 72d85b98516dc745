// The alerts API over real HTTP on a running kaudit serve: rules with state, enable/disable by
// role, testing a rule, and the scheduler filling the history and the message center.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer } from '../serve.js';
import { validateConfig } from '../config.js';

const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;
// Response bodies of this API are small JSON objects checked field by field.
const json = async (r: Response): Promise<any> => r.json();

const VIEWER = 'viewer-token-0123456789';
const ADMIN = 'admin-token-0123456789ab';

const RULES = `
rules:
  - id: kaudit-api-delete
    name: ConfigMap deleted
    severity: medium
    level: Metadata
    schedule: 1s
    window: { from: -1h, to: now }
    queries: ['verb: delete and objectRef.resource: configmaps | select auditID, "user.username" as user']
    groupBy: [auditID]
    channels: [inapp]
    annotations: { title: '\${user} deleted a ConfigMap' }
`;

test('alerts API: rules, enable/disable (admin only), test, history and messages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-alerts-api-'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  const server = await startServer({
    dbPath: join(dir, 'k.duckdb'),
    config: validateConfig(
      {
        port: 0,
        webhook: { enabled: true },
        tokens: [
          { name: 'v', token: VIEWER, role: 'viewer' },
          { name: 'a', token: ADMIN, role: 'admin' },
        ],
        alerts: { rulesDir: dir },
      },
      'test config',
    ),
    logStream: nullLog,
  });
  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(server.url + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  try {
    // one delete event, 10 minutes ago
    const at = new Date(Date.now() - 600_000).toISOString();
    const ingest = await call('POST', '/audit/webhook', ADMIN, {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [
        {
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          level: 'Metadata',
          auditID: 'del-1',
          stage: 'ResponseComplete',
          verb: 'delete',
          requestURI: '/api/v1/namespaces/a/configmaps/c',
          user: { username: 'eve' },
          objectRef: { resource: 'configmaps', namespace: 'a', name: 'c' },
          requestReceivedTimestamp: at,
          stageTimestamp: at,
        },
      ],
    });
    assert.equal(ingest.status, 200);

    const list = await json(await call('GET', '/api/v1/alerts/rules', VIEWER));
    const mine = list.rules.find((r: { id: string }) => r.id === 'kaudit-api-delete');
    assert.equal(mine.name, 'ConfigMap deleted');
    assert.equal(mine.severity, 'medium');
    assert.equal(mine.level, 'Metadata');
    assert.equal(mine.source, 'kaudit');
    assert.equal(mine.schedule, '1s');
    assert.deepEqual(mine.queries, [
      'verb: delete and objectRef.resource: configmaps | select auditID, "user.username" as user',
    ]);
    assert.ok(
      list.rules.some((r: { id: string }) => r.id === 'ack-exec-into-container'),
      'built-ins are listed',
    );

    // test: what would fire in the last hour, nothing notified
    const tested = await json(
      await call('POST', '/api/v1/alerts/rules/kaudit-api-delete/test', VIEWER, { hours: 1 }),
    );
    assert.deepEqual(tested.fired, [
      {
        group: { auditID: 'del-1' },
        annotations: { title: 'eve deleted a ConfigMap' },
        labels: {},
        rows: [{ auditID: 'del-1', user: 'eve' }],
      },
    ]);
    assert.deepEqual(tested.queries[0].columns, ['auditID', 'user']);
    const bad = await call('POST', '/api/v1/alerts/rules/kaudit-api-delete/test', VIEWER, { hours: -1 });
    assert.equal(bad.status, 400);
    assert.match((await json(bad)).error, /hours/);
    assert.equal((await call('POST', '/api/v1/alerts/rules/nope/test', VIEWER, {})).status, 404);

    // the scheduler (every second) fires it into the message center and the history
    let inbox: any = { unread: 0, messages: [] };
    // Up to 60 s: on a loaded machine the built-in rules due at start run first (4 at a time).
    for (let i = 0; i < 600 && inbox.unread === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      inbox = await json(await call('GET', '/api/v1/messages', VIEWER));
    }
    assert.equal(inbox.unread, 1);
    const msg = inbox.messages[0];
    assert.equal(msg.ruleId, 'kaudit-api-delete');
    assert.equal(msg.title, '[FIRING][medium] eve deleted a ConfigMap');
    assert.equal(msg.read, false);
    const history = await json(
      await call('GET', '/api/v1/alerts/history?rule=kaudit-api-delete&limit=5', VIEWER),
    );
    assert.equal(history.history.length, 1);
    assert.deepEqual(
      { ...history.history[0], time: 0, key: '' },
      {
        time: 0,
        key: '',
        ruleId: 'kaudit-api-delete',
        ruleName: 'ConfigMap deleted',
        severity: 'medium',
        status: 'firing',
        group: 'auditID=del-1',
        title: 'eve deleted a ConfigMap',
        notifications: [{ channel: 'inapp', ok: true }],
      },
    );
    assert.equal((await call('GET', '/api/v1/alerts/history?limit=0', VIEWER)).status, 400);
    const states = await json(await call('GET', '/api/v1/alerts/rules', VIEWER));
    const st = states.rules.find((r: { id: string }) => r.id === 'kaudit-api-delete');
    assert.equal(st.state, 'firing');
    assert.equal(typeof st.lastRun, 'number');

    // messages: read one, read all
    const read = await call('POST', `/api/v1/messages/${msg.id}/read`, VIEWER);
    assert.deepEqual(await json(read), { id: msg.id, read: true });
    assert.equal((await json(await call('GET', '/api/v1/messages', VIEWER))).unread, 0);
    assert.equal((await call('POST', '/api/v1/messages/nope/read', VIEWER)).status, 404);
    assert.deepEqual(await json(await call('POST', '/api/v1/messages/read-all', VIEWER)), { marked: 0 });

    // enable/disable: viewers may not, admins may
    assert.equal((await call('POST', '/api/v1/alerts/rules/kaudit-api-delete/disable', VIEWER)).status, 403);
    const off = await call('POST', '/api/v1/alerts/rules/kaudit-api-delete/disable', ADMIN);
    assert.deepEqual(await json(off), { id: 'kaudit-api-delete', enabled: false });
    const after = await json(await call('GET', '/api/v1/alerts/rules', VIEWER));
    assert.equal(after.rules.find((r: { id: string }) => r.id === 'kaudit-api-delete').enabled, false);
    assert.deepEqual(await json(await call('POST', '/api/v1/alerts/rules/kaudit-api-delete/enable', ADMIN)), {
      id: 'kaudit-api-delete',
      enabled: true,
    });
    assert.equal((await call('POST', '/api/v1/alerts/rules/nope/enable', ADMIN)).status, 404);
    assert.equal((await fetch(server.url + '/api/v1/alerts/rules')).status, 401);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
