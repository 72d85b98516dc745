// `kaudit serve` on a ClickHouse store: the webhook stores each event once, two servers share one
// store, and a ClickHouse outage answers 503 (the apiserver retries) without losing or doubling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { validateConfig } from '../../src/server/config.js';
import { storeLocation } from '../../src/cli/flags.js';
import { requireOrSkip } from '../e2e/requirements.js';
import {
  NO_SERVER_REASON,
  clickHouseServerCommand,
  startTestClickHouse,
  type TestClickHouse,
} from './server.js';

const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;
const available = clickHouseServerCommand() !== null;
let ch: TestClickHouse | null = null;

before(async () => {
  if (available) ch = await startTestClickHouse();
});
after(async () => {
  await ch?.stop();
});

function event(id: string, extra: Record<string, unknown> = {}) {
  return {
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'list',
    user: { username: 'alice' },
    sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2024-01-15T10:20:30.000000Z',
    stageTimestamp: '2024-01-15T10:20:30.500000Z',
    ...extra,
  };
}
const list = (items: unknown[]) => ({
  kind: 'EventList',
  apiVersion: 'audit.k8s.io/v1',
  metadata: {},
  items,
});

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), headers: res.headers };
}

async function serve(db: string): Promise<RunningServer> {
  const loc = storeLocation({ store: ch!.storeUrl(db) });
  return startServer({
    dbPath: loc.path,
    location: loc,
    config: validateConfig({ port: 0, webhook: { enabled: true } }, 'test config'),
    logStream: nullLog,
    housekeepingMs: 200,
  });
}

async function count(server: RunningServer): Promise<number> {
  const r = await post(`${server.url}/api/v1/query`, { query: '* | select count(*) as n' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.rows[0][0];
}

test('the webhook into ClickHouse: stored once, retries collapse, queries through the API', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  const server = await serve(`kserve_${process.pid}`);
  try {
    // Two events share an auditID but differ (stage): they stay two (DESIGN.md identity).
    const batch = list([event('a'), event('b'), event('b', { stage: 'ResponseStarted' })]);
    const r1 = await post(`${server.url}/audit/webhook`, batch);
    assert.equal(r1.status, 200);
    assert.deepEqual(r1.json, { received: 3, stored: 3, duplicates: 0, rejected: 0 });
    const r2 = await post(`${server.url}/audit/webhook/prod`, list([event('a')]));
    assert.deepEqual(r2.json, { received: 1, stored: 1, duplicates: 0, rejected: 0 }); // another cluster
    const retry = await post(`${server.url}/audit/webhook`, batch);
    assert.deepEqual(retry.json, { received: 3, stored: 0, duplicates: 3, rejected: 0 });
    assert.equal(await count(server), 4);
    const byCluster = await post(`${server.url}/api/v1/query`, {
      query: '* | select cluster, count(*) as n group by cluster order by cluster',
    });
    assert.deepEqual(byCluster.json.rows, [
      ['default', 3],
      ['prod', 1],
    ]);
  } finally {
    await server.close();
  }
});

test('two servers on one ClickHouse store, posting the same events at once: each event once', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  const db = `kserve2_${process.pid}`;
  const a = await serve(db);
  const b = await serve(db);
  try {
    const events = Array.from({ length: 200 }, (_, i) => event(`e${i}`));
    // Server a gets 0–149, server b 50–199, in 10 concurrent rounds of overlapping lists.
    for (let i = 0; i < 10; i++) {
      await Promise.all([
        post(`${a.url}/audit/webhook`, list(events.slice(0, 150))),
        post(`${b.url}/audit/webhook`, list(events.slice(50, 200))),
      ]);
    }
    assert.equal(await count(a), 200);
    assert.equal(await count(b), 200);
  } finally {
    await a.close();
    await b.close();
  }
});

test('ClickHouse down: the webhook answers 503 with Retry-After; the retry after restart stores once', async (t) => {
  if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
  process.env.KAUDIT_CH_RETRY_MS = '300';
  const server = await serve(`kserve3_${process.pid}`);
  try {
    await post(`${server.url}/audit/webhook`, list([event('before')]));
    await ch!.kill9();
    const down = await post(`${server.url}/audit/webhook`, list([event('x'), event('y')]));
    assert.equal(down.status, 503);
    assert.ok(Number(down.headers.get('retry-after')) > 0);
    await ch!.restart();
    const again = await post(`${server.url}/audit/webhook`, list([event('x'), event('y')]));
    assert.deepEqual(again.json, { received: 2, stored: 2, duplicates: 0, rejected: 0 });
    assert.equal(await count(server), 3);
  } finally {
    delete process.env.KAUDIT_CH_RETRY_MS;
    await server.close();
  }
});
