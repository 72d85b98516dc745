// `kaudit alerts …` end to end with the built binary: the source-document exec rule on imported
// events, `run --once` notifying a real webhook receiver, a process killed while its notification
// is in flight (the next run resends it once, with the same idempotency key), history, lint, list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../../src/alerts/notify/testing.js';
import { kaudit, kauditAsync, REPO } from './helpers.js';

function execEvent(id: string, user: string, at: number) {
  const ts = new Date(at * 1000).toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseStarted',
    verb: 'create',
    requestURI: '/api/v1/namespaces/prod/pods/api-7/exec?command=sh&container=app&stdin=true&tty=true',
    user: { username: user },
    sourceIPs: ['203.0.113.10'],
    objectRef: { resource: 'pods', namespace: 'prod', name: 'api-7', subresource: 'exec', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: ts,
    stageTimestamp: ts,
  };
}

test('kaudit alerts: test, run --once with a crash mid-delivery, history, list, lint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-alerts-cli-'));
  const db = join(dir, 'k.duckdb');
  const now = Math.floor(Date.now() / 1000);
  writeFileSync(
    join(dir, 'events.jsonl'),
    [execEvent('exec-a', 'alice', now - 70), execEvent('exec-b', 'bob', now - 65)]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  const imp = kaudit(['import', join(dir, 'events.jsonl'), '--db', db]);
  assert.equal(imp.status, 0, imp.stderr);

  // alerts test: the rows that would fire, nothing sent
  const tested = kaudit([
    'alerts',
    'test',
    'ack-exec-into-container',
    '--db',
    db,
    '--since',
    '1h',
    '--format',
    'json',
  ]);
  assert.equal(tested.status, 0, tested.stderr);
  const t = JSON.parse(tested.stdout);
  assert.deepEqual(t.fired.map((f: { group: Record<string, string> }) => f.group['Event ID']).sort(), [
    'exec-a',
    'exec-b',
  ]);
  const a = t.fired.find((f: { group: Record<string, string> }) => f.group['Event ID'] === 'exec-a');
  assert.equal(a.annotations.title, 'Command executed in container prod/api-7 (app)');
  assert.equal(a.rows[0].Username, 'alice');
  assert.equal(a.rows[0]['Source IP address'], '203.0.113.10');
  assert.equal(a.rows[0].Command, 'command=sh&container=app&stdin=true&tty=true');

  const unknown = kaudit(['alerts', 'test', 'ack-exec', '--db', db]);
  assert.equal(unknown.status, 1);
  assert.match(
    unknown.stderr,
    /^kaudit: there is no alert rule "ack-exec" \(did you mean ack-exec-into-container\?\); kaudit alerts list shows the ids\n$/,
  );

  // run --once against a receiver that never answers the first exec notification: kill the process then
  const rx = await startReceiver();
  let execRequests = 0;
  rx.answer = (req) => {
    if (JSON.parse(req.body).ruleId !== 'ack-exec-into-container') return { status: 200, body: 'ok' };
    execRequests++;
    return execRequests === 1 ? 'hang' : { status: 200, body: 'ok' };
  };
  const config = join(dir, 'kaudit.yaml');
  writeFileSync(
    config,
    `alerts:\n  channels:\n    hook: { type: webhook, url: '${rx.url}/hook', secret: s3cret, timeout: 60s }\n  defaultChannels: [hook]\n`,
  );
  try {
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin', 'kaudit.js'), 'alerts', 'run', '--once', '--db', db, '--config', config],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 300 && execRequests === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(execRequests, 1, 'the first notification is in flight');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const firstKey = rx.requests.find((r) => JSON.parse(r.body).ruleId === 'ack-exec-into-container')!
      .headers['x-kaudit-idempotency-key'];

    const second = await kauditAsync([
      'alerts',
      'run',
      '--once',
      '--db',
      db,
      '--config',
      config,
      '--format',
      'json',
    ]);
    assert.equal(second.status, 0, second.stderr);
    const exec = rx.requests.filter((r) => JSON.parse(r.body).ruleId === 'ack-exec-into-container');
    // the unacknowledged notification is resent (same key), and the other exec is notified once
    const keys = exec.map((r) => r.headers['x-kaudit-idempotency-key']);
    assert.equal(keys.filter((k) => k === firstKey).length, 2);
    assert.equal(new Set(keys).size, 2);
    assert.equal(exec.length, 3);
    const groups = exec.map((r) => JSON.parse(r.body).group).sort();
    assert.deepEqual([...new Set(groups)].sort(), ['Event ID=exec-a', 'Event ID=exec-b']);

    // a third run: still firing, nothing new
    const third = await kauditAsync(['alerts', 'run', '--once', '--db', db, '--config', config]);
    assert.equal(third.status, 0, third.stderr);
    assert.equal(
      rx.requests.filter((r) => JSON.parse(r.body).ruleId === 'ack-exec-into-container').length,
      3,
    );
  } finally {
    await rx.close();
  }

  // history: two acknowledged firings of the exec rule
  const hist = kaudit([
    'alerts',
    'history',
    '--db',
    db,
    '--rule',
    'ack-exec-into-container',
    '--format',
    'json',
  ]);
  assert.equal(hist.status, 0, hist.stderr);
  const h = JSON.parse(hist.stdout);
  assert.deepEqual(
    h
      .map((e: { status: string; group: string; notifications: unknown[] }) => [
        e.status,
        e.group,
        e.notifications,
      ])
      .sort(),
    [
      ['firing', 'Event ID=exec-a', [{ channel: 'hook', ok: true }]],
      ['firing', 'Event ID=exec-b', [{ channel: 'hook', ok: true }]],
    ],
  );

  // list shows the state
  const list = kaudit(['alerts', 'list', '--db', db, '--format', 'json']);
  assert.equal(list.status, 0, list.stderr);
  const rule = JSON.parse(list.stdout).find((r: { id: string }) => r.id === 'ack-exec-into-container');
  assert.equal(rule.state, 'firing');
  assert.equal(rule.enabled, true);
  assert.equal(rule.level, 'Metadata');

  // lint: a broken user file is an error (exit 1) with file and rule
  writeFileSync(
    join(dir, 'bad.yaml'),
    "rules:\n  - { id: kaudit-bad, name: Bad, severity: high, level: Metadata, queries: ['{{nope}}'] }\n",
  );
  const lint = kaudit(['alerts', 'lint', '--rules', join(dir, 'bad.yaml')]);
  assert.equal(lint.status, 1);
  assert.match(
    lint.stdout,
    new RegExp(
      `error: ${join(dir, 'bad.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: kaudit-bad: query 1: unknown macro or list \\{\\{nope\\}\\}`,
    ),
  );
  const run = kaudit(['alerts', 'run', '--db', db]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /pass --once/);
  const help = kaudit(['alerts', 'test', '--help']);
  assert.match(help.stdout, /Examples:\n {2}kaudit alerts test ack-exec-into-container/);
});

