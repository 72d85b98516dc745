import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookForwarder, HttpStatusError } from './forward.js';
import { BackpressureError } from '../sink.js';
import type { IngestRow } from '../../store/store.js';

function row(i: number, size = 10): IngestRow {
  return {
    id: BigInt(i),
    cluster: 'c',
    time: 0,
    timeUs: 0,
    source: '/var/log/audit.log',
    raw: JSON.stringify({ auditID: `id-${i}`, pad: 'x'.repeat(size) }),
  };
}

/** A server that answers with `decide(items)` and records the auditIDs it accepted. */
async function server(decide: (ids: string[]) => { status: number; headers?: Record<string, string> }) {
  const accepted: string[][] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const ids = (JSON.parse(body) as { items: { auditID: string }[] }).items.map((x) => x.auditID);
      const d = decide(ids);
      if (d.status === 200) accepted.push(ids);
      res.writeHead(d.status, d.headers ?? {});
      res.end(JSON.stringify({ error: `status ${d.status}` }));
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/prefix/`,
    accepted,
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}

test('413 halves the batch until it fits; one event refused for good is dropped and counted', async () => {
  // Accepts at most 2 items per body; "id-3" alone is refused with 400.
  const srv = await server((ids) =>
    ids.length > 2 ? { status: 413 } : ids.includes('id-3') ? { status: 400 } : { status: 200 },
  );
  const dropped: string[] = [];
  const f = new WebhookForwarder({ server: srv.url, node: 'n', onDropped: (m) => dropped.push(m) });
  try {
    const r = await f.write([0, 1, 2, 3, 4, 5, 6].map((i) => row(i)));
    // 7 → 4 + 3 → 2+2 + 2+1 ; the [2,3] half is refused → 1 + 1 → id-3 dropped.
    assert.deepEqual(srv.accepted.flat().sort(), ['id-0', 'id-1', 'id-2', 'id-4', 'id-5', 'id-6']);
    assert.equal(r.stored, 6);
    assert.equal(f.dropped, 1);
    assert.match(
      dropped[0],
      /refused one event from \/var\/log\/audit.log for good \(HTTP 400: status 400\)/,
    );
  } finally {
    f.close();
    await srv.close();
  }
});

test('the path keeps the server prefix and adds the cluster; 429 is backpressure with Retry-After; 401 an error', async () => {
  let status = 429;
  const srv = await server(() => ({ status, headers: { 'Retry-After': '7' } }));
  const f = new WebhookForwarder({ server: srv.url, node: 'n', cluster: 'prod-eu', token: 't' });
  try {
    assert.equal(f.url.pathname, '/prefix/audit/webhook/prod-eu');
    await assert.rejects(
      f.write([row(1)]),
      (e) => e instanceof BackpressureError && e.retryAfterSeconds === 7,
    );
    status = 401;
    await assert.rejects(
      f.write([row(1)]),
      (e) => e instanceof HttpStatusError && /refused the token/.test(e.message),
    );
    assert.equal(srv.accepted.length, 0);
  } finally {
    f.close();
    await srv.close();
  }
});

test('bodies stay under maxBodyBytes: a large batch is split before sending', async () => {
  const srv = await server(() => ({ status: 200 }));
  const f = new WebhookForwarder({ server: srv.url, node: 'n', maxBodyBytes: 1000 });
  try {
    // Each item is 227 bytes + a comma; the EventList wrapper is 62: 62 + 4 × 228 = 974 fits in
    // 1000 bytes, a fifth would not.
    await f.write([0, 1, 2, 3, 4, 5, 6, 7].map((i) => row(i, 200)));
    assert.deepEqual(
      srv.accepted.map((b) => b.length),
      [4, 4],
    );
  } finally {
    f.close();
    await srv.close();
  }
});

test('a refused connection is an error that names the server', async () => {
  const f = new WebhookForwarder({ server: 'http://127.0.0.1:1', node: 'n' });
  await assert.rejects(f.write([row(1)]), /127\.0\.0\.1:1 refused the connection/);
  f.close();
});

test('https: the server certificate is verified against --ca; without it the error names the cause', async (tc) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const https = await import('node:https');
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ].concat(['-days', '1', '-subj', '/CN=kaudit-test', '-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' },
    );
  } catch {
    tc.skip('openssl is not installed; cannot make a test certificate');
    return;
  }
  const cert = readFileSync(join(dir, 'cert.pem'));
  let posts = 0;
  const s = https.createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    posts++;
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const verified = new WebhookForwarder({ server: url, node: 'n', ca: cert });
  const unverified = new WebhookForwarder({ server: url, node: 'n' });
  const skipping = new WebhookForwarder({ server: url, node: 'n', insecureSkipVerify: true });
  try {
    assert.equal((await verified.write([row(1)])).stored, 1);
    await assert.rejects(
      unverified.write([row(2)]),
      /cannot reach https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    assert.equal((await skipping.write([row(3)])).stored, 1);
    assert.equal(posts, 2);
  } finally {
    for (const f of [verified, unverified, skipping]) f.close();
    await new Promise<void>((r) => s.close(() => r()));
  }
});
