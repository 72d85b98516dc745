// `kaudit agent` as a real process: forwarding to a recording HTTP server that answers 503 and 401
// first (the batch is retried, never skipped, and each accepted event arrives once), and to a real
// `kaudit serve --webhook` that is SIGKILLed and restarted in the middle while a writer rotates the
// log: the store ends with exactly the written events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbStore } from '../../src/store/duckdb/index.js';
import { auditIdOf, eventLine } from './events.js';
import { kauditArgv, run, sleep, writerArgv, type Proc } from './procs.js';

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  ids: string[];
  kind: unknown;
}

/** An HTTP server that fails the first requests as told, then accepts and records EventLists. */
async function recordingServer(failures: { status: number; headers?: Record<string, string> }[]) {
  const accepted: Received[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const fail = failures[requests++];
      if (fail) {
        res.writeHead(fail.status, { 'Content-Type': 'application/json', ...fail.headers });
        res.end(JSON.stringify({ error: `told to fail with ${fail.status}` }));
        return;
      }
      const doc = JSON.parse(body) as { kind: unknown; items: { auditID: string }[] };
      accepted.push({
        url: req.url!,
        headers: req.headers,
        ids: doc.items.map((i) => i.auditID),
        kind: doc.kind,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function waitFor(what: string, cond: () => boolean, ms = 60_000, proc?: Proc): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}${proc ? `; agent log: ${proc.stderr.slice(-2000)}` : ''}`,
      );
    await sleep(50);
  }
}

function lines(tag: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += eventLine(tag, i) + '\n';
  return s;
}

function checkpointOffset(file: string, log: string): number {
  if (!existsSync(file)) return -1;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      files: Record<string, { offset: number; name: string }>;
    };
    const cp = doc.files[log];
    return cp && cp.name === log ? cp.offset : -1;
  } catch {
    return -1; // being replaced right now
  }
}

test(
  'agent: retries 503 and 401 without skipping, sends the headers, each accepted event once, resumes from its checkpoint',
  { timeout: 120_000 },
  async (tc) => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-agent-'));
    const log = join(dir, 'audit.log');
    const cpFile = join(dir, 'state', 'checkpoints.json');
    writeFileSync(log, lines('ag', 0, 300));
    const srv = await recordingServer([{ status: 503, headers: { 'Retry-After': '0' } }, { status: 401 }]);
    tc.after(() => srv.close());
    const args = [
      'agent',
      '--watch',
      log,
      '--server',
      srv.url,
      '--token',
      'agent-token-0123456789',
      '--node',
      'master-1',
      '--checkpoint',
      cpFile,
      '--cluster',
      'c9',
    ];
    const a = run(kauditArgv(args));
    tc.after(() => a.child.kill('SIGKILL'));
    await a.line(/agent master-1 forwarding/);
    const got = () => srv.accepted.flatMap((r) => r.ids);
    await waitFor('300 events', () => got().length >= 300, 60_000, a);
    appendFileSync(log, lines('ag', 300, 400));
    await waitFor('400 events', () => got().length >= 400, 60_000, a);
    await sleep(300);
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0, a.stderr);
    const want = Array.from({ length: 400 }, (_, i) => auditIdOf('ag', i));
    assert.deepEqual(got(), want, 'every event once, in file order');
    assert.ok(srv.requests() >= srv.accepted.length + 2, 'the two failed requests were retried');
    assert.match(a.stderr, /refused the token/);
    for (const r of srv.accepted) {
      assert.equal(r.url, '/audit/webhook/c9');
      assert.equal(r.kind, 'EventList');
      assert.equal(r.headers.authorization, 'Bearer agent-token-0123456789');
      assert.equal(r.headers['x-kaudit-node'], 'master-1');
      assert.equal(r.headers['x-kaudit-source'], log);
      assert.equal(r.headers['content-type'], 'application/json');
    }
    assert.equal(checkpointOffset(cpFile, log), statSync(log).size);

    // A restart sends nothing again.
    const before = srv.accepted.length;
    const b = run(kauditArgv(args));
    tc.after(() => b.child.kill('SIGKILL'));
    await b.line(/agent master-1 forwarding/);
    await sleep(800);
    b.child.kill('SIGTERM');
    await b.exited;
    assert.equal(srv.accepted.length, before);
  },
);

test('agent: bad flags are one clear sentence and a non-zero exit', () => {
  return (async () => {
    const noWatch = run(kauditArgv(['agent', '--server', 'http://127.0.0.1:1']));
    assert.notEqual(await noWatch.exited, 0);
    assert.match(noWatch.stderr, /needs at least one --watch/);
    const badUrl = run(kauditArgv(['agent', '--watch', '/tmp/x.log', '--server', 'kaudit:8080']));
    assert.notEqual(await badUrl.exited, 0);
    assert.match(badUrl.stderr, /must be an http:\/\/ or https:\/\/ URL|is not a URL/);
    const badStart = run(
      kauditArgv(['agent', '--watch', '/tmp/x.log', '--server', 'http://a:1', '--start-at', 'middle']),
    );
    assert.notEqual(await badStart.exited, 0);
    assert.match(badStart.stderr, /--start-at middle is not valid/);
  })();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test(
  'agent → kaudit serve restarted (SIGKILL) in the middle, log rotating: exact count in the store',
  { timeout: 240_000 },
  async (tc) => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-agent-e2e-'));
    const log = join(dir, 'audit.log');
    const db = join(dir, 'store', 'kaudit.duckdb');
    const cpFile = join(dir, 'agent-cp.json');
    const token = 'ingest-token-for-agent-test';
    const config = join(dir, 'kaudit.yaml');
    writeFileSync(
      config,
      `tokens:\n  - name: agent\n    token: ${token}\n    role: ingest\nwebhook:\n  enabled: true\n`,
    );
    const port = await freePort();
    const serve = () => run(kauditArgv(['serve', '--db', db, '--port', String(port), '--config', config]));
    let s = serve();
    tc.after(() => s.child.kill('SIGKILL'));
    await s.line(/listening on/);
    const agent = run(
      kauditArgv([
        'agent',
        '--watch',
        log,
        '--server',
        `http://127.0.0.1:${port}`,
        '--token',
        token,
        '--node',
        'cp-1',
        '--checkpoint',
        cpFile,
      ]),
    );
    tc.after(() => agent.child.kill('SIGKILL'));
    await agent.line(/forwarding/);
    const N = 6000;
    const writer = run(
      writerArgv([
        '--path',
        log,
        '--tag',
        'e2e',
        '--count',
        String(N),
        '--max-bytes',
        String(400 * 1024),
        '--per-tick',
        '30',
        '--tick-ms',
        '10',
        '--compress',
      ]),
    );
    tc.after(() => writer.child.kill('SIGKILL'));
    let serveLog = '';
    // Two server crashes while the writer writes and rotates.
    for (let i = 0; i < 2; i++) {
      await sleep(700);
      s.child.kill('SIGKILL');
      await s.exited;
      serveLog += s.stderr;
      await sleep(1000); // the agent meets a refused connection and backs off
      s = serve();
      await s.line(/listening on/);
    }
    await writer.line(/done/, 120_000);
    await waitFor(
      'the agent to reach the end of the log',
      () => checkpointOffset(cpFile, log) === statSync(log).size,
      120_000,
      agent,
    );
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
    s.child.kill('SIGTERM');
    await s.exited;
    serveLog += s.stderr;
    const store = await openDuckDbStore({ path: db });
    try {
      const r = await store.querySql(`SELECT "auditID" FROM kaudit_events ORDER BY "auditID"`);
      const src = await store.querySql(`SELECT DISTINCT __source__ FROM kaudit_events`);
      const ids = r.rows.map((x) => String(x[0]));
      assert.equal(
        ids.length,
        N,
        `stored ${ids.length} of ${N}\nagent: ${agent.stderr.slice(-1500)}\nserve: ${serveLog.slice(-1500)}`,
      );
      assert.deepEqual(ids, Array.from({ length: N }, (_, i) => auditIdOf('e2e', i)).sort());
      assert.deepEqual(
        src.rows.map((x) => x[0]),
        [`cp-1:${log}`],
      );
    } finally {
      await store.close();
    }
    assert.match(agent.stderr, /refused the connection|cannot reach/);
  },
);
