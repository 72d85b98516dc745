// Request and response bodies (requestObject / responseObject) shaped like real Kubernetes
// objects, after the captures in /work/shared/samples/falco (Pods, Deployments, ClusterRoles,
// RoleBindings) plus the managedFields that servers since 1.18 add to every stored object.
//
// Bodies are the bulk of the bytes, so each shape is encoded once per entity into a Template
// (JSON text with holes) and later filled by string concatenation: no JSON.stringify per event.

import { goJson, goStringBody } from './encode.js';
import type { Cluster, Node, Pod, Workload } from './world.js';

const HOLE = '\u0001';

/** A hole in a template: `hole(0)` is replaced by the first value given to `fill` (raw JSON). */
export function hole(i: number): string {
  return HOLE + i;
}

/** JSON text with holes; the values are spliced in as raw JSON text (quote strings yourself). */
export class Template {
  private readonly parts: string[];
  private readonly order: number[];

  constructor(value: unknown) {
    const text = goJson(value);
    const pieces = text.split(/"\\u0001(\d+)"/);
    this.parts = [];
    this.order = [];
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 0) this.parts.push(pieces[i]);
      else this.order.push(Number(pieces[i]));
    }
  }

  fill(values: readonly string[]): string {
    let out = this.parts[0];
    for (let i = 0; i < this.order.length; i++) out += values[this.order[i]] + this.parts[i + 1];
    return out;
  }
}

/** A JSON string literal; plain quoting for the names, ids, IPs and times the generator makes. */
const SAFE = /^[\w.:/+@ -]*$/;
const q = (s: string) => (SAFE.test(s) ? '"' + s + '"' : '"' + goStringBody(s) + '"');

function managedEntry(manager: string, operation: string, time: unknown, fields: unknown, sub?: string) {
  const e: Record<string, unknown> = {
    manager,
    operation,
    apiVersion: 'v1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  };
  if (sub) e.subresource = sub;
  return e;
}

const CONDITION_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];

// Holes: 0 heartbeat time, 1 resourceVersion.
const nodePatchCache = new WeakMap<Node, Template>();
const nodeCache = new WeakMap<Node, Template>();

/** The kubelet's strategic-merge patch of nodes/status (request body). Holes: 0 time. */
export function nodeStatusPatch(node: Node): Template {
  let t = nodePatchCache.get(node);
  if (!t) {
    t = new Template({
      status: {
        '$setElementOrder/conditions': CONDITION_TYPES.map((type) => ({ type })),
        conditions: CONDITION_TYPES.map((type) => ({ lastHeartbeatTime: hole(0), type })),
      },
    });
    nodePatchCache.set(node, t);
  }
  return t;
}

