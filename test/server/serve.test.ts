// kaudit serve over real HTTP on loopback: webhook, query API, auth, limits, metrics, recreate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, serveInfoPath, type RunningServer } from '../../src/server/serve.js';
import { validateConfig, checkExposure } from '../../src/server/config.js';
import { kauditAsync } from '../cli/helpers.js';

const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;

function event(id: string, extra: Record<string, unknown> = {}) {
  // Webhook items: no kind/apiVersion (k8s-audit.md §4).
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

const list = (items: unknown[], apiVersion = 'audit.k8s.io/v1') => ({
  kind: 'EventList',
  apiVersion,
  metadata: {},
  items,
});

async function start(
  config: Record<string, unknown> = {},
): Promise<{ server: RunningServer; dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-serve-'));
  const db = join(dir, 'k.duckdb');
  const server = await startServer({
    dbPath: db,
    config: validateConfig({ port: 0, webhook: { enabled: true }, ...config }, 'test config'),
    logStream: nullLog,
    housekeepingMs: 200,
  });
  return { server, dir, db };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers, text };
}

async function count(url: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await post(`${url}/api/v1/query`, { query: '* | select count(*) as n' }, headers);
  assert.equal(r.status, 200, r.text);
  return r.json.rows[0][0];
}

test('the webhook stores EventLists once: retries collapse, events sharing only an auditID stay', async () => {
  const { server, dir } = await start();
  try {
    const batch = list([event('a'), event('b'), event('b', { stage: 'ResponseStarted' })]);
    const r1 = await post(`${server.url}/audit/webhook`, batch);
    assert.equal(r1.status, 200, r1.text);
    assert.deepEqual(r1.json, { received: 3, stored: 3, duplicates: 0, rejected: 0 });
    // The apiserver retries the same batch (k8s-audit.md §4): nothing new.
    const retry = await post(`${server.url}/audit/webhook`, batch);
    assert.deepEqual(retry.json, { received: 3, stored: 0, duplicates: 3, rejected: 0 });
    // v1beta1 body from an older cluster, to a cluster path.
    const old = list(
      [
        {
          ...event('c'),
          timestamp: '2024-01-15T10:20:30Z',
          metadata: { creationTimestamp: '2024-01-15T10:20:31Z' },
        },
      ],
      'audit.k8s.io/v1beta1',
    );
    assert.equal((await post(`${server.url}/audit/webhook/prod-1`, old)).status, 200);
    assert.equal(await count(server.url), 4);
    const byCluster = await post(`${server.url}/api/v1/query`, {
      query: '* | select cluster, count(*) as n group by cluster order by cluster',
    });
    assert.deepEqual(byCluster.json.rows, [
      ['default', 3],
      ['prod-1', 1],
    ]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /kaudit_events_received_total\{source="webhook"\} 7/);
    assert.match(metrics, /kaudit_events_stored_total\{source="webhook"\} 4/);
    assert.match(metrics, /kaudit_events_deduplicated_total\{source="webhook"\} 3/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('bad bodies get 400/413/415 with the reason and are counted; nothing stored is lost', async () => {
  const { server, dir } = await start({ webhook: { enabled: true, maxBodyBytes: 2000 } });
  try {
    assert.equal((await post(`${server.url}/audit/webhook`, list([event('keep')]))).status, 200);
    const garbage = await post(`${server.url}/audit/webhook`, '{"items": [');
    assert.equal(garbage.status, 400);
    assert.match(garbage.json.error, /not JSON/);
    const notList = await post(`${server.url}/audit/webhook`, { hello: 'world' });
    assert.equal(notList.status, 400);
    assert.match(notList.json.error, /no "items" array/);
    const empty = await post(`${server.url}/audit/webhook`, '');
    assert.equal(empty.status, 400);
    const big = await post(
      `${server.url}/audit/webhook`,
      list(Array.from({ length: 20 }, (_, i) => event(`big${i}`))),
    );
    assert.equal(big.status, 413);
    assert.match(big.json.error, /larger than 2000 bytes/);
    const text = await post(`${server.url}/audit/webhook`, 'x', { 'Content-Type': 'text/plain' });
    assert.equal(text.status, 415);
    // A list with one bad item: the good ones are stored, the bad one rejected.
    const mixed = await post(`${server.url}/audit/webhook`, list([event('good'), { kind: 0 }]));
    assert.equal(mixed.status, 200);
    assert.deepEqual(mixed.json, { received: 1, stored: 1, duplicates: 0, rejected: 1 });
    assert.equal(await count(server.url), 2);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /kaudit_webhook_requests_total\{code="400"\} 3/);
    assert.match(metrics, /kaudit_webhook_requests_total\{code="413"\} 1/);
    assert.match(metrics, /kaudit_webhook_requests_total\{code="415"\} 1/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('tokens and roles: 401 without or with a wrong token, 403 for the wrong role', async () => {
  const tokens = [
    { name: 'ops', token: 'viewer-token-0123456789', role: 'viewer' },
    { name: 'apiserver', token: 'ingest-token-0123456789', role: 'ingest' },
  ];
  const { server, dir } = await start({ tokens });
  try {
    const noToken = await post(`${server.url}/api/v1/query`, { query: '*' });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.headers.get('www-authenticate'), 'Bearer');
    assert.equal(
      (
        await post(
          `${server.url}/api/v1/query`,
          { query: '*' },
          { Authorization: 'Bearer nope-nope-nope-nope' },
        )
      ).status,
      401,
    );
    const viewerPost = await post(`${server.url}/audit/webhook`, list([event('x')]), {
      Authorization: 'Bearer viewer-token-0123456789',
    });
    assert.equal(viewerPost.status, 403);
    assert.equal(
      (
        await post(`${server.url}/audit/webhook`, list([event('x')]), {
          Authorization: 'Bearer ingest-token-0123456789',
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await post(
          `${server.url}/api/v1/query`,
          { query: '*' },
          { Authorization: 'Bearer ingest-token-0123456789' },
        )
      ).status,
      403,
    );
    assert.equal(await count(server.url, { Authorization: 'Bearer viewer-token-0123456789' }), 1);
    // Health, readiness and metrics need no token.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
    // The API query was audited: who, what.
    const audit = await fetch(`${server.url}/api/v1/self-audit`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    const rows = ((await audit.json()) as { rows: unknown[][] }).rows;
    assert.ok(rows.some((r) => r[1] === 'ops' && r[4] === 'query' && r[5] === '* | select count(*) as n'));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('binding beyond loopback without tokens is refused', () => {
  assert.throws(
    () => checkExposure(validateConfig({ bind: '0.0.0.0' }, 'cfg')),
    /refusing to listen on 0\.0\.0\.0 without authentication/,
  );
  assert.doesNotThrow(() =>
    checkExposure(
      validateConfig(
        { bind: '0.0.0.0', tokens: [{ name: 'a', token: 'x'.repeat(20), role: 'admin' }] },
        'cfg',
      ),
    ),
  );
  assert.throws(
    () => validateConfig({ port: 'eighty' }, 'the config file k.yaml'),
    /the config file k\.yaml is invalid — port: /,
  );
  assert.throws(() => validateConfig({ tokenz: [] }, 'cfg'), /Unrecognized key/);
});

test('query errors come back as 400 with position and suggestion', async () => {
  const { server, dir } = await start();
  try {
    const r = await post(`${server.url}/api/v1/query`, { query: '* | select nosuchfield from log' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /nosuchfield/);
    assert.equal(typeof r.json.position, 'number');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('serve.json is private and removed on close; a deleted store file is recreated and collection goes on', async () => {
  const { server, dir, db } = await start();
  const info = serveInfoPath(db);
  try {
    assert.ok(existsSync(info));
    assert.equal(statSync(info).mode & 0o777, 0o600);
    const parsed = JSON.parse(readFileSync(info, 'utf8'));
    assert.equal(parsed.url, server.url);
    assert.equal(parsed.pid, process.pid);
    assert.equal((await post(`${server.url}/audit/webhook`, list([event('before')]))).status, 200);
    rmSync(db);
    // Housekeeping runs every 200 ms here.
    let recreated = false;
    for (let i = 0; i < 50 && !recreated; i++) {
      await new Promise((r) => setTimeout(r, 100));
      recreated = /kaudit_store_recreated_total 1/.test(await (await fetch(`${server.url}/metrics`)).text());
    }
    assert.ok(recreated, 'the recreate metric moved');
    assert.ok(existsSync(db));
    assert.equal((await post(`${server.url}/audit/webhook`, list([event('after')]))).status, 200);
    // The partition file survived the loss of the main file: both events are there.
    assert.equal(await count(server.url), 2);
  } finally {
    await server.close();
  }
  assert.equal(existsSync(info), false);
  rmSync(dir, { recursive: true });
});

test('another kaudit command on a served store says in one sentence why it cannot run', async () => {
  const { server, dir, db } = await start();
  try {
    const r = await kauditAsync(['prune', '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is owned by kaudit serve \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('the webhook rate limit answers 429 with Retry-After instead of dropping', async () => {
  const { server, dir } = await start({ webhook: { enabled: true, rateLimit: 1 } });
  try {
    const codes: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await post(`${server.url}/audit/webhook`, list([event(`r${i}`)]));
      codes.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    // A bucket of 2 (twice the rate): two pass, then 429 until it refills.
    assert.deepEqual(codes.slice(0, 2), [200, 200]);
    assert.ok(codes.slice(2).includes(429), `codes ${codes}`);
    assert.equal(retryAfter, '1');
    // What was refused was not stored; what was accepted was.
    assert.equal(await count(server.url), codes.filter((c) => c === 200).length);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('kaudit import on a served store goes through the server: exact counts, rejects recorded', async () => {
  const { server, dir, db } = await start();
  try {
    const samples = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'samples');
    const args = [
      'import',
      '--db',
      db,
      '--json',
      join(samples, 'falco'),
      join(samples, 'audit2rbac', 'demo.log'),
    ];
    const first = await kauditAsync(args);
    assert.equal(first.status, 0, first.stderr);
    const s1 = JSON.parse(first.stdout);
    assert.deepEqual([s1.read, s1.stored, s1.duplicates, s1.rejected], [808, 808, 0, 1]);
    const again = JSON.parse((await kauditAsync(args)).stdout);
    assert.deepEqual([again.read, again.stored, again.duplicates], [808, 0, 808]);
    assert.equal(await count(server.url), 808);
    // Events imported through the server name the file they came from.
    const src = await post(`${server.url}/api/v1/query`, {
      query: '* | select __source__ as s, count(*) as n group by s order by n desc limit 1',
    });
    assert.match(src.json.rows[0][0], /^import:.*demo\.log$/);
    assert.equal(src.json.rows[0][1], 757);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});

test('kaudit query on a served store asks the server; --follow streams events as they are stored', async () => {
  const { server, dir, db } = await start();
  try {
    assert.equal(
      (await post(`${server.url}/audit/webhook`, list([event('q1'), event('q2', { verb: 'delete' })])))
        .status,
      200,
    );
    const q = await kauditAsync(['query', '--db', db, '--format', 'json', 'verb: delete | select auditID']);
    assert.equal(q.status, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), [{ auditID: 'q2' }]);
    const bad = await kauditAsync(['query', '--db', db, '* | select nosuch']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /nosuch/);
    // --follow: start following, then store matching and non-matching events.
    const { spawn } = await import('node:child_process');
    const { REPO } = await import('../cli/helpers.js');
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin', 'kaudit.js'), 'query', '--db', db, '--follow', '--format', 'ndjson', 'verb: delete'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    await post(
      `${server.url}/audit/webhook`,
      list([event('f1', { verb: 'delete' }), event('f2'), event('f3', { verb: 'delete' })]),
    );
    for (let i = 0; i < 60 && out.split('\n').filter(Boolean).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const ids = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).auditID);
    // Only the new matching events, each once (q2 was stored before following began).
    assert.deepEqual(ids.sort(), ['f1', 'f3']);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true });
  }
});
