// The ingest filter, with expected events written by hand from §1.2/§2.1 of
// ../shared/spec/k8s-audit.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPolicyToEvent, stripManagedFields } from './apply.js';
import { compilePolicy } from './compile.js';
import type { AuditEvent } from '../event/types.js';
import type { Policy } from './types.js';

const policy: Policy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', users: ['system:kube-proxy'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
    { level: 'Request', resources: [{ group: '', resources: ['configmaps'] }], omitManagedFields: true },
    { level: 'RequestResponse', resources: [{ group: 'apps' }], omitStages: ['ResponseStarted'] },
    { level: 'RequestResponse', omitManagedFields: true },
  ],
};
const compiled = compilePolicy(policy);

function event(extra: Partial<AuditEvent>): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: 'a1',
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/secrets',
    user: { username: 'alice', groups: ['system:authenticated'] },
    objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
    requestObject: { kind: 'Secret', data: { k: 'dg==' } },
    responseObject: { kind: 'Secret', data: { k: 'dg==' } },
    ...extra,
  };
}

test('level None drops the event', () => {
  const r = applyPolicyToEvent(event({ user: { username: 'system:kube-proxy' } }), compiled);
  assert.deepEqual([r.event, r.action], [null, 'dropped']);
});

test('no matching rule drops the event (default level None)', () => {
  const none = compilePolicy({ ...policy, rules: [{ level: 'Metadata', users: ['bob'] }] });
  assert.equal(applyPolicyToEvent(event({}), none).action, 'dropped');
});

test('an omitted stage drops the event: policy-wide and rule-level stages', () => {
  assert.equal(applyPolicyToEvent(event({ stage: 'RequestReceived' }), compiled).action, 'dropped');
  const apps = event({
    stage: 'ResponseStarted',
    objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'default' },
  });
  assert.equal(applyPolicyToEvent(apps, compiled).action, 'dropped');
  assert.equal(applyPolicyToEvent({ ...apps, stage: 'ResponseComplete' }, compiled).action, 'kept');
});

test('Metadata strips both bodies and relabels the level, without touching the input', () => {
  const input = event({});
  const snapshot = structuredClone(input);
  const r = applyPolicyToEvent(input, compiled);
  assert.equal(r.action, 'trimmed');
  const expected = structuredClone(snapshot);
  delete expected.requestObject;
  delete expected.responseObject;
  expected.level = 'Metadata';
  assert.deepEqual(r.event, expected);
  assert.deepEqual(input, snapshot, 'the input event is unchanged');
});

test('Request keeps the request body, strips the response and managedFields when asked', () => {
  const input = event({
    objectRef: { resource: 'configmaps', namespace: 'default', apiVersion: 'v1' },
    requestObject: {
      kind: 'ConfigMap',
      metadata: { name: 'c', managedFields: [{ manager: 'kubectl' }] },
      data: { a: 'b' },
    },
  });
  const r = applyPolicyToEvent(input, compiled);
  assert.equal(r.action, 'trimmed');
  assert.deepEqual(r.event?.requestObject, { kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
  assert.equal('responseObject' in (r.event ?? {}), false);
  assert.equal(r.event?.level, 'Request');
  assert.deepEqual((input.requestObject as any).metadata.managedFields, [{ manager: 'kubectl' }]);
});

test('an event already at or below the decided level is kept as the same object', () => {
  const input = event({ level: 'Metadata', requestObject: undefined, responseObject: undefined });
  delete input.requestObject;
  delete input.responseObject;
  const r = applyPolicyToEvent(input, compiled);
  assert.equal(r.action, 'kept');
  assert.equal(r.event, input);
  const apps = event({ objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'default' } });
  assert.equal(applyPolicyToEvent(apps, compiled).event, apps);
});

test('managedFields are stripped from list items and table rows', () => {
  const list = {
    kind: 'PodList',
    metadata: { resourceVersion: '1' },
    items: [{ metadata: { name: 'a', managedFields: [1] } }, { metadata: { name: 'b' } }],
  };
  assert.deepEqual(stripManagedFields(list), {
    kind: 'PodList',
    metadata: { resourceVersion: '1' },
    items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
  });
  const table = {
    kind: 'Table',
    rows: [{ cells: ['a'], object: { metadata: { name: 'a', managedFields: [] } } }],
  };
  assert.deepEqual(stripManagedFields(table), {
    kind: 'Table',
    rows: [{ cells: ['a'], object: { metadata: { name: 'a' } } }],
  });
  const plain = { metadata: { name: 'x' } };
  assert.equal(stripManagedFields(plain), plain);

  const pods = event({
    objectRef: { resource: 'pods', namespace: 'default' },
    verb: 'list',
    requestObject: undefined,
    responseObject: list,
  });
  delete pods.requestObject;
  const r = applyPolicyToEvent(pods, compiled);
  assert.equal(r.action, 'trimmed');
  assert.equal(r.event?.level, 'RequestResponse');
  assert.deepEqual((r.event?.responseObject as any).items[0], { metadata: { name: 'a' } });
});

test('below Request, mutating-webhook patch annotations go too; other annotations stay', () => {
  const input = event({
    annotations: {
      'authorization.k8s.io/decision': 'allow',
      'mutation.webhook.admission.k8s.io/round_0_index_0': '{"mutated":true}',
      'patch.webhook.admission.k8s.io/round_0_index_0': '{"patch":[]}',
    },
  });
  const r = applyPolicyToEvent(input, compiled);
  assert.deepEqual(r.event?.annotations, {
    'authorization.k8s.io/decision': 'allow',
    'mutation.webhook.admission.k8s.io/round_0_index_0': '{"mutated":true}',
  });
  assert.equal(Object.keys(input.annotations ?? {}).length, 3, 'the input keeps its annotations');
  const cm = event({
    objectRef: { resource: 'configmaps', namespace: 'default' },
    annotations: { 'patch.webhook.admission.k8s.io/round_0_index_0': '{}' },
  });
  assert.deepEqual(applyPolicyToEvent(cm, compiled).event?.annotations, {
    'patch.webhook.admission.k8s.io/round_0_index_0': '{}',
  });
});
