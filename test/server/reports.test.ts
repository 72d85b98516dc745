// The reports HTTP API on a real `kaudit serve` (loopback), filled with the hand-worked report
// fixture through the webhook: list, definition, run (values from test/fixtures/reports/expected.ts),
// filters, tabs, errors, auth, clusters — and `kaudit report` going through the running server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { validateConfig } from '../../src/server/config.js';
import { comparableRows } from '../../src/reports/testing.js';
import {
  EXPECTED,
  FIXTURE_EVENTS,
  FIXTURE_FROM,
  FIXTURE_THREAT_LIST,
  FIXTURE_TO,
  MESH_TABS,
} from '../fixtures/reports/expected.js';
import { kauditAsync, REPO } from '../cli/helpers.js';

const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;
const VIEWER = 'viewer-token-0123456789';
const auth = { Authorization: `Bearer ${VIEWER}` };

let server: RunningServer;
let dir: string;
let db: string;
const savedThreats = process.env.KAUDIT_THREAT_LISTS;

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as any, text };
}

const range = { from: FIXTURE_FROM, to: FIXTURE_TO, timezone: 'UTC' };

before(async () => {
  // The store's IP functions read the threat list when the store opens.
  process.env.KAUDIT_THREAT_LISTS = join(REPO, FIXTURE_THREAT_LIST);
  dir = mkdtempSync(join(tmpdir(), 'kaudit-reports-api-'));
  db = join(dir, 'k.duckdb');
  server = await startServer({
    dbPath: db,
    config: validateConfig(
      {
        port: 0,
        webhook: { enabled: true },
        tokens: [
          { name: 'viewer', token: VIEWER, role: 'viewer' },
          { name: 'apiserver', token: 'ingest-token-0123456789', role: 'ingest' },
        ],
      },
      'test config',
    ),
    logStream: nullLog,
  });
  const items = readFileSync(join(REPO, FIXTURE_EVENTS), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const r = await call(
    'POST',
    '/audit/webhook',
    { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items },
    { Authorization: 'Bearer ingest-token-0123456789' },
  );
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.stored, 67);
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  if (savedThreats === undefined) delete process.env.KAUDIT_THREAT_LISTS;
  else process.env.KAUDIT_THREAT_LISTS = savedThreats;
});

test('GET /api/v1/reports lists the reports with params and tabs', async () => {
  const r = await call('GET', '/api/v1/reports');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(
    r.json.reports.map((x: { id: string }) => x.id),
    ['overview', 'operations', 'resource', 'mesh'],
  );
  const byId = Object.fromEntries(r.json.reports.map((x: { id: string }) => [x.id, x]));
  assert.deepEqual(byId.overview.tabs, [{ id: 'main', title: 'Overview' }]);
  assert.deepEqual(byId.resource.params, [
    { name: 'resource', title: 'Resource (plural)', default: 'deployments' },
  ]);
  assert.deepEqual(
    byId.mesh.tabs.map((t: { id: string }) => t.id),
    ['overview', 'audit', 'operations', 'details'],
  );
  assert.ok(byId.overview.title && typeof byId.overview.description === 'string');
});

test('GET /api/v1/reports/:id gives tabs and panels; unknown ids are 404 with the list', async () => {
  const r = await call('GET', '/api/v1/reports/overview');
  assert.equal(r.status, 200, r.text);
  const panels = r.json.tabs[0].panels;
  assert.deepEqual(panels.map((p: { id: string }) => p.id).sort(), Object.keys(EXPECTED.overview).sort());
  const exec = panels.find((p: { id: string }) => p.id === 'exec_list');
  assert.equal(exec.chart, 'table');
  assert.equal(exec.drilldown, 'verb: create and objectRef.subresource: exec');
  assert.match(
    exec.query,
    /^\* \| select from_unixtime\(t\) as time,[^]*verb = 'create' and "objectRef.subresource" = 'exec'/,
  );
  assert.equal(typeof exec.width, 'number');
  const missing = await call('GET', '/api/v1/reports/nope');
  assert.equal(missing.status, 404);
  assert.equal(
    missing.json.error,
    'there is no report "nope"; the reports are overview, operations, resource, mesh.',
  );
});

test('POST /api/v1/reports/:id/run answers every panel with the hand-worked values', async () => {
  for (const id of ['overview', 'operations', 'resource', 'mesh']) {
    const r = await call('POST', `/api/v1/reports/${id}/run`, range);
    assert.equal(r.status, 200, r.text);
    const got = new Map<string, any>(r.json.panels.map((p: { id: string }) => [p.id, p]));
    for (const [panelId, rows] of Object.entries(EXPECTED[id])) {
      const p = got.get(panelId);
      assert.ok(p, `${id}/${panelId} missing`);
      assert.equal(p.error, undefined, p.error);
      assert.deepEqual(comparableRows(p.rows), rows, `${id}/${panelId}`);
      assert.ok(Array.isArray(p.columns) && typeof p.query === 'string' && typeof p.chart === 'string');
    }
  }
});

