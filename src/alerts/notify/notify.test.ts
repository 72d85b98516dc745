// The notifiers against real peers: an HTTP receiver on loopback for webhook, DingTalk and Slack,
// and an SMTP server (smtp-server) with STARTTLS or implicit TLS for email.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { requireOrSkip } from '../../../test/e2e/requirements.js';
import { dingTalkChannel } from './dingtalk.js';
import { emailChannel } from './email.js';
import { withRetries, backoffDelay } from './retry.js';
import { slackChannel } from './slack.js';
import { hasOpenssl, selfSignedCert, startReceiver } from './testing.js';
import type { Notification } from './types.js';
import { webhookChannel } from './webhook.js';

const notification: Notification = {
  key: 'kaudit-x:firing:1714557600:abcd',
  ruleId: 'kaudit-x',
  ruleName: 'Exec into pod',
  severity: 'high',
  status: 'firing',
  group: 'auditID=a1',
  time: 1714557600,
  vars: {
    user: 'alice',
    command: 'ls <tmp> & pwd',
    alert_name: 'Exec into pod',
    alert_id: 'kaudit-x',
    severity: 'high',
    status: 'firing',
    status_text: 'FIRING',
    fire_time: '2024-05-01 10:00:00',
    group: 'auditID=a1',
    title: 'alice ran ls',
    desc: 'alice ran ls <tmp> & pwd in dev/web',
    labels: { team: 'sec' },
    annotations: { title: 'alice ran ls', desc: 'alice ran ls <tmp> & pwd in dev/web' },
    __count__: 1,
    row: { user: 'alice' },
  },
};

test('webhook: JSON body, custom headers, HMAC-SHA256 signature over the exact body', async () => {
  const rx = await startReceiver();
  try {
    const ch = webhookChannel('sec', {
      url: `${rx.url}/hook?token=t0ps3cret`,
      headers: { 'X-Team': 'security' },
      secret: 'hmac-key',
      template: { title: '${alert_name}: ${user}', body: 'by ${user} (${labels.team})' },
      timeoutMs: 5000,
    });
    await ch.send(notification);
    assert.equal(rx.requests.length, 1);
    const req = rx.requests[0];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hook?token=t0ps3cret');
    assert.equal(req.headers['x-team'], 'security');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    assert.equal(req.headers['x-kaudit-idempotency-key'], notification.key);
    const expectedSig = 'sha256=' + createHmac('sha256', 'hmac-key').update(req.body).digest('hex');
    assert.equal(req.headers['x-kaudit-signature'], expectedSig);
    assert.deepEqual(JSON.parse(req.body), {
      version: 1,
      key: notification.key,
      status: 'firing',
      ruleId: 'kaudit-x',
      ruleName: 'Exec into pod',
      severity: 'high',
      group: 'auditID=a1',
      time: 1714557600,
      title: 'Exec into pod: alice',
      body: 'by alice (sec)',
      labels: { team: 'sec' },
      annotations: { title: 'alice ran ls', desc: 'alice ran ls <tmp> & pwd in dev/web' },
      count: 1,
      row: { user: 'alice' },
    });
    // no secret → no signature header
    await webhookChannel('plain', { url: rx.url, headers: {}, timeoutMs: 5000 }).send(notification);
    assert.equal(rx.requests[1].headers['x-kaudit-signature'], undefined);
  } finally {
    await rx.close();
  }
});

test('webhook failures name the origin only (no token from the URL) and the HTTP status', async () => {
  const rx = await startReceiver();
  rx.answer = () => ({ status: 503, body: 'busy' });
  try {
    const ch = webhookChannel('sec', { url: `${rx.url}/hook?token=t0ps3cret`, headers: {}, timeoutMs: 5000 });
    await assert.rejects(ch.send(notification), (e: Error) => {
      assert.match(e.message, /answered HTTP 503: busy/);
      assert.doesNotMatch(e.message, /t0ps3cret/);
      return true;
    });
  } finally {
    await rx.close();
  }
  const dead = webhookChannel('dead', {
    url: 'http://127.0.0.1:9/x?token=t0ps3cret',
    headers: {},
    timeoutMs: 2000,
  });
  await assert.rejects(
    dead.send(notification),
    (e: Error) => /could not be reached/.test(e.message) && !/t0ps3cret/.test(e.message),
  );
});