/** The Node the apiserver returns after a status patch. Holes: 0 time, 1 resourceVersion. */
export function nodeObject(cluster: Cluster, node: Node): Template {
  let t = nodeCache.get(node);
  if (!t) {
    const created = node.creationTimestamp;
    const labels = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/instance-type': 'ecs.g7.2xlarge',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': node.name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'ecs.g7.2xlarge',
      'topology.kubernetes.io/region': cluster.region,
      'topology.kubernetes.io/zone': `${cluster.region}-k`,
    };
    t = new Template({
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: node.name,
        uid: node.uid,
        resourceVersion: hole(1),
        creationTimestamp: created,
        labels,
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        managedFields: [
          managedEntry('kubelet', 'Update', created, {
            'f:metadata': {
              'f:annotations': { '.': {}, 'f:volumes.kubernetes.io/controller-managed-attach-detach': {} },
              'f:labels': Object.fromEntries(
                ['.', ...Object.keys(labels)].map((k) => [k === '.' ? '.' : `f:${k}`, {}]),
              ),
            },
            'f:spec': { 'f:providerID': {} },
          }),
          managedEntry('kube-controller-manager', 'Update', created, {
            'f:metadata': { 'f:annotations': { 'f:node.alpha.kubernetes.io/ttl': {} } },
            'f:spec': {
              'f:podCIDR': {},
              'f:podCIDRs': { '.': {}, [`v:"172.${16 + (cluster.index % 16)}.0.0/24"`]: {} },
            },
          }),
          managedEntry(
            'kubelet',
            'Update',
            hole(0),
            {
              'f:status': {
                'f:conditions': Object.fromEntries(
                  CONDITION_TYPES.map((c) => [`k:{"type":"${c}"}`, { 'f:lastHeartbeatTime': {} }]),
                ),
              },
            },
            'status',
          ),
        ],
      },
      spec: {
        podCIDR: `172.${16 + (cluster.index % 16)}.0.0/24`,
        podCIDRs: [`172.${16 + (cluster.index % 16)}.0.0/24`],
        providerID: `${cluster.region}.i-bp1${node.uid.replace(/-/g, '').slice(0, 17)}`,
      },
      status: {
        capacity: { cpu: '8', 'ephemeral-storage': '123722704Ki', memory: '32258884Ki', pods: '64' },
        allocatable: { cpu: '7800m', 'ephemeral-storage': '114022843818', memory: '28419908Ki', pods: '64' },
        conditions: CONDITION_TYPES.map((type) => ({
          type,
          status: type === 'Ready' ? 'True' : 'False',
          lastHeartbeatTime: hole(0),
          lastTransitionTime: created,
          reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`,
          message:
            type === 'Ready'
              ? 'kubelet is posting ready status'
              : `kubelet has no ${type.replace('Pressure', ' pressure').toLowerCase()}`,
        })),
        addresses: [
          { type: 'InternalIP', address: node.ip },
          { type: 'Hostname', address: node.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: node.uid.replace(/-/g, ''),
          kernelVersion: '5.10.134-17.2.al8.x86_64',
          osImage: 'Alibaba Cloud Linux 3.2104 U11 (OpenAnolis Edition)',
          containerRuntimeVersion: 'containerd://1.6.34',
          kubeletVersion: cluster.version,
          kubeProxyVersion: cluster.version,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    });
    nodeCache.set(node, t);
  }
  return t;
}

function podSpec(w: Workload, pod: Pod | undefined, defaulted: boolean) {
  const container: Record<string, unknown> = {
    name: w.container,
    image: w.image,
    ports: [{ name: 'http', containerPort: w.port, protocol: 'TCP' }],
    envFrom: [{ configMapRef: { name: w.configMaps[0] } }],
    resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m', memory: '512Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
  const spec: Record<string, unknown> = {
    volumes: [{ name: 'tls', secret: { secretName: w.secrets[1], defaultMode: 420 } }],
    containers: [container],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: w.serviceAccount,
    serviceAccount: w.serviceAccount,
    securityContext: {},
    schedulerName: 'default-scheduler',
  };
  if (defaulted) {
    if (pod) spec.nodeName = pod.node.name;
    spec.tolerations = [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ];
    spec.priority = 0;
    spec.enableServiceLinks = true;
    spec.preemptionPolicy = 'PreemptLowerPriority';
  }
  return spec;
}

function podLabels(w: Workload) {
  return { app: w.name, 'pod-template-hash': w.hash };
}

function ownerRefs(w: Workload) {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: `${w.name}-${w.hash}`,
      uid: w.replicaSetUid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

const podCreateRequestCache = new WeakMap<Workload, Template>();

/** The Pod the ReplicaSet controller posts (request body). No holes. */
export function podCreateRequest(w: Workload): Template {
  let t = podCreateRequestCache.get(w);
  if (!t) {
    t = new Template({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        generateName: `${w.name}-${w.hash}-`,
        namespace: w.namespace,
        creationTimestamp: null,
        labels: podLabels(w),
        ownerReferences: ownerRefs(w),
      },
      spec: podSpec(w, undefined, false),
      status: {},
    });
    podCreateRequestCache.set(w, t);
  }
  return t;
}

/**
 * A stored Pod as the apiserver returns it (create, delete, status patch).
 * Holes: 0 name, 1 uid, 2 resourceVersion, 3 creationTimestamp, 4 node name, 5 phase, 6 pod IP,
 * 7 deletionTimestamp (only in the `deleting` form).
 */
const podObjectCache = new WeakMap<Workload, Template>();
const deletingPodObjectCache = new WeakMap<Workload, Template>();
export function podObject(w: Workload, deleting = false): Template {
  const cache = deleting ? deletingPodObjectCache : podObjectCache;
  let t = cache.get(w);
  if (!t) {
    const spec = podSpec(w, undefined, true);
    spec.nodeName = hole(4);
    t = new Template({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: hole(0),
        generateName: `${w.name}-${w.hash}-`,
        namespace: w.namespace,
        uid: hole(1),
        resourceVersion: hole(2),
        creationTimestamp: hole(3),
        ...(deleting ? { deletionTimestamp: hole(7), deletionGracePeriodSeconds: 30 } : {}),
        labels: podLabels(w),
        ownerReferences: ownerRefs(w),
        managedFields: [
          managedEntry('kube-controller-manager', 'Update', hole(3), {
            'f:metadata': {
              'f:generateName': {},
              'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} },
              'f:ownerReferences': { '.': {}, [`k:{"uid":"${w.replicaSetUid}"}`]: {} },
            },
            'f:spec': {
              [`f:containers`]: {
                [`k:{"name":"${w.container}"}`]: {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': {},
                  'f:resources': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
              'f:volumes': { '.': {}, 'k:{"name":"tls"}': { '.': {}, 'f:name': {}, 'f:secret': {} } },
            },
          }),
          managedEntry(
            'kubelet',
            'Update',
            hole(3),
            {
              'f:status': {
                'f:conditions': {},
                'f:containerStatuses': {},
                'f:hostIP': {},
                'f:phase': {},
                'f:podIP': {},
                'f:startTime': {},
              },
            },
            'status',
          ),
        ],
      },
      spec,
      status: { phase: hole(5), hostIP: hole(4), podIP: hole(6), qosClass: 'Burstable', startTime: hole(3) },
    });
    cache.set(w, t);
  }
  return t;
}

/** The kubelet's status patch of a pod (request body). Holes: 0 time, 1 pod IP. */
export const POD_STATUS_PATCH = new Template({
  status: {
    '$setElementOrder/conditions': ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({ type }),
    ),
    conditions: [
      { lastProbeTime: null, lastTransitionTime: hole(0), status: 'True', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: hole(0), status: 'True', type: 'ContainersReady' },
    ],
    podIP: hole(1),
    podIPs: [{ ip: hole(1) }],
  },
});

/** Binding posted by the scheduler. Holes: 0 pod name, 1 pod uid, 2 node name. */
export function bindingRequest(namespace: string): Template {
  return new Template({
    kind: 'Binding',
    apiVersion: 'v1',
    metadata: { name: hole(0), namespace, uid: hole(1), creationTimestamp: null },
    target: { kind: 'Node', name: hole(2) },
  });
}

export const STATUS_SUCCESS_201 =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}';

/**
 * A Deployment as stored (response of kubectl apply / scale / restart).
 * Holes: 0 resourceVersion, 1 generation, 2 replicas, 3 time of the last change,
 * 4 restartedAt annotation value (the last `kubectl rollout restart`).
 */
const deploymentCache = new WeakMap<Workload, Template>();
export function deploymentObject(w: Workload): Template {
  let t = deploymentCache.get(w);
  if (!t) {
    const applied = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { annotations: {}, labels: { app: w.name }, name: w.name, namespace: w.namespace },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { app: w.name } },
        template: {
          metadata: { labels: { app: w.name } },
          spec: {
            containers: [
              { image: w.image, name: w.container, ports: [{ containerPort: w.port, name: 'http' }] },
            ],
          },
        },
      },
    });
    t = new Template({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: {
        name: w.name,
        namespace: w.namespace,
        uid: w.uid,
        resourceVersion: hole(0),
        generation: hole(1),
        creationTimestamp: '2024-03-18T06:12:44Z',
        labels: { app: w.name },
        annotations: {
          'deployment.kubernetes.io/revision': '7',
          'kubectl.kubernetes.io/last-applied-configuration': applied + '\n',
        },
        managedFields: [
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: hole(3),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': {
                'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
                'f:labels': { '.': {}, 'f:app': {} },
              },
              'f:spec': {
                'f:replicas': {},
                'f:selector': {},
                'f:template': { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:containers': {} } },
              },
            },
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: hole(3),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } },
              'f:status': {
                'f:availableReplicas': {},
                'f:conditions': {},
                'f:observedGeneration': {},
                'f:readyReplicas': {},
                'f:replicas': {},
                'f:updatedReplicas': {},
              },
            },
            subresource: 'status',
          },
        ],
      },
      spec: {
        replicas: hole(2),
        selector: { matchLabels: { app: w.name } },
        template: {
          metadata: {
            labels: { app: w.name },
            annotations: { 'kubectl.kubernetes.io/restartedAt': hole(4) },
          },
          spec: podSpec(w, undefined, false),
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: hole(1),
        replicas: hole(2),
        updatedReplicas: hole(2),
        readyReplicas: hole(2),
        availableReplicas: hole(2),
      },
    });
    deploymentCache.set(w, t);
  }
  return t;
}

/** kubectl apply's patch of a Deployment (request body): new image. Holes: 0 image. */
const applyPatchCache = new WeakMap<Workload, Template>();
export function deploymentApplyPatch(w: Workload): Template {
  let t = applyPatchCache.get(w);
  if (!t) {
    t = new Template({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': hole(1) } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: w.container }],
            containers: [{ image: hole(0), name: w.container }],
          },
        },
      },
    });
    applyPatchCache.set(w, t);
  }
  return t;
}

/** A RoleBinding / ClusterRoleBinding. */
export function bindingObject(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleKind: 'Role' | 'ClusterRole',
  roleName: string,
  subject: { kind: string; name: string; namespace?: string },
  stored?: { uid: string; resourceVersion: string; time: string; manager: string },
): string {
  const metadata: Record<string, unknown> = { name };
  if (namespace) metadata.namespace = namespace;
  if (stored) {
    metadata.uid = stored.uid;
    metadata.resourceVersion = stored.resourceVersion;
    metadata.creationTimestamp = stored.time;
    metadata.managedFields = [
      {
        manager: stored.manager,
        operation: 'Update',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        time: stored.time,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:roleRef': {}, 'f:subjects': {} },
      },
    ];
  } else {
    metadata.creationTimestamp = null;
  }
  const subj: Record<string, unknown> = { kind: subject.kind, name: subject.name };
  if (subject.kind === 'User' || subject.kind === 'Group') subj.apiGroup = 'rbac.authorization.k8s.io';
  if (subject.namespace) subj.namespace = subject.namespace;
  return goJson({
    kind,
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata,
    subjects: [subj],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  });
}

/** A ClusterRole; `wildcard` gives the `*` rules Falco's "ClusterRole With Wildcard" looks for. */
export function clusterRoleObject(
  name: string,
  wildcard: boolean,
  stored?: { uid: string; resourceVersion: string; time: string; manager: string },
): string {
  const metadata: Record<string, unknown> = { name };
  if (stored) {
    metadata.uid = stored.uid;
    metadata.resourceVersion = stored.resourceVersion;
    metadata.creationTimestamp = stored.time;
    metadata.managedFields = [
      {
        manager: stored.manager,
        operation: 'Update',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        time: stored.time,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:rules': {} },
      },
    ];
  } else metadata.creationTimestamp = null;
  const rules = wildcard
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]
    : [
        {
          verbs: ['get', 'list', 'watch'],
          apiGroups: [''],
          resources: ['pods', 'pods/log', 'services', 'configmaps'],
        },
        { verbs: ['create'], apiGroups: [''], resources: ['pods/exec', 'pods/portforward'] },
        {
          verbs: ['get', 'list', 'watch', 'patch'],
          apiGroups: ['apps'],
          resources: ['deployments', 'deployments/scale'],
        },
      ];
  return goJson({ kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata, rules });
}

export { q as quoted };
