import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEventObject, decodeLine } from './decode.js';
import { canonicalEventText, eventIdentity } from './identity.js';
import { formatMicroTime, parseTimestampMicros } from './time.js';

const v1 = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: 'a1',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/pods?limit=500\u0026watch=true',
  verb: 'list',
  user: { username: 'alice', groups: ['dev'] },
  sourceIPs: ['10.0.0.1'],
  objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: '2024-01-15T10:20:30.123456Z',
  stageTimestamp: '2024-01-15T10:20:31.654321Z',
};

test('MicroTime parses to microseconds and formats back with 6 decimals', () => {
  // 2024-01-15T10:20:30Z = 1705314030 s.
  assert.equal(parseTimestampMicros('2024-01-15T10:20:30.123456Z'), 1705314030123456);
  assert.equal(parseTimestampMicros('2024-01-15T10:20:30Z'), 1705314030000000);
  assert.equal(parseTimestampMicros('2024-01-15T12:20:30+02:00'), 1705314030000000);
  assert.equal(parseTimestampMicros('yesterday'), null);
  assert.equal(formatMicroTime(1705314030000007), '2024-01-15T10:20:30.000007Z');
});

test('a v1 JSON line decodes with __time__ from stageTimestamp', () => {
  const out = decodeLine(JSON.stringify(v1));
  assert.deepEqual(out.errors, []);
  assert.equal(out.events.length, 1);
  assert.equal(out.events[0].timeUs, 1705314031654321);
  assert.equal(out.events[0].event.requestURI, '/api/v1/namespaces/default/pods?limit=500&watch=true');
});

test('an EventList whose items lack kind/apiVersion decodes every item', () => {
  const item = { ...v1 } as Record<string, unknown>;
  delete item.kind;
  delete item.apiVersion;
  const list = {
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items: [item, { ...item, auditID: 'a2' }],
  };
  const out = decodeLine(JSON.stringify(list));
  assert.equal(out.events.length, 2);
  assert.deepEqual(
    out.events.map((e) => e.event.auditID),
    ['a1', 'a2'],
  );
});

test('v1beta1 1.8 events get MicroTime fields from timestamp and metadata.creationTimestamp', () => {
  const ev = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1beta1',
    metadata: { creationTimestamp: '2017-09-11T19:55:06Z' },
    level: 'Metadata',
    timestamp: '2017-09-11T19:55:05Z',
    auditID: 'x',
    stage: 'ResponseComplete',
    verb: 'get',
  };
  const d = decodeEventObject(ev);
  assert.ok(typeof d !== 'string');
  assert.equal(d.event.requestReceivedTimestamp, '2017-09-11T19:55:05.000000Z');
  assert.equal(d.event.stageTimestamp, '2017-09-11T19:55:06.000000Z');
  // __time__ = stage time = 2017-09-11T19:55:06Z = 1505159706.
  assert.equal(d.timeUs, 1505159706_000000);
});

test('v1alpha1 objectRef.apiVersion "group/version" is split', () => {
  const d = decodeEventObject({
    ...v1,
    apiVersion: 'audit.k8s.io/v1alpha1',
    objectRef: { resource: 'deployments', apiVersion: 'apps/v1beta1' },
  });
  assert.ok(typeof d !== 'string');
  assert.equal(d.event.objectRef?.apiGroup, 'apps');
  assert.equal(d.event.objectRef?.apiVersion, 'v1beta1');
});

test('managed-service wrappers are unwrapped', () => {
  const aks = {
    time: 't',
    category: 'kube-audit',
    properties: { log: JSON.stringify(v1), pod: 'kube-apiserver-x' },
  };
  assert.equal(decodeLine(JSON.stringify(aks)).events[0].event.auditID, 'a1');
  const aksExport = { records: [aks, aks] };
  assert.equal(decodeLine(JSON.stringify(aksExport)).events.length, 2);
  const eks = { '@timestamp': '2024-01-15 10:20:31.654', '@message': JSON.stringify(v1) };
  assert.equal(decodeLine(JSON.stringify(eks)).events[0].event.verb, 'list');
  const cri = `2024-01-15T10:20:31.700000000Z stdout F ${JSON.stringify(v1)}`;
  assert.equal(decodeLine(cri).events[0].event.auditID, 'a1');
  assert.equal(decodeLine(JSON.stringify([v1, { ...v1, auditID: 'b' }])).events.length, 2);
});

test('unsupported formats and bad records get a sentence naming the problem', () => {
  const gke = decodeLine(JSON.stringify({ protoPayload: { methodName: 'io.k8s.core.v1.pods.list' } }));
  assert.match(gke.errors[0], /GKE Cloud Audit Logs entry \(protoPayload\)/);
  const legacy = decodeLine(
    '2017-09-11T19:55:05.123Z AUDIT: id="abc" stage="ResponseComplete" ip="::1" method="list" user="admin" groups="<none>" as="<self>" asgroups="<lookup>" namespace="default" uri="/api/v1/pods" response="200"',
  );
  assert.match(legacy.errors[0], /"legacy" text audit format/);
  assert.match(decodeLine('{"kind": 0}').errors[0], /"kind" is number 0/);
  assert.match(decodeLine('{"level":"Metadata","auditID":"x","stage":"Resp').errors[0], /truncated/);
  assert.match(decodeLine('hello world').errors[0], /not JSON/);
  assert.match(
    decodeLine(JSON.stringify({ ...v1, verb: 7 })).errors[0],
    /"verb" is number 7, expected a string/,
  );
  assert.match(
    decodeLine(JSON.stringify({ ...v1, responseStatus: { code: '200' } })).errors[0],
    /responseStatus.code" is string/,
  );
  assert.match(decodeLine(JSON.stringify({ foo: 1 })).errors[0], /no "auditID"/);
  assert.match(
    decodeLine(JSON.stringify({ ...v1, stageTimestamp: 'soon', requestReceivedTimestamp: undefined }))
      .errors[0],
    /not an RFC 3339/,
  );
});

test('identity ignores key order, kind, apiVersion and metadata, and depends on content and cluster', () => {
  const reordered = {
    stageTimestamp: v1.stageTimestamp,
    user: { groups: ['dev'], username: 'alice' },
    auditID: 'a1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    requestURI: v1.requestURI,
    verb: 'list',
    sourceIPs: ['10.0.0.1'],
    objectRef: { apiVersion: 'v1', namespace: 'default', resource: 'pods' },
    responseStatus: { code: 200, metadata: {} },
    requestReceivedTimestamp: v1.requestReceivedTimestamp,
  };
  assert.equal(eventIdentity(v1, 'c'), eventIdentity(reordered, 'c'));
  assert.equal(
    canonicalEventText({ kind: 'Event', apiVersion: 'x', metadata: {}, b: 1, a: { d: 1, c: 2 } }),
    '{"a":{"c":2,"d":1},"b":1}',
  );
  // Same auditID, different content: different identity.
  assert.notEqual(eventIdentity(v1, 'c'), eventIdentity({ ...v1, stage: 'ResponseStarted' }, 'c'));
  // Same event in another cluster: a different event.
  assert.notEqual(eventIdentity(v1, 'c'), eventIdentity(v1, 'd'));
  // Array order is content.
  assert.notEqual(eventIdentity(v1, 'c'), eventIdentity({ ...v1, sourceIPs: ['10.0.0.2', '10.0.0.1'] }, 'c'));
});
