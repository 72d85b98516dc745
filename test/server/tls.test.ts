// The webhook over TLS with client-certificate authentication, as the apiserver's webhook
// kubeconfig (client-certificate / client-key) would use it. Certificates are made with openssl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer } from '../../src/server/serve.js';
import { validateConfig } from '../../src/server/config.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

function post(url: string, body: string, opts: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test(
  'webhook over TLS: a client certificate signed by the configured CA is accepted, none is refused',
  { skip: hasOpenssl ? false : 'openssl is not installed' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-tls-'));
    // A CA, a server certificate for 127.0.0.1 and a client certificate it signed; and a rogue
    // self-signed client certificate that must not pass.
    const selfSigned = (name: string, cn: string) =>
      openssl(dir, [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
      ]);
    const signedByCa = (name: string, cn: string, extra: string[] = []) => {
      openssl(dir, [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${cn}`,
        ...extra,
      ]);
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-copy_extensions',
        'copy',
      ]);
    };
    selfSigned('ca', 'kaudit-test-ca');
    signedByCa('server', 'localhost', ['-addext', 'subjectAltName=IP:127.0.0.1']);
    signedByCa('client', 'kube-apiserver');
    selfSigned('rogue', 'rogue');
    const server = await startServer({
      dbPath: join(dir, 'k.duckdb'),
      config: validateConfig(
        {
          port: 0,
          webhook: { enabled: true },
          tokens: [{ name: 'ops', token: 'a-long-enough-token-123', role: 'viewer' }],
          tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), clientCA: join(dir, 'ca.crt') },
        },
        'test',
      ),
      logStream: nullLog,
    });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(join(dir, 'ca.crt'));
      const body = JSON.stringify({
        kind: 'EventList',
        items: [
          {
            level: 'Metadata',
            auditID: 'tls-1',
            stage: 'ResponseComplete',
            verb: 'get',
            stageTimestamp: '2024-01-15T10:20:30.000000Z',
          },
        ],
      });
      assert.equal(await post(`${server.url}/audit/webhook`, body, { ca }), 401);
      assert.equal(
        await post(`${server.url}/audit/webhook`, body, {
          ca,
          cert: readFileSync(join(dir, 'rogue.crt')),
          key: readFileSync(join(dir, 'rogue.key')),
        }),
        401,
      );
      assert.equal(
        await post(`${server.url}/audit/webhook`, body, {
          ca,
          cert: readFileSync(join(dir, 'client.crt')),
          key: readFileSync(join(dir, 'client.key')),
        }),
        200,
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true });
    }
  },
);