test('kaudit alerts on a store owned by kaudit serve: list/test/history go through its API, run --once refuses', async () => {
  const { startServer } = await import('../../src/server/serve.js');
  const { validateConfig } = await import('../../src/server/config.js');
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-alerts-served-'));
  const db = join(dir, 'k.duckdb');
  const server = await startServer({
    dbPath: db,
    config: validateConfig(
      { port: 0, webhook: { enabled: true }, alerts: { enabled: false } },
      'test config',
    ),
    logStream: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  try {
    const now = Math.floor(Date.now() / 1000);
    const post = await fetch(`${server.url}/audit/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'EventList',
        apiVersion: 'audit.k8s.io/v1',
        items: [execEvent('exec-s', 'sam', now - 120)],
      }),
    });
    assert.equal(post.status, 200);
    const list = await kauditAsync(['alerts', 'list', '--db', db, '--format', 'json']);
    assert.equal(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((r: { id: string }) => r.id === 'ack-public-network-probe'));
    const tested = await kauditAsync([
      'alerts',
      'test',
      'ack-exec-into-container',
      '--db',
      db,
      '--since',
      '1h',
      '--format',
      'json',
    ]);
    assert.equal(tested.status, 0, tested.stderr);
    assert.deepEqual(
      JSON.parse(tested.stdout).fired.map((f: { group: Record<string, string> }) => f.group),
      [{ 'Event ID': 'exec-s' }],
    );
    const hist = await kauditAsync(['alerts', 'history', '--db', db, '--format', 'json']);
    assert.equal(hist.status, 0, hist.stderr);
    assert.deepEqual(JSON.parse(hist.stdout), []);
    const run = await kauditAsync(['alerts', 'run', '--once', '--db', db]);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^kaudit: the store is owned by kaudit serve \(pid \d+, http:\/\/127\.0\.0\.1:\d+\), which already evaluates the rules on their schedules; stop it to run them once from here\n$/,
    );
    const withRules = await kauditAsync(['alerts', 'list', '--db', db, '--rules', dir]);
    assert.equal(withRules.status, 1);
    assert.match(withRules.stderr, /drop --rules/);
  } finally {
    await server.close();
  }
});
