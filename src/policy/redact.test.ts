// Redaction cases: each expected event is written by hand; the marker hash is the first 8 hex
// digits of sha256(value), computed here independently with node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import {
  DEFAULT_REDACTION_PROFILE,
  loadRedactionProfile,
  redactEvent,
  redactionProfileFrom,
} from './redact.js';
import type { AuditEvent } from '../event/types.js';

const h = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 8);
const mark = (what: string, v: string) => `[REDACTED ${what} sha256:${h(v)}]`;

function ev(extra: Partial<AuditEvent>): AuditEvent {
  return {
    level: 'RequestResponse',
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/secrets',
    user: { username: 'alice' },
    ...extra,
  };
}

test('Secret data and stringData in request and response bodies, and the last-applied copy', () => {
  const lastApplied =
    JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { password: 'cGFzcw==' } }) + '\n';
  const input = ev({
    objectRef: { resource: 'secrets', namespace: 'default', name: 's' },
    requestObject: {
      kind: 'Secret',
      metadata: {
        name: 's',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
      },
      data: { password: 'cGFzcw==' },
      stringData: { token: 'abc' },
      type: 'Opaque',
    },
    responseObject: {
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: 'cGFzcw==', token: 'YWJj' },
    },
  });
  const snapshot = structuredClone(input);
  const r = redactEvent(input);
  assert.equal(r.redactions, 5);
  const inner =
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      data: { password: mark('secret value', 'cGFzcw==') },
    }) + '\n';
  assert.deepEqual(r.event.requestObject, {
    kind: 'Secret',
    metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': inner } },
    data: { password: mark('secret value', 'cGFzcw==') },
    stringData: { token: mark('secret value', 'abc') },
    type: 'Opaque',
  });
  assert.deepEqual(r.event.responseObject, {
    kind: 'Secret',
    metadata: { name: 's' },
    data: { password: mark('secret value', 'cGFzcw=='), token: mark('secret value', 'YWJj') },
  });
  assert.deepEqual(input, snapshot, 'the input is not modified');
  // Equal values give equal markers: correlation without disclosure.
  assert.equal((r.event.requestObject as any).data.password, (r.event.responseObject as any).data.password);
});

test('Secret lists and JSON patches', () => {
  const list = redactEvent(
    ev({
      verb: 'list',
      objectRef: { resource: 'secrets', namespace: 'default' },
      responseObject: { kind: 'SecretList', items: [{ data: { a: 'MQ==' } }, { data: { b: 'Mg==' } }] },
    }),
  );
  assert.equal(list.redactions, 2);
  assert.deepEqual((list.event.responseObject as any).items, [
    { data: { a: mark('secret value', 'MQ==') } },
    { data: { b: mark('secret value', 'Mg==') } },
  ]);
  const patch = redactEvent(
    ev({
      verb: 'patch',
      objectRef: { resource: 'secrets', namespace: 'default', name: 's' },
      requestObject: [
        { op: 'replace', path: '/data/password', value: 'bmV3' },
        { op: 'add', path: '/metadata/labels/x', value: 'y' },
      ],
    }),
  );
  assert.deepEqual(patch.event.requestObject, [
    { op: 'replace', path: '/data/password', value: mark('secret value', 'bmV3') },
    { op: 'add', path: '/metadata/labels/x', value: 'y' },
  ]);
});

test('ConfigMap values with secret-like keys, and key = value lines inside values', () => {
  // From the falco sample create_configmap_sensitive_values.json.
  const props = 'aws_access_key_id = MY-ID\naws_secret_access_key = MY-KEY\n';
  const r = redactEvent(
    ev({
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'c' },
      requestObject: {
        kind: 'ConfigMap',
        data: {
          'access.properties': props,
          'db-password': 'hunter2',
          'ui.properties': 'color.good=purple\n',
        },
      },
    }),
  );
  assert.equal(r.redactions, 3);
  assert.deepEqual((r.event.requestObject as any).data, {
    'access.properties': `aws_access_key_id = ${mark('configmap value', 'MY-ID')}\naws_secret_access_key = ${mark('configmap value', 'MY-KEY')}\n`,
    'db-password': mark('configmap value', 'hunter2'),
    'ui.properties': 'color.good=purple\n',
  });
  const harmless = ev({
    objectRef: { resource: 'configmaps', namespace: 'default', name: 'c' },
    requestObject: { kind: 'ConfigMap', data: { 'ui.properties': 'color.good=purple\n' } },
  });
  assert.equal(redactEvent(harmless).event, harmless);
});

