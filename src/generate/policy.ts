// The audit level the source documents' default policy gives a request
// (/work/shared/seeds/003_b57cda7aeb09e190.txt, "配置介绍": the ACK /etc/kubernetes/audit-policy.yml),
// evaluated as kube-apiserver does: first matching rule wins (../shared/spec/k8s-audit.md §1.2).
//
// The generator only emits what this policy would log: a request whose level is None produces
// no event at all, and bodies are attached only at Request / RequestResponse. This is a fixed
// encoding of that one policy for speed, not a general policy engine (that lives in src/policy).

export type LoggedLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

export interface PolicyRequest {
  username?: string;
  groups?: readonly string[];
  verb: string;
  /** Absent for non-resource requests. */
  resource?: string;
  subresource?: string;
  /** API group; '' for core. */
  apiGroup?: string;
  namespace?: string;
  /** URL path without the query (used by nonResourceURLs rules). */
  path: string;
}

// The groups the default policy lists under its Request and RequestResponse rules.
const KNOWN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'extensions',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'settings.k8s.io',
  'storage.k8s.io',
]);

const READ_VERBS = new Set(['get', 'list', 'watch']);
const KUBE_SYSTEM_ENDPOINT_USERS = new Set([
  'system:kube-controller-manager',
  'system:kube-scheduler',
  'system:serviceaccount:kube-system:endpoint-controller',
]);

/** The resource as a policy rule names it: `pods` or `pods/exec`. */
function resourceName(r: PolicyRequest): string {
  return r.subresource ? `${r.resource}/${r.subresource}` : (r.resource ?? '');
}

export function defaultPolicyLevel(r: PolicyRequest): LoggedLevel {
  const res = resourceName(r);
  const isResource = r.resource !== undefined;
  const core = isResource && (r.apiGroup ?? '') === '';
  if (isResource) {
    if (core && r.username === 'system:kube-proxy' && r.verb === 'watch') {
      if (res === 'endpoints' || res === 'services') return 'None';
    }
    if (core && r.username === 'system:unsecured' && r.namespace === 'kube-system') {
      if (r.verb === 'get' && res === 'configmaps') return 'None';
    }
    if (core && r.verb === 'get' && res === 'nodes') {
      if (r.username === 'kubelet' || r.groups?.includes('system:nodes')) return 'None';
    }
    if (core && r.username && KUBE_SYSTEM_ENDPOINT_USERS.has(r.username)) {
      if ((r.verb === 'get' || r.verb === 'update') && r.namespace === 'kube-system' && res === 'endpoints') {
        return 'None';
      }
    }
    if (core && r.username === 'system:apiserver' && r.verb === 'get' && res === 'namespaces') return 'None';
    if (core && res === 'events') return 'None';
    if (core && (res === 'secrets' || res === 'configmaps')) return 'Metadata';
    if (r.apiGroup === 'authentication.k8s.io' && res === 'tokenreviews') return 'Metadata';
    const known = KNOWN_GROUPS.has(r.apiGroup ?? '');
    if (known && READ_VERBS.has(r.verb)) return 'Request';
    if (known) return 'RequestResponse';
    return 'Metadata';
  }
  // Non-resource URLs: /healthz*, /version, /swagger* are not logged; the rest falls to Metadata.
  if (r.path.startsWith('/healthz') || r.path === '/version' || r.path.startsWith('/swagger')) return 'None';
  return 'Metadata';
}
