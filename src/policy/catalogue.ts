// Built-in Kubernetes API resources (current releases, 1.36) for the policy linter: which group
// serves which resource and subresources, and which groups or resources are gone. Custom resources
// cannot be known here, so the linter only judges groups listed below and dot-less group names
// (every CustomResourceDefinition group contains a dot).

/** group → resource → its subresources. */
export const BUILTIN_RESOURCES: Record<string, Record<string, string[]>> = {
  '': {
    bindings: [],
    componentstatuses: [],
    configmaps: [],
    endpoints: [],
    events: [],
    limitranges: [],
    namespaces: ['finalize', 'status'],
    nodes: ['proxy', 'status'],
    persistentvolumeclaims: ['status'],
    persistentvolumes: ['status'],
    pods: [
      'attach',
      'binding',
      'ephemeralcontainers',
      'eviction',
      'exec',
      'log',
      'portforward',
      'proxy',
      'resize',
      'status',
    ],
    podtemplates: [],
    replicationcontrollers: ['scale', 'status'],
    resourcequotas: ['status'],
    secrets: [],
    serviceaccounts: ['token'],
    services: ['proxy', 'status'],
  },
  'admissionregistration.k8s.io': {
    mutatingwebhookconfigurations: [],
    validatingwebhookconfigurations: [],
    validatingadmissionpolicies: ['status'],
    validatingadmissionpolicybindings: [],
    mutatingadmissionpolicies: [],
    mutatingadmissionpolicybindings: [],
  },
  'apiextensions.k8s.io': { customresourcedefinitions: ['status'] },
  'apiregistration.k8s.io': { apiservices: ['status'] },
  apps: {
    controllerrevisions: [],
    daemonsets: ['status'],
    deployments: ['scale', 'status'],
    replicasets: ['scale', 'status'],
    statefulsets: ['scale', 'status'],
  },
  'authentication.k8s.io': { tokenreviews: [], selfsubjectreviews: [] },
  'authorization.k8s.io': {
    localsubjectaccessreviews: [],
    selfsubjectaccessreviews: [],
    selfsubjectrulesreviews: [],
    subjectaccessreviews: [],
  },
  autoscaling: { horizontalpodautoscalers: ['status'] },
  batch: { cronjobs: ['status'], jobs: ['status'] },
  'certificates.k8s.io': {
    certificatesigningrequests: ['approval', 'status'],
    clustertrustbundles: [],
    podcertificaterequests: ['status'],
  },
  'coordination.k8s.io': { leases: [], leasecandidates: [] },
  'discovery.k8s.io': { endpointslices: [] },
  'events.k8s.io': { events: [] },
  'flowcontrol.apiserver.k8s.io': { flowschemas: ['status'], prioritylevelconfigurations: ['status'] },
  'internal.apiserver.k8s.io': { storageversions: ['status'] },
  'networking.k8s.io': {
    ingressclasses: [],
    ingresses: ['status'],
    ipaddresses: [],
    networkpolicies: [],
    servicecidrs: ['status'],
  },
  'node.k8s.io': { runtimeclasses: [] },
  policy: { poddisruptionbudgets: ['status'] },
  'rbac.authorization.k8s.io': { clusterrolebindings: [], clusterroles: [], rolebindings: [], roles: [] },
  'resource.k8s.io': {
    deviceclasses: [],
    devicetaintrules: [],
    resourceclaims: ['status'],
    resourceclaimtemplates: [],
    resourceslices: [],
  },
  'scheduling.k8s.io': { priorityclasses: [] },
  'storage.k8s.io': {
    csidrivers: [],
    csinodes: [],
    csistoragecapacities: [],
    storageclasses: [],
    volumeattachments: ['status'],
    volumeattributesclasses: [],
  },
  'storagemigration.k8s.io': { storageversionmigrations: ['status'] },
  'metrics.k8s.io': { nodes: [], pods: [] },
};

/** Groups that current Kubernetes no longer serves, and what replaced their resources. */
export const REMOVED_GROUPS: Record<string, { removedIn: string; moved: Record<string, string> }> = {
  extensions: {
    removedIn: '1.22',
    moved: {
      deployments: 'apps (extensions stopped serving it in 1.16)',
      daemonsets: 'apps (extensions stopped serving it in 1.16)',
      replicasets: 'apps (extensions stopped serving it in 1.16)',
      networkpolicies: 'networking.k8s.io (extensions stopped serving it in 1.16)',
      podsecuritypolicies: 'nothing: PodSecurityPolicy was removed in 1.25 (use Pod Security Admission)',
      ingresses: 'networking.k8s.io (extensions stopped serving it in 1.22)',
    },
  },
  'settings.k8s.io': {
    removedIn: '1.20',
    moved: { podpresets: 'nothing: PodPreset (alpha) was removed in 1.20' },
  },
};

/** Verbs that appear in audit events: resource verbs and lower-case HTTP methods of non-resource requests. */
export const RESOURCE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'proxy',
];
export const NON_RESOURCE_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** RBAC-only verbs: checked by authorizers, never the verb of a request, so never in an audit event. */
export const AUTHORIZATION_ONLY_VERBS = [
  'use',
  'bind',
  'escalate',
  'impersonate',
  'approve',
  'sign',
  'attest',
  '*',
];

/** Top-level non-resource paths served by kube-apiserver, for the `/api*` prefix check. */
export const NON_RESOURCE_ROOTS = [
  '/api',
  '/apis',
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/metrics',
  '/openapi',
  '/openid',
  '/logs',
  '/debug',
  '/.well-known',
  '/flowcontrol',
];

/** The groups that serve `resource` (e.g. deployments → ["apps"]). */
export function groupsServing(resource: string): string[] {
  return Object.keys(BUILTIN_RESOURCES).filter((g) => resource in BUILTIN_RESOURCES[g]);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate within distance 2, if any. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
