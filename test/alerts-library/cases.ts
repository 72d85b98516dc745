// A positive and a negative example for every rule of the built-in detection library
// (rules/falco-k8saudit.yaml, rules/sigma-k8s-audit.yaml, rules/ack-alert-templates.yaml). The
// positives are what the rule exists to catch (real Falco trace events where one exists); the
// negatives are near misses that differ in the one property the rule tests. Expectations come from
// the rule definitions in ../shared/spec/detections.md and sls-query.md §6, not from running kaudit.
import type { AuditEvent } from '../../src/event/types.js';
import { ev, falcoSample, podBody, podCreate } from '../fixtures/alerts/events.js';

export interface RuleCase {
  /** Events the rule must report (every auditID among them must fire). */
  pos: AuditEvent[];
  /** Events it must not report. */
  neg: AuditEvent[];
}

const ok201 = { metadata: {}, code: 201 };
const forbidden = { metadata: {}, code: 403 };
const created = (id: string, resource: string, o: Parameters<typeof ev>[1] = {}) =>
  ev(id, {
    verb: 'create',
    objectRef: { resource, namespace: 'default', name: `${resource}-x`, apiVersion: 'v1' },
    responseStatus: ok201,
    ...o,
  });
const rbac = (id: string, verb: string, resource: string, name: string, body?: unknown, ns?: string) =>
  ev(id, {
    verb,
    objectRef: {
      resource,
      apiGroup: 'rbac.authorization.k8s.io',
      apiVersion: 'v1',
      name,
      ...(ns ? { namespace: ns } : {}),
    },
    responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
    ...(body ? { requestObject: body as Record<string, unknown> } : {}),
  });
const role = (rules: unknown[]) => ({ kind: 'Role', metadata: { name: 'r' }, rules });

/** Activity rules: a successful request of `verb` on `resource` fires; the same request refused does not. */
function activity(verb: string, resource: string, group?: string): RuleCase {
  const ref = (name: string) => ({
    resource,
    namespace: 'team-a',
    name,
    apiVersion: 'v1',
    ...(group ? { apiGroup: group } : {}),
  });
  return {
    pos: [ev('act-ok', { verb, objectRef: ref('x'), responseStatus: { metadata: {}, code: 200 } })],
    neg: [
      ev('act-refused', { verb, objectRef: ref('y'), responseStatus: forbidden }),
      ev('act-other-verb', { verb: 'get', objectRef: ref('z') }),
    ],
  };
}