test('run with filters, a parameter and a tab; the panel query carries the filters', async () => {
  const r = await call('POST', '/api/v1/reports/overview/run', {
    ...range,
    namespace: 'team-a',
    user: 'dev-bob',
  });
  assert.equal(r.status, 200, r.text);
  const requests = r.json.panels.find((p: { id: string }) => p.id === 'requests');
  // dev-bob in team-a: R2 R3 R10 R19 R26 R27 R33 R39 R46 R52.
  assert.deepEqual(requests.rows, [{ requests: 10 }]);
  assert.equal(
    requests.query,
    'objectRef.namespace: "team-a" and user.username: "dev-bob" | select count(1) as requests ' +
      `from log where (stage in ('ResponseComplete', 'Panic') or (stage = 'ResponseStarted' and "responseStatus.code" = 401))`,
  );
  const status = await call('POST', '/api/v1/reports/overview/run', { ...range, status: 403 });
  assert.deepEqual(status.json.panels.find((p: { id: string }) => p.id === 'denied').rows, [{ requests: 6 }]);

  const crd = await call('POST', '/api/v1/reports/resource/run', {
    ...range,
    params: { resource: 'aliyunlogconfigs' },
  });
  // R47 R48 R49.
  assert.deepEqual(crd.json.panels.find((p: { id: string }) => p.id === 'requests').rows, [{ requests: 3 }]);

  const tab = await call('POST', '/api/v1/reports/mesh/run', { ...range, tab: 'audit' });
  assert.deepEqual(
    tab.json.panels.map((p: { id: string }) => p.id),
    MESH_TABS.audit,
  );
});

test('bad requests are 400 with one sentence', async () => {
  const bad = await call('POST', '/api/v1/reports/resource/run', { params: { resource: 'pods" or *' } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /^resource "pods" or \*" for report "resource" is not a resource plural;/);
  const cases: [unknown, RegExp][] = [
    [{ status: 'forbidden' }, /is not an HTTP status code/],
    [{ from: '2026-11-20' }, /"from" must be unix seconds/],
    [{ from: 10, to: 5 }, /"to" must be later than "from"/],
    [{ tab: 'nope' }, /has no tab "nope"; its tabs are main/],
    [{ namespac: 'x' }, /unknown field "namespac"/],
    [{ timezone: 'Mars/Base' }, /time zone "Mars\/Base" is unknown/],
    ['{not json', /not a JSON object/],
  ];
  for (const [body, message] of cases) {
    const r = await call('POST', '/api/v1/reports/overview/run', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.json.error, message);
  }
  const resourceOnOverview = await call('POST', '/api/v1/reports/overview/run', {
    params: { resource: 'pods' },
  });
  assert.match(
    resourceOnOverview.json.error,
    /report "overview" has no parameter "resource"; it takes no parameters/,
  );
  assert.equal((await call('POST', '/api/v1/reports/nope/run', {})).status, 404);
});

test('the reports API needs a token with the read role', async () => {
  assert.equal((await call('GET', '/api/v1/reports', undefined, {})).status, 401);
  assert.equal((await call('POST', '/api/v1/reports/overview/run', range, {})).status, 401);
  const ingest = { Authorization: 'Bearer ingest-token-0123456789' };
  assert.equal((await call('GET', '/api/v1/reports/overview', undefined, ingest)).status, 403);
});

test('GET /api/v1/clusters lists the clusters with events', async () => {
  const r = await call('GET', '/api/v1/clusters');
  assert.equal(r.status, 200, r.text);
  // The webhook without a cluster in the path stores events under the server's cluster, "default".
  assert.deepEqual(r.json, { clusters: ['default'] });
});

test('kaudit report on the served store goes through the server and prints the same panels', async () => {
  const r = await kauditAsync([
    'report',
    'overview',
    '--db',
    db,
    '--from',
    String(FIXTURE_FROM),
    '--to',
    String(FIXTURE_TO),
    '--timezone',
    'UTC',
    '--namespace',
    'team-a',
    '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const panels = JSON.parse(r.stdout).panels as { id: string; rows: unknown[] }[];
  // team-a: 19 requests (expected.ts FILTER_CASES).
  assert.deepEqual(panels.find((p) => p.id === 'requests')!.rows, [{ requests: 19 }]);
  assert.equal(panels.length, Object.keys(EXPECTED.overview).length);
});