test('TokenReview spec.token in request and response; TokenRequest status.token in the response', () => {
  const review = redactEvent(
    ev({
      objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
      requestObject: { kind: 'TokenReview', spec: { token: 'eyJhbGciOi.payload.sig' } },
      responseObject: {
        kind: 'TokenReview',
        spec: { token: 'eyJhbGciOi.payload.sig' },
        status: { authenticated: true },
      },
    }),
  );
  assert.equal(review.redactions, 2);
  assert.deepEqual(review.event.requestObject, {
    kind: 'TokenReview',
    spec: { token: mark('token', 'eyJhbGciOi.payload.sig') },
  });
  assert.deepEqual((review.event.responseObject as any).status, { authenticated: true });

  const request = redactEvent(
    ev({
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', name: 'sa' },
      requestObject: { kind: 'TokenRequest', spec: { audiences: ['x'] } },
      responseObject: {
        kind: 'TokenRequest',
        status: { token: 'tok.en.value', expirationTimestamp: '2026-01-01T00:00:00Z' },
      },
    }),
  );
  assert.equal(request.redactions, 1);
  assert.deepEqual(request.event.responseObject, {
    kind: 'TokenRequest',
    status: { token: mark('token', 'tok.en.value'), expirationTimestamp: '2026-01-01T00:00:00Z' },
  });
  assert.deepEqual(request.event.requestObject, { kind: 'TokenRequest', spec: { audiences: ['x'] } });
});

test('exec command URIs: --password=, --token x, bearer tokens; other arguments untouched', () => {
  const uri =
    '/api/v1/namespaces/db/pods/mysql-0/exec?command=mysql&command=--user%3Droot&command=--password%3Ds3cr3t&container=mysql&stdin=true';
  const r = redactEvent(
    ev({ verb: 'create', requestURI: uri, objectRef: { resource: 'pods', subresource: 'exec' } }),
  );
  assert.equal(r.redactions, 1);
  assert.equal(
    r.event.requestURI,
    `/api/v1/namespaces/db/pods/mysql-0/exec?command=mysql&command=--user%3Droot&command=--password%3D[REDACTED+command+argument+sha256:${h('s3cr3t')}]&container=mysql&stdin=true`,
  );
  const separate = redactEvent(
    ev({
      requestURI:
        '/api/v1/namespaces/a/pods/p/exec?command=vault&command=--token&command=hvs.ABC&stdout=true',
    }),
  );
  assert.equal(
    separate.event.requestURI,
    `/api/v1/namespaces/a/pods/p/exec?command=vault&command=--token&command=[REDACTED+command+argument+sha256:${h('hvs.ABC')}]&stdout=true`,
  );
  const inline = redactEvent(
    ev({ requestURI: '/api/v1/namespaces/a/pods/p/exec?command=app&command=--token%3Dabc123' }),
  );
  assert.equal(
    inline.event.requestURI,
    `/api/v1/namespaces/a/pods/p/exec?command=app&command=--token%3D[REDACTED+command+argument+sha256:${h('abc123')}]`,
  );
  const bearer = redactEvent(
    ev({
      requestURI:
        '/api/v1/namespaces/a/pods/p/exec?command=sh&command=-c&command=curl+-H+%22Authorization%3A+Bearer+abc.def%22+http%3A%2F%2Fx',
    }),
  );
  assert.equal(bearer.redactions, 1);
  assert.equal(
    decodeURIComponent(bearer.event.requestURI!.split('command=')[3].replace(/\+/g, ' ')),
    `curl -H "Authorization: Bearer [REDACTED bearer token sha256:${h('abc.def')}]" http://x`,
  );
  const plain = ev({ requestURI: '/api/v1/namespaces/a/pods/p/exec?command=ls&command=-la&stdout=true' });
  assert.equal(redactEvent(plain).event, plain);
});

