// Cases worked out by hand from the default policy in /work/shared/seeds/003_b57cda7aeb09e190.txt
// (first matching rule wins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicyLevel } from './policy.js';

const node = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

test('the None rules drop the high-volume, low-risk requests', () => {
  const proxy = { username: 'system:kube-proxy', groups: ['system:authenticated'] };
  assert.equal(
    defaultPolicyLevel({
      ...proxy,
      verb: 'watch',
      resource: 'endpoints',
      apiGroup: '',
      path: '/api/v1/endpoints',
    }),
    'None',
  );
  assert.equal(
    defaultPolicyLevel({
      ...proxy,
      verb: 'watch',
      resource: 'services',
      apiGroup: '',
      path: '/api/v1/services',
    }),
    'None',
  );
  // EndpointSlices are in discovery.k8s.io, which no rule lists: the catch-all Metadata.
  assert.equal(
    defaultPolicyLevel({
      ...proxy,
      verb: 'watch',
      resource: 'endpointslices',
      apiGroup: 'discovery.k8s.io',
      path: '/apis/discovery.k8s.io/v1/endpointslices',
    }),
    'Metadata',
  );
  assert.equal(
    defaultPolicyLevel({ ...node, verb: 'get', resource: 'nodes', path: '/api/v1/nodes/n1' }),
    'None',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'system:apiserver',
      verb: 'get',
      resource: 'namespaces',
      path: '/api/v1/namespaces/default',
    }),
    'None',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'system:kube-scheduler',
      verb: 'update',
      resource: 'endpoints',
      namespace: 'kube-system',
      path: '/x',
    }),
    'None',
  );
  assert.equal(
    defaultPolicyLevel({ username: 'x', verb: 'create', resource: 'events', namespace: 'a', path: '/x' }),
    'None',
  );
  assert.equal(defaultPolicyLevel({ verb: 'get', path: '/healthz/etcd' }), 'None');
  assert.equal(defaultPolicyLevel({ verb: 'get', path: '/version' }), 'None');
  assert.equal(defaultPolicyLevel({ verb: 'get', path: '/swagger.json' }), 'None');
});

test('secrets, configmaps and tokenreviews are Metadata whatever the verb', () => {
  assert.equal(
    defaultPolicyLevel({ ...node, verb: 'get', resource: 'secrets', namespace: 'a', path: '/x' }),
    'Metadata',
  );
  assert.equal(
    defaultPolicyLevel({ username: 'u', verb: 'create', resource: 'configmaps', namespace: 'a', path: '/x' }),
    'Metadata',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'u',
      verb: 'create',
      resource: 'tokenreviews',
      apiGroup: 'authentication.k8s.io',
      path: '/x',
    }),
    'Metadata',
  );
});

test('reads of known groups are Request, writes RequestResponse, other groups Metadata', () => {
  // Node status patches are not gets: they fall through to RequestResponse.
  assert.equal(
    defaultPolicyLevel({
      ...node,
      verb: 'patch',
      resource: 'nodes',
      subresource: 'status',
      path: '/api/v1/nodes/n1/status',
    }),
    'RequestResponse',
  );
  assert.equal(
    defaultPolicyLevel({ username: 'u', verb: 'list', resource: 'pods', namespace: 'a', path: '/x' }),
    'Request',
  );
  assert.equal(
    defaultPolicyLevel({ username: 'u', verb: 'get', resource: 'pods', subresource: 'log', path: '/x' }),
    'Request',
  );
  assert.equal(
    defaultPolicyLevel({ username: 'u', verb: 'create', resource: 'pods', subresource: 'exec', path: '/x' }),
    'RequestResponse',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'u',
      verb: 'patch',
      resource: 'deployments',
      apiGroup: 'apps',
      path: '/x',
    }),
    'RequestResponse',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'u',
      verb: 'update',
      resource: 'leases',
      apiGroup: 'coordination.k8s.io',
      path: '/x',
    }),
    'Metadata',
  );
  assert.equal(
    defaultPolicyLevel({
      username: 'u',
      verb: 'create',
      resource: 'virtualservices',
      apiGroup: 'networking.istio.io',
      path: '/x',
    }),
    'Metadata',
  );
  // Non-resource URLs other than the dropped ones: Metadata.
  assert.equal(defaultPolicyLevel({ verb: 'get', path: '/readyz' }), 'Metadata');
  assert.equal(defaultPolicyLevel({ verb: 'get', path: '/apis' }), 'Metadata');
});