test('DingTalk signed mode: markdown message, timestamp and sign per the documented scheme', async () => {
  const rx = await startReceiver();
  const now = 1714557600123;
  const secret = 'SECabcdef0123456789';
  try {
    const ch = dingTalkChannel(
      'ding',
      { url: `${rx.url}/robot/send?access_token=tok`, secret, atMobiles: ['13800000000'], timeoutMs: 5000 },
      () => now,
    );
    await ch.send(notification);
    const req = rx.requests[0];
    const u = new URL(req.url, rx.url);
    assert.equal(u.pathname, '/robot/send');
    assert.equal(u.searchParams.get('access_token'), 'tok');
    assert.equal(u.searchParams.get('timestamp'), String(now));
    // sign = urlEncode(base64(HmacSHA256(key=secret, timestamp + "\n" + secret)))
    const expected = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
    assert.equal(u.searchParams.get('sign'), expected); // URLSearchParams decoded the URL encoding
    assert.match(
      req.url,
      new RegExp(`&sign=${encodeURIComponent(expected).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
    const body = JSON.parse(req.body);
    assert.equal(body.msgtype, 'markdown');
    assert.equal(body.markdown.title, '[FIRING][high] alice ran ls');
    assert.equal(
      body.markdown.text,
      '### [FIRING][high] alice ran ls\n\nalice ran ls <tmp> & pwd in dev/web\n\n\n\nRule: Exec into pod (kaudit-x)\n\nSeverity: high\n\nGroup: auditID=a1\n\nTime: 2024-05-01 10:00:00\n\n@13800000000',
    );
    assert.deepEqual(body.at, { atMobiles: ['13800000000'], isAtAll: false });
  } finally {
    await rx.close();
  }
});

test('DingTalk keyword mode adds the keyword; errcode ≠ 0 is a failure', async () => {
  const rx = await startReceiver();
  try {
    const ch = dingTalkChannel('ding', {
      url: `${rx.url}/robot/send?access_token=tok`,
      keyword: '告警',
      atMobiles: [],
      timeoutMs: 5000,
    });
    await ch.send(notification);
    const u = new URL(rx.requests[0].url, rx.url);
    assert.equal(u.searchParams.get('sign'), null);
    assert.equal(JSON.parse(rx.requests[0].body).markdown.title, '告警 [FIRING][high] alice ran ls');
    rx.answer = () => ({ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' });
    await assert.rejects(
      ch.send(notification),
      (e: Error) => /errcode 310000/.test(e.message) && !/tok/.test(e.message.replace('DingTalk', '')),
    );
  } finally {
    await rx.close();
  }
});

test('Slack: text fallback and blocks, mrkdwn escaped', async () => {
  const rx = await startReceiver();
  rx.answer = () => ({ status: 200, body: 'ok' });
  try {
    await slackChannel('slack', {
      url: `${rx.url}/services/T0/B0/XYZ`,
      template: { title: '${title}', body: '${desc}' },
      timeoutMs: 5000,
    }).send(notification);
    assert.deepEqual(JSON.parse(rx.requests[0].body), {
      text: 'alice ran ls\nalice ran ls &lt;tmp&gt; &amp; pwd in dev/web',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'alice ran ls' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'alice ran ls &lt;tmp&gt; &amp; pwd in dev/web' } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'kaudit-x · high · firing · 2024-05-01 10:00:00' }],
        },
      ],
    });
  } finally {
    await rx.close();
  }
});

test('retries: exponential backoff, bounded; the outcome counts attempts', async () => {
  const rx = await startReceiver();
  rx.answer = (_r, n) => (n < 3 ? { status: 500, body: 'no' } : { status: 200, body: 'ok' });
  const waits: number[] = [];
  const wait = async (ms: number) => void waits.push(ms);
  try {
    const ch = webhookChannel('w', { url: rx.url, headers: {}, timeoutMs: 5000 });
    const ok = await withRetries(
      () => ch.send(notification),
      { attempts: 4, backoffMs: 1000, maxBackoffMs: 1500 },
      wait,
    );
    assert.deepEqual(ok, { ok: true, attempts: 3 });
    assert.deepEqual(waits, [1000, 1500]); // 1s, then 2s capped at 1.5s
    rx.answer = () => ({ status: 500, body: 'down' });
    const bad = await withRetries(
      () => ch.send(notification),
      { attempts: 2, backoffMs: 10, maxBackoffMs: 10 },
      wait,
    );
    assert.equal(bad.ok, false);
    assert.equal(bad.attempts, 2);
    assert.match(bad.error ?? '', /HTTP 500: down/);
    assert.equal(rx.requests.length, 5);
  } finally {
    await rx.close();
  }
  assert.equal(backoffDelay({ attempts: 9, backoffMs: 100, maxBackoffMs: 1e9 }, 5), 800);
});

interface Mail {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

async function startSmtp(opts: { cert?: { key: string; cert: string }; secure?: boolean; auth?: boolean }) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    ...(opts.cert ? { key: opts.cert.key, cert: opts.cert.cert } : {}),
    authOptional: !opts.auth,
    disabledCommands: opts.cert ? [] : ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'pw-123') cb(null, { user: 'alerts' });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
    logger: false,
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** The decoded body of the MIME part with `type` (quoted-printable or 7bit). */
function part(raw: string, type: string): string {
  const i = raw.indexOf(`Content-Type: ${type}`);
  assert.ok(i >= 0, `no ${type} part`);
  const rest = raw.slice(i);
  const start = rest.indexOf('\r\n\r\n') + 4;
  const end = rest.indexOf('\r\n----', start);
  let body = rest.slice(start, end < 0 ? undefined : end);
  if (/Content-Transfer-Encoding: quoted-printable/i.test(rest.slice(0, start))) {
    body = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    body = Buffer.from(body, 'latin1').toString('utf8');
  }
  return body;
}

test('email over STARTTLS with a self-signed CA: subject, text and HTML parts, authenticated', async (t) => {
  if (!requireOrSkip(t, hasOpenssl, 'openssl is not installed (needed to make the SMTP test certificate)'))
    return;
  const cert = selfSignedCert();
  const smtp = await startSmtp({ cert, auth: true });
  try {
    const ch = emailChannel('mail', {
      host: 'localhost',
      port: smtp.port,
      secure: false,
      requireTLS: true,
      user: 'alerts',
      password: 'pw-123',
      from: 'kaudit@example.com',
      to: ['sec@example.com', 'ops@example.com'],
      tls: { rejectUnauthorized: true, ca: cert.certFile },
      timeoutMs: 10000,
    });
    await ch.send(notification);
    assert.equal(smtp.mails.length, 1);
    const m = smtp.mails[0];
    assert.equal(m.secure, true, 'the session was upgraded with STARTTLS');
    assert.equal(m.user, 'alerts');
    assert.equal(m.from, 'kaudit@example.com');
    assert.deepEqual(m.to, ['sec@example.com', 'ops@example.com']);
    assert.match(m.raw, /^Subject: \[FIRING\]\[high\] alice ran ls\r$/m);
    assert.match(m.raw, /^X-Kaudit-Idempotency-Key: kaudit-x:firing:1714557600:abcd\r$/m);
    assert.equal(
      part(m.raw, 'text/plain').trim(),
      'alice ran ls <tmp> & pwd in dev/web\r\n\r\nRule: Exec into pod (kaudit-x)\r\nSeverity: high\r\nGroup: auditID=a1\r\nTime: 2024-05-01 10:00:00',
    );
    const html = part(m.raw, 'text/html');
    assert.match(html, /<h2>\[FIRING\]\[high\] alice ran ls<\/h2>/);
    assert.match(html, /alice ran ls &lt;tmp&gt; &amp; pwd in dev\/web<br>/);
    assert.match(html, /<th align="left">Group<\/th><td>auditID=a1<\/td>/);
  } finally {
    await smtp.close();
  }
});

test('email: implicit TLS works; a wrong password and requireTLS without STARTTLS fail clearly', async (t) => {
  if (!requireOrSkip(t, hasOpenssl, 'openssl is not installed (needed to make the SMTP test certificate)'))
    return;
  const cert = selfSignedCert();
  const tlsServer = await startSmtp({ cert, secure: true, auth: true });
  const plain = await startSmtp({});
  try {
    const base = {
      host: 'localhost',
      from: 'k@example.com',
      to: ['a@example.com'],
      tls: { rejectUnauthorized: true, ca: cert.certFile },
      timeoutMs: 10000,
    };
    await emailChannel('tls', {
      ...base,
      port: tlsServer.port,
      secure: true,
      requireTLS: false,
      user: 'alerts',
      password: 'pw-123',
    }).send(notification);
    assert.equal(tlsServer.mails.length, 1);
    assert.equal(tlsServer.mails[0].secure, true);
    await assert.rejects(
      emailChannel('tls', {
        ...base,
        port: tlsServer.port,
        secure: true,
        requireTLS: false,
        user: 'alerts',
        password: 'wrong-pw',
      }).send(notification),
      (e: Error) =>
        /email tls: sending through localhost failed/.test(e.message) && !/wrong-pw/.test(e.message),
    );
    await assert.rejects(
      emailChannel('plain', { ...base, port: plain.port, secure: false, requireTLS: true }).send(
        notification,
      ),
      /STARTTLS|TLS/i,
    );
    assert.equal(plain.mails.length, 0);
  } finally {
    await tlsServer.close();
    await plain.close();
  }
});