test('access_token query parameters anywhere in requestURI', () => {
  const r = redactEvent(ev({ requestURI: '/api/v1/namespaces/a/pods?watch=true&access_token=xyz' }));
  assert.equal(
    r.event.requestURI,
    `/api/v1/namespaces/a/pods?watch=true&access_token=[REDACTED+query+parameter+sha256:${h('xyz')}]`,
  );
});

test('untouched events come back as the same object with 0 redactions', () => {
  const pod = ev({ objectRef: { resource: 'pods' }, requestObject: { kind: 'Pod', data: { a: 1 } } });
  assert.deepEqual(redactEvent(pod), { event: pod, redactions: 0 });
  const meta = ev({ objectRef: { resource: 'secrets', namespace: 'a', name: 's' } });
  assert.equal(redactEvent(meta).event, meta);
  const other = ev({
    objectRef: { resource: 'secrets', apiGroup: 'example.com' },
    requestObject: { data: { a: 'b' } },
  });
  assert.equal(redactEvent(other).event, other, 'a custom resource named secrets is not a Secret');
  const alpha = ev({
    objectRef: { resource: 'secrets', apiVersion: 'example.com/v1' },
    requestObject: { data: { a: 'b' } },
  });
  assert.equal(redactEvent(alpha).event, alpha, 'nor is one named by a v1alpha1 group/version');
  const alphaCore = ev({
    objectRef: { resource: 'secrets', apiVersion: 'v1' },
    requestObject: { data: { a: 'b' } },
  });
  assert.equal(redactEvent(alphaCore).redactions, 1);
});

test('the profile is configurable: switches, key pattern and an HMAC key', () => {
  const off = redactionProfileFrom({ secretData: false });
  const input = ev({ objectRef: { resource: 'secrets' }, requestObject: { data: { a: 'b' } } });
  assert.equal(redactEvent(input, off).event, input);
  const keyed = redactionProfileFrom({ hashKey: 'k' });
  const r = redactEvent(input, keyed);
  const expected = createHmac('sha256', 'k').update('b').digest('hex').slice(0, 8);
  assert.deepEqual((r.event.requestObject as any).data, {
    a: `[REDACTED secret value hmac-sha256:${expected}]`,
  });
  assert.throws(() => redactionProfileFrom({ secretdata: true }), /not a redaction setting/);
  assert.throws(() => redactionProfileFrom({ configMapKeyPattern: '(' }), /not a valid regular expression/);
  assert.equal(DEFAULT_REDACTION_PROFILE.secretData, true);
});

test('a redaction profile file: YAML keys over the default, errors name the file', () => {
  const p = loadRedactionProfile('configMapKeyPattern: "^db_"\ntokenRequests: false\n', 'r.yaml');
  assert.equal(p.configMapKeyPattern, '^db_');
  assert.equal(p.tokenRequests, false);
  assert.equal(p.secretData, true);
  const cm = ev({
    objectRef: { resource: 'configmaps' },
    requestObject: { data: { db_pass: 'x', password: 'y' } },
  });
  assert.deepEqual((redactEvent(cm, p).event.requestObject as any).data, {
    db_pass: mark('configmap value', 'x'),
    password: 'y',
  });
  assert.throws(
    () => loadRedactionProfile('secretData: maybe\n', 'r.yaml'),
    /r\.yaml: redaction\.secretData must be true or false/,
  );
  assert.throws(() => loadRedactionProfile('- a\n', 'r.yaml'), /must be a mapping/);
  assert.throws(() => loadRedactionProfile('a: [1,\n', 'r.yaml'), /not valid YAML/);
});
