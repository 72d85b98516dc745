// A few audit events for the sandbox and fuzz suites: enough rows for every column to hold values,
// with intranet, public and multi-address sourceIPs.
import type { AuditEvent } from '../../src/event/types.js';

function event(
  i: number,
  verb: string,
  username: string,
  resource: string,
  code: number,
  sourceIPs: string[],
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  const second = String(i).padStart(2, '0');
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-0000-0000-0000000000${second}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/${resource}?limit=${i}`,
    verb,
    user: { username, groups: ['system:authenticated'] },
    sourceIPs,
    userAgent: 'kubectl/v1.36.0',
    objectRef: { resource, namespace: 'default', name: `obj-${i}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: `2026-01-02T03:04:${second}.000000Z`,
    stageTimestamp: `2026-01-02T03:04:${second}.500000Z`,
    annotations: { 'authorization.k8s.io/decision': code < 400 ? 'allow' : 'forbid' },
    ...extra,
  } as AuditEvent;
}

export const SANDBOX_EVENTS: AuditEvent[] = [
  event(1, 'get', 'alice', 'pods', 200, ['8.8.8.8']),
  event(2, 'list', 'system:node:worker-1', 'nodes', 200, ['10.0.0.5']),
  event(3, 'delete', 'kubernetes-admin', 'secrets', 403, ['114.114.114.114']),
  event(4, 'create', 'bob', 'pods', 201, ['203.0.113.9', '10.0.0.7'], {
    objectRef: {
      resource: 'pods',
      subresource: 'exec',
      namespace: 'default',
      name: 'web-0',
      apiVersion: 'v1',
    },
  }),
  event(5, 'patch', 'system:serviceaccount:kube-system:ctrl', 'deployments', 500, ['fd00::1']),
];
