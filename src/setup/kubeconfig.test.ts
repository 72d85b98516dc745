import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { UserError } from '../cli/errors.js';
import {
  checkWebhookUrl,
  readWebhookKubeconfig,
  TOKEN_PLACEHOLDER,
  webhookKubeconfig,
} from './kubeconfig.js';

test('the generated kubeconfig names the URL, the CA and a token placeholder, and reads back', () => {
  const text = webhookKubeconfig({
    server: 'https://kaudit.example.com:8080/audit/webhook/prod',
    certificateAuthority: '/etc/kubernetes/pki/kaudit-ca.crt',
  });
  const cfg = parse(text);
  assert.equal(cfg.kind, 'Config');
  assert.equal(cfg.clusters[0].cluster.server, 'https://kaudit.example.com:8080/audit/webhook/prod');
  assert.equal(cfg.clusters[0].cluster['certificate-authority'], '/etc/kubernetes/pki/kaudit-ca.crt');
  assert.equal(cfg.users[0].user.token, TOKEN_PLACEHOLDER);
  assert.equal(cfg['current-context'], cfg.contexts[0].name);
  const info = readWebhookKubeconfig(text, 'wh.kubeconfig');
  assert.equal(info.server, 'https://kaudit.example.com:8080/audit/webhook/prod');
  assert.equal(info.token, TOKEN_PLACEHOLDER);
  // No CA for plain http.
  assert.equal(
    parse(webhookKubeconfig({ server: 'http://127.0.0.1:8080/audit/webhook', certificateAuthority: '/x' }))
      .clusters[0].cluster['certificate-authority'],
    undefined,
  );
});

test('the current context picks the cluster and user', () => {
  const text = `apiVersion: v1
kind: Config
clusters:
- name: old
  cluster: {server: https://old:8080/audit/webhook}
- name: new
  cluster: {server: https://new:8080/audit/webhook/c1, insecure-skip-tls-verify: true}
users:
- name: a
  user: {token: aaa}
- name: b
  user: {client-certificate: /etc/b.crt, client-key: /etc/b.key}
contexts:
- name: first
  context: {cluster: old, user: a}
- name: second
  context: {cluster: new, user: b}
current-context: second
`;
  const info = readWebhookKubeconfig(text, 'k');
  assert.deepEqual(info, {
    server: 'https://new:8080/audit/webhook/c1',
    token: undefined,
    hasClientCertificate: true,
    certificateAuthority: undefined,
    insecure: true,
  });
  assert.throws(() => readWebhookKubeconfig('just text', 'k'), UserError);
});

test('webhook URLs: wrong scheme, credentials and garbage are refused; odd paths and plain http are noted', () => {
  assert.throws(
    () => checkWebhookUrl('kaudit:8080'),
    (e: unknown) => e instanceof UserError && /uses kaudit:/.test(e.message),
  );
  assert.throws(
    () => checkWebhookUrl('not a url'),
    (e: unknown) => e instanceof UserError && /is not a URL/.test(e.message),
  );
  assert.throws(
    () => checkWebhookUrl('https://u:p@h/audit/webhook'),
    (e: unknown) => e instanceof UserError && /credentials/.test(e.message),
  );
  assert.deepEqual(checkWebhookUrl('https://h:8080/audit/webhook/prod').notes, []);
  assert.match(checkWebhookUrl('https://h:8080/webhook').notes[0], /\/audit\/webhook/);
  assert.match(checkWebhookUrl('http://10.0.0.5:8080/audit/webhook').notes[0], /unencrypted/);
  assert.deepEqual(checkWebhookUrl('http://127.0.0.1:8080/audit/webhook').notes, []);
});