export const CASES: Record<string, RuleCase> = {
  // ---------------------------------------------------------------- Falco
  'falco-disallowed-k8s-user': {
    pos: [
      ev('mallory', { user: { username: 'mallory', groups: ['system:authenticated'] } }),
      // A user whose name merely contains an allowed one is not allowed (exact match, not SLS tokens).
      ev('admin-lookalike', { user: { username: 'admin@evil.example', groups: [] } }),
    ],
    neg: [
      ev('admin', { user: { username: 'kubernetes-admin', groups: ['system:masters'] } }),
      ev('sa', { user: { username: 'system:serviceaccount:ci:builder', groups: [] } }),
      // The same request's ResponseStarted event: Falco reads ResponseComplete only.
      ev('mallory-started', { stage: 'ResponseStarted', user: { username: 'mallory', groups: [] } }),
    ],
  },
  'falco-create-disallowed-pod': {
    // The allow-list is empty until filled, so every pod creation is reported.
    pos: [podCreate('pod-any', podBody({ web: 'nginx:1.27' }))],
    neg: [
      ev('pod-get'),
      ev('pod-exec', {
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
      }),
    ],
  },
  'falco-create-privileged-pod': {
    pos: [
      ...falcoSample('create_nginx_pod_privileged.json'),
      ...falcoSample('create_nginx_pod_privileged_2nd_container.json'),
      podCreate(
        'priv-init',
        podBody(
          { web: 'nginx' },
          { initContainers: [{ name: 'i', image: 'busybox', securityContext: { privileged: true } }] },
        ),
      ),
    ],
    neg: [
      ...falcoSample('create_nginx_pod_unprivileged.json'),
      // Privileged, but every image is in k8s_audit_privileged_images (tag and digest ignored).
      podCreate(
        'priv-allowed',
        podBody(
          {},
          {
            containers: [
              {
                name: 'calico',
                image: 'docker.io/calico/node:v3.28.0',
                securityContext: { privileged: true },
              },
            ],
          },
        ),
      ),
    ],
  },
  'falco-create-sensitive-mount-pod': {
    pos: [...falcoSample('create_nginx_pod_sensitive_mount.json')],
    neg: [
      ...falcoSample('create_nginx_pod_unsensitive_mount.json'),
      // /etc/nginx is below a sensitive path but is not one: Falco compares whole paths.
      podCreate(
        'mount-sub',
        podBody({ web: 'nginx' }, { volumes: [{ name: 'conf', hostPath: { path: '/etc/nginx' } }] }),
      ),
    ],
  },
  'falco-create-hostnetwork-pod': {
    pos: falcoSample('create_nginx_pod_hostnetwork.json'),
    neg: falcoSample('create_nginx_pod_nohostnetwork.json'),
  },
  'falco-create-hostpid-pod': {
    pos: [podCreate('hostpid', podBody({ web: 'nginx' }, { hostPID: true }))],
    neg: [podCreate('nohostpid', podBody({ web: 'nginx' }, { hostPID: false, hostIPC: true }))],
  },
  'falco-create-hostipc-pod': {
    pos: [podCreate('hostipc', podBody({ web: 'nginx' }, { hostIPC: true }))],
    neg: [podCreate('nohostipc', podBody({ web: 'nginx' }, { hostPID: true }))],
  },
  'falco-create-nodeport-service': {
    pos: falcoSample('create_nginx_service_nodeport.json'),
    neg: falcoSample('create_nginx_service_nonodeport.json'),
  },
  'falco-configmap-private-credentials': {
    pos: falcoSample('create_configmap_sensitive_values.json'),
    neg: [
      ...falcoSample('create_configmap_no_sensitive_values.json'),
      // Falco's match is case-sensitive: PASSWORD is not "password".
      created('cm-upper', 'configmaps', {
        requestObject: { kind: 'ConfigMap', data: { PASSWORD_HINT: 'x' } },
      }),
    ],
  },
  'falco-anonymous-request-allowed': {
    pos: [
      ...falcoSample('anonymous_creates_namespace_foo.json'),
      ev('anon-secrets', {
        user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        requestURI: '/api/v1/secrets',
      }),
    ],
    neg: [
      ev('anon-healthz', {
        user: { username: 'system:anonymous', groups: [] },
        requestURI: '/healthz?verbose',
        objectRef: null,
      }),
      ev('anon-livez', {
        user: { username: 'system:anonymous', groups: [] },
        requestURI: '/livez',
        objectRef: null,
      }),
      ev('anon-denied', {
        user: { username: 'system:anonymous', groups: [] },
        responseStatus: forbidden,
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
    ],
  },
  'falco-attach-exec-pod': {
    pos: [...falcoSample('exec_pod.json'), ...falcoSample('attach_pod.json')],
    neg: [
      // The ResponseComplete event at the end of the same kind of session: read once, at ResponseStarted.
      ev('exec-complete', {
        verb: 'create',
        requestURI: '/api/v1/namespaces/default/pods/web/exec?command=sh',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
        responseStatus: { metadata: {}, code: 101 },
      }),
      ev('logs', {
        stage: 'ResponseStarted',
        objectRef: { resource: 'pods', subresource: 'log', namespace: 'default', name: 'web' },
      }),
    ],
  },
  'falco-port-forward': {
    pos: [
      ev('pf-open', {
        stage: 'ResponseStarted',
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'portforward', namespace: 'default', name: 'db' },
        responseStatus: { metadata: {}, code: 101 },
      }),
      ev('pf-refused', {
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'portforward', namespace: 'default', name: 'db' },
        responseStatus: forbidden,
      }),
    ],
    neg: [
      // The closing event of an opened tunnel (already reported at ResponseStarted).
      ev('pf-closed', {
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'portforward', namespace: 'default', name: 'db' },
        responseStatus: { metadata: {}, code: 101 },
      }),
      ev('exec-open', {
        stage: 'ResponseStarted',
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'db' },
      }),
    ],
  },
  'falco-ephemeral-containers-created': {
    pos: [
      ev('debug', {
        verb: 'patch',
        objectRef: {
          resource: 'pods',
          subresource: 'ephemeralcontainers',
          namespace: 'default',
          name: 'web',
        },
        requestObject: { spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox' }] } },
      }),
    ],
    neg: [ev('patch-pod', { verb: 'patch', requestObject: { metadata: { labels: { a: 'b' } } } })],
  },
  'falco-create-disallowed-namespace': {
    pos: falcoSample('minikube_creates_namespace_foo.json'),
    neg: [
      created('ns-public', 'namespaces', {
        objectRef: { resource: 'namespaces', name: 'kube-public', apiVersion: 'v1' },
      }),
    ],
  },
  'falco-pod-created-in-kube-namespace': {
    pos: [
      ...falcoSample('create_pod_kube_system_namespace.json'),
      ...falcoSample('create_pod_kube_public_namespace.json'),
    ],
    neg: [
      ...falcoSample('create_nginx_pod_unprivileged.json'),
      podCreate('kube-allowed', podBody({ proxy: 'gke.gcr.io/kube-proxy:v1.30' }), 'kube-system'),
    ],
  },
  'falco-service-account-created-in-kube-namespace': {
    pos: [
      ...falcoSample('create_serviceaccount_kube_system_namespace.json'),
      ...falcoSample('create_serviceaccount_kube_public_namespace.json'),
      ev('sa-body-name', {
        verb: 'create',
        objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', apiVersion: 'v1' },
        responseStatus: ok201,
        requestObject: { kind: 'ServiceAccount', metadata: { name: 'backdoor' } },
      }),
    ],
    neg: [
      ...falcoSample('create_serviceaccount.json'),
      created('sa-known', 'serviceaccounts', {
        objectRef: {
          resource: 'serviceaccounts',
          namespace: 'kube-system',
          name: 'coredns',
          apiVersion: 'v1',
        },
      }),
    ],
  },
  'falco-system-clusterrole-modified': {
    pos: [
      ...falcoSample('modify_cluster_role_node_problem_detector.json'),
      ...falcoSample('delete_cluster_role_kube_aggregator.json'),
      // A creation names the role in its body only.
      ev('sys-create', {
        verb: 'create',
        objectRef: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
        responseStatus: ok201,
        requestObject: { kind: 'ClusterRole', metadata: { name: 'system:evil' }, rules: [] },
      }),
    ],
    neg: [
      ...falcoSample('delete_clusterrole.json'),
      rbac('coredns', 'update', 'clusterroles', 'system:coredns'),
      rbac('sys-get', 'get', 'clusterroles', 'system:aggregate-to-view'),
    ],
  },
  'falco-attach-to-cluster-admin-role': {
    pos: falcoSample('attach_cluster_admin_role.json'),
    neg: falcoSample('create_clusterrolebinding.json'),
  },
  'falco-clusterrole-with-wildcard-created': {
    pos: [
      ...falcoSample('create_cluster_role_wildcard_verbs.json'),
      ...falcoSample('create_cluster_role_wildcard_resources.json'),
    ],
    neg: [
      ...falcoSample('create_clusterrole.json'),
      ...falcoSample('create_cluster_role_write_privileges.json'),
    ],
  },
  'falco-clusterrole-with-write-privileges-created': {
    pos: [
      ...falcoSample('create_cluster_role_write_privileges.json'),
      rbac(
        'role-delete',
        'create',
        'roles',
        'cleaner',
        role([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'deletecollection'] }]),
        'default',
      ),
    ],
    neg: [
      ...falcoSample('create_clusterrole.json'),
      rbac(
        'role-read',
        'create',
        'roles',
        'reader',
        role([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]),
        'default',
      ),
    ],
  },
  'falco-clusterrole-with-pod-exec-created': {
    pos: falcoSample('create_cluster_role_pod_exec.json'),
    neg: [
      ...falcoSample('create_clusterrole.json'),
      rbac(
        'role-log',
        'create',
        'roles',
        'logs',
        role([{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]),
        'default',
      ),
    ],
  },
  'falco-k8s-deployment-created': {
    pos: falcoSample('create_deployment.json'),
    neg: [
      ...falcoSample('delete_deployment.json'),
      ev('dep-conflict', {
        verb: 'create',
        objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'default', name: 'web' },
        responseStatus: { metadata: {}, code: 409 },
      }),
    ],
  },
  'falco-k8s-deployment-deleted': {
    pos: falcoSample('delete_deployment.json'),
    neg: falcoSample('create_deployment.json'),
  },
  'falco-k8s-service-created': {
    pos: falcoSample('create_service.json'),
    neg: falcoSample('delete_service.json'),
  },
  'falco-k8s-service-deleted': {
    pos: falcoSample('delete_service.json'),
    neg: falcoSample('create_service.json'),
  },
  'falco-k8s-configmap-created': {
    pos: falcoSample('create_configmap.json'),
    neg: falcoSample('delete_configmap.json'),
  },
  'falco-k8s-configmap-deleted': {
    pos: falcoSample('delete_configmap.json'),
    neg: falcoSample('create_configmap.json'),
  },
  'falco-k8s-namespace-created': {
    pos: falcoSample('minikube_creates_namespace_foo.json'),
    neg: falcoSample('delete_namespace_foo.json'),
  },
  'falco-k8s-namespace-deleted': {
    pos: falcoSample('delete_namespace_foo.json'),
    neg: [
      ev('ns-del-controller', {
        verb: 'delete',
        user: { username: 'system:serviceaccount:kube-system:namespace-controller', groups: [] },
        objectRef: { resource: 'namespaces', name: 'old', apiVersion: 'v1' },
      }),
    ],
  },
  'falco-k8s-serviceaccount-created': {
    pos: falcoSample('create_serviceaccount.json'),
    neg: falcoSample('delete_serviceaccount.json'),
  },
  'falco-k8s-serviceaccount-deleted': {
    pos: falcoSample('delete_serviceaccount.json'),
    neg: falcoSample('create_serviceaccount.json'),
  },
  'falco-k8s-role-created': activity('create', 'roles', 'rbac.authorization.k8s.io'),
  'falco-k8s-role-deleted': activity('delete', 'roles', 'rbac.authorization.k8s.io'),
  'falco-k8s-clusterrole-created': {
    pos: falcoSample('create_clusterrole.json'),
    neg: falcoSample('delete_clusterrole.json'),
  },
  'falco-k8s-clusterrole-deleted': {
    pos: falcoSample('delete_clusterrole.json'),
    neg: falcoSample('create_clusterrole.json'),
  },
  'falco-k8s-rolebinding-created': activity('create', 'rolebindings', 'rbac.authorization.k8s.io'),
  'falco-k8s-rolebinding-deleted': activity('delete', 'rolebindings', 'rbac.authorization.k8s.io'),
  'falco-k8s-clusterrolebinding-created': {
    pos: falcoSample('create_clusterrolebinding.json'),
    neg: falcoSample('delete_clusterrolebinding.json'),
  },
  'falco-k8s-clusterrolebinding-deleted': {
    pos: falcoSample('delete_clusterrolebinding.json'),
    neg: falcoSample('create_clusterrolebinding.json'),
  },
  'falco-k8s-secret-created': {
    pos: falcoSample('create_secret.json'),
    // kube-system secrets and secrets made by system users (token controller) are left out.
    neg: [
      ...falcoSample('create_kube_system_secret.json'),
      ...falcoSample('create_service_account_token_secret.json'),
    ],
  },
  'falco-k8s-secret-deleted': {
    pos: falcoSample('delete_secret.json'),
    neg: falcoSample('create_secret.json'),
  },
  'falco-k8s-secret-get-successfully': {
    pos: [
      ev('secret-get', {
        objectRef: { resource: 'secrets', namespace: 'kube-system', name: 'token', apiVersion: 'v1' },
      }),
    ],
    neg: [
      ev('secret-get-403', {
        objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
        responseStatus: forbidden,
      }),
      ev('secret-list', {
        verb: 'list',
        objectRef: { resource: 'secrets', namespace: 'prod', apiVersion: 'v1' },
      }),
    ],
  },
  'falco-k8s-secret-get-unsuccessfully-tried': {
    pos: [
      ev('secret-get-403', {
        objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
        responseStatus: forbidden,
      }),
    ],
    neg: [
      ev('secret-get', {
        objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
      }),
    ],
  },
  'falco-all-k8s-audit-events': {
    pos: [ev('any')],
    neg: [ev('received', { stage: 'RequestReceived', responseStatus: undefined })],
  },
  'falco-full-k8s-administrative-access': {
    pos: [ev('kadmin', { user: { username: 'kubernetes-admin', groups: ['system:masters'] } })],
    neg: [ev('alice')],
  },
  'falco-ingress-without-tls-created': {
    pos: [
      created('ing-plain', 'ingresses', {
        objectRef: {
          resource: 'ingresses',
          apiGroup: 'networking.k8s.io',
          namespace: 'web',
          name: 'site',
          apiVersion: 'v1',
        },
        requestObject: { kind: 'Ingress', spec: { rules: [{ host: 'a.example' }] } },
      }),
    ],
    neg: [
      created('ing-tls', 'ingresses', {
        objectRef: {
          resource: 'ingresses',
          apiGroup: 'networking.k8s.io',
          namespace: 'web',
          name: 'site',
          apiVersion: 'v1',
        },
        requestObject: { kind: 'Ingress', spec: { tls: [{ hosts: ['a.example'], secretName: 'cert' }] } },
      }),
      // Recorded at Metadata level: no body, nothing to judge.
      created('ing-metadata', 'ingresses', {
        level: 'Metadata',
        objectRef: {
          resource: 'ingresses',
          apiGroup: 'networking.k8s.io',
          namespace: 'web',
          name: 'site',
          apiVersion: 'v1',
        },
      }),
    ],
  },
  'falco-untrusted-node-joined': {
    pos: [
      created('node-ok', 'nodes', { objectRef: { resource: 'nodes', name: 'worker-9', apiVersion: 'v1' } }),
    ],
    neg: [
      created('node-fail', 'nodes', {
        objectRef: { resource: 'nodes', name: 'worker-9', apiVersion: 'v1' },
        responseStatus: forbidden,
      }),
    ],
  },
  'falco-untrusted-node-join-failed': {
    pos: [
      created('node-fail', 'nodes', {
        objectRef: { resource: 'nodes', name: 'worker-9', apiVersion: 'v1' },
        responseStatus: forbidden,
      }),
    ],
    neg: [
      created('node-ok', 'nodes', { objectRef: { resource: 'nodes', name: 'worker-9', apiVersion: 'v1' } }),
    ],
  },

  // ---------------------------------------------------------------- Sigma
  'sigma-admission-controller-modification': {
    pos: [
      ev('vwc-delete', {
        verb: 'delete',
        objectRef: {
          resource: 'validatingwebhookconfigurations',
          apiGroup: 'admissionregistration.k8s.io',
          name: 'policy',
          apiVersion: 'v1',
        },
      }),
    ],
    neg: [
      ev('vwc-get', {
        objectRef: {
          resource: 'validatingwebhookconfigurations',
          apiGroup: 'admissionregistration.k8s.io',
          name: 'policy',
          apiVersion: 'v1',
        },
      }),
    ],
  },
  'sigma-cronjob-job-modification': {
    pos: [
      created('job', 'jobs', {
        objectRef: {
          resource: 'jobs',
          apiGroup: 'batch',
          namespace: 'default',
          name: 'miner',
          apiVersion: 'v1',
        },
      }),
    ],
    neg: [
      ev('job-list', {
        verb: 'list',
        objectRef: { resource: 'cronjobs', apiGroup: 'batch', namespace: 'default', apiVersion: 'v1' },
      }),
    ],
  },
  'sigma-deployment-deleted': {
    pos: falcoSample('delete_deployment.json'),
    neg: falcoSample('create_deployment.json'),
  },
  'sigma-events-deleted': {
    pos: [
      ev('ev-del', {
        verb: 'delete',
        objectRef: { resource: 'events', namespace: 'default', name: 'web.17a', apiVersion: 'v1' },
      }),
    ],
    neg: [
      ev('ev-get', {
        objectRef: { resource: 'events', namespace: 'default', name: 'web.17a', apiVersion: 'v1' },
      }),
    ],
  },
  'sigma-exec-into-container': {
    pos: [
      ...falcoSample('exec_pod.json'),
      ev('exec-denied', {
        verb: 'create',
        requestURI: '/api/v1/namespaces/default/pods/web/exec?command=sh',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
        responseStatus: forbidden,
      }),
    ],
    neg: [
      ev('exec-complete', {
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
        responseStatus: { metadata: {}, code: 101 },
      }),
      ...falcoSample('attach_pod.json'),
    ],
  },
  'sigma-hostpath-mount-pod-created': {
    pos: [
      ...falcoSample('create_nginx_pod_sensitive_mount.json'),
      podCreate(
        'hp-data',
        podBody({ web: 'nginx' }, { volumes: [{ name: 'data', hostPath: { path: '/data' } }] }),
      ),
    ],
    neg: [
      ...falcoSample('create_nginx_pod_unprivileged.json'),
      podCreate('empty-dir', podBody({ web: 'nginx' }, { volumes: [{ name: 'tmp', emptyDir: {} }] })),
    ],
  },
  'sigma-pod-in-system-namespace': {
    pos: falcoSample('create_pod_kube_system_namespace.json'),
    neg: [
      ...falcoSample('create_pod_kube_public_namespace.json'),
      ev('binding', {
        verb: 'create',
        user: { username: 'system:kube-scheduler', groups: [] },
        objectRef: { resource: 'pods', subresource: 'binding', namespace: 'kube-system', name: 'coredns-1' },
        responseStatus: ok201,
      }),
    ],
  },
  'sigma-potential-enumeration-activity': {
    pos: [
      ev('enc-sh', {
        verb: 'create',
        requestURI: '/api/v1/namespaces/default/pods/web/exec?command=%2Fbin%2Fsh&stdin=true',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
      }),
      ev('rakkess', {
        verb: 'list',
        userAgent: 'rakkess/access_matrix v0.5',
        objectRef: { resource: 'pods', namespace: 'default' },
      }),
    ],
    neg: [
      ev('enc-sh-denied', {
        verb: 'create',
        requestURI: '/api/v1/namespaces/default/pods/web/exec?command=%2Fbin%2Fsh',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
        responseStatus: forbidden,
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
      ev('ls', {
        verb: 'create',
        requestURI: '/api/v1/namespaces/default/pods/web/exec?command=ls',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web' },
      }),
    ],
  },
  'sigma-privileged-container-deployed': {
    pos: [
      podCreate(
        'caps',
        podBody(
          {},
          {
            containers: [
              { name: 'net', image: 'busybox', securityContext: { capabilities: { add: ['NET_ADMIN'] } } },
            ],
          },
        ),
      ),
    ],
    neg: [
      podCreate(
        'no-caps',
        podBody(
          {},
          { containers: [{ name: 'web', image: 'nginx', securityContext: { runAsNonRoot: true } }] },
        ),
      ),
    ],
  },
  'sigma-rbac-permission-enumeration': {
    pos: [
      created('ssrr', 'selfsubjectrulesreviews', {
        objectRef: {
          resource: 'selfsubjectrulesreviews',
          apiGroup: 'authorization.k8s.io',
          apiVersion: 'v1',
        },
      }),
    ],
    neg: [
      created('ssar', 'selfsubjectaccessreviews', {
        objectRef: {
          resource: 'selfsubjectaccessreviews',
          apiGroup: 'authorization.k8s.io',
          apiVersion: 'v1',
        },
      }),
    ],
  },
  'sigma-rolebinding-modification': {
    pos: falcoSample('create_clusterrolebinding.json'),
    neg: [rbac('rb-get', 'get', 'rolebindings', 'view', undefined, 'default')],
  },
  'sigma-secrets-enumeration': {
    pos: [
      ev('secrets-list', {
        verb: 'list',
        objectRef: { resource: 'secrets', namespace: 'prod', apiVersion: 'v1' },
      }),
    ],
    neg: [
      ev('secret-get', {
        objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
      }),
    ],
  },
  'sigma-secrets-modified-or-deleted': {
    pos: [...falcoSample('create_secret.json'), ...falcoSample('delete_secret.json')],
    neg: [
      ev('secret-get', {
        objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
      }),
    ],
  },
  'sigma-new-service-account-created': {
    pos: falcoSample('create_serviceaccount.json'),
    neg: falcoSample('delete_serviceaccount.json'),
  },
  'sigma-sidecar-injection': {
    pos: [
      ev('dep-patch', {
        verb: 'patch',
        objectRef: {
          resource: 'deployments',
          apiGroup: 'apps',
          namespace: 'default',
          name: 'web',
          apiVersion: 'v1',
        },
      }),
    ],
    neg: [
      ev('dep-update', {
        verb: 'update',
        objectRef: {
          resource: 'deployments',
          apiGroup: 'apps',
          namespace: 'default',
          name: 'web',
          apiVersion: 'v1',
        },
      }),
    ],
  },
  'sigma-unauthorized-unauthenticated-access': {
    pos: [
      ev('e403', { responseStatus: forbidden }),
      // Failed authentication: a single ResponseStarted event without a user (k8s-audit.md §2.1).
      ev('e401', { stage: 'ResponseStarted', user: {}, responseStatus: { metadata: {}, code: 401 } }),
    ],
    neg: [
      ev('e200'),
      // The ResponseStarted event of a refused watch; its ResponseComplete event is the one reported.
      ev('watch-403-started', { stage: 'ResponseStarted', verb: 'watch', responseStatus: forbidden }),
    ],
  },

  // ---------------------------------------------------------------- ACK alert templates
  'ack-internet-login': {
    pos: [
      ev('public', { sourceIPs: ['8.8.8.8'] }),
      ev('public-fail', { sourceIPs: ['8.8.4.4'], responseStatus: forbidden }),
    ],
    neg: [ev('private', { sourceIPs: ['10.0.0.5'] }), ev('cgnat', { sourceIPs: ['100.64.1.1', '8.8.8.8'] })],
  },
  'ack-delete-operations': {
    pos: [
      ev('cm-del', {
        verb: 'delete',
        objectRef: { resource: 'configmaps', namespace: 'prod', name: 'cfg', apiVersion: 'v1' },
        requestObject: { kind: 'DeleteOptions', apiVersion: 'v1' },
      }),
    ],
    neg: [
      ev('node-del', {
        verb: 'delete',
        user: { username: 'system:node:worker-1', groups: ['system:nodes'] },
      }),
      ev('get'),
    ],
  },
  'ack-node-label-change': {
    pos: [
      ev('label', {
        verb: 'patch',
        requestURI: '/api/v1/nodes/worker-2',
        objectRef: { resource: 'nodes', name: 'worker-2', apiVersion: 'v1' },
        requestObject: { metadata: { labels: { env: 'prod' } } },
      }),
    ],
    neg: [
      ev('kubelet-status', {
        verb: 'patch',
        user: { username: 'system:node:worker-2', groups: ['system:nodes'] },
        requestURI: '/api/v1/nodes/worker-2/status',
        objectRef: { resource: 'nodes', name: 'worker-2', subresource: 'status', apiVersion: 'v1' },
        requestObject: { metadata: { labels: { a: 'b' } } },
      }),
      ev('taint-only', {
        verb: 'patch',
        requestURI: '/api/v1/nodes/worker-2',
        objectRef: { resource: 'nodes', name: 'worker-2', apiVersion: 'v1' },
        requestObject: { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } },
      }),
    ],
  },
  'ack-node-taint-change': {
    pos: [
      ev('taint', {
        verb: 'update',
        requestURI: '/api/v1/nodes/worker-4',
        objectRef: { resource: 'nodes', name: 'worker-4', apiVersion: 'v1' },
        requestObject: { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } },
      }),
    ],
    neg: [
      ev('label', {
        verb: 'patch',
        requestURI: '/api/v1/nodes/worker-2',
        objectRef: { resource: 'nodes', name: 'worker-2', apiVersion: 'v1' },
        requestObject: { metadata: { labels: { env: 'prod' } } },
      }),
    ],
  },
  'ack-update-operations': {
    pos: [
      ev('dep-patch', {
        verb: 'patch',
        objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'a', name: 'x' },
      }),
    ],
    neg: [
      ev('lease', {
        verb: 'update',
        objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'n1' },
      }),
      ev('sa-update', {
        verb: 'update',
        user: { username: 'system:serviceaccount:kube-system:ctl', groups: [] },
      }),
    ],
  },
  'ack-networkpolicy-created': {
    // The template's condition is total > 1: two creations fire, one does not.
    pos: [
      created('np1', 'networkpolicies', {
        objectRef: {
          resource: 'networkpolicies',
          apiGroup: 'networking.k8s.io',
          namespace: 'a',
          name: 'deny',
        },
      }),
      created('np2', 'networkpolicies', {
        objectRef: {
          resource: 'networkpolicies',
          apiGroup: 'networking.k8s.io',
          namespace: 'b',
          name: 'deny',
        },
      }),
    ],
    neg: [
      created('np3', 'networkpolicies', {
        objectRef: {
          resource: 'networkpolicies',
          apiGroup: 'networking.k8s.io',
          namespace: 'a',
          name: 'deny',
        },
      }),
    ],
  },
  'ack-pod-eviction': {
    pos: [
      created('evict', 'pods', {
        requestURI: '/api/v1/namespaces/default/pods/web/eviction',
        objectRef: {
          resource: 'pods',
          subresource: 'eviction',
          namespace: 'default',
          name: 'web',
          apiVersion: 'v1',
        },
      }),
    ],
    neg: [ev('pod-del', { verb: 'delete' })],
  },
};
