// The simulated clusters: nodes, namespaces, workloads, service accounts, people and the network
// addresses they come from. Built once per run from the seed, then mutated as traffic creates and
// deletes pods (so names stay consistent across events).
//
// How clusters differ (the events themselves carry no cluster id, exactly like real audit logs):
// cluster i (1-based) lives in the VPC 10.<i>.0.0/16. Its masters are 10.<i>.0.10–12, its nodes
// 10.<i>.<16+k>.<x> named ACK-style `<region>.<node IP>`, its pods 172.<16+i%16>.x.x, and each
// cluster runs its own Kubernetes patch release. `--out DIR` writes each cluster to its own file.

import { goJson, goString } from './encode.js';
import { Random } from './random.js';

export const REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'ap-southeast-1',
  'eu-central-1',
];
const K8S_RELEASES = [
  ['v1.30.7-aliyun.1', '3bf2a6f'],
  ['v1.31.1-aliyun.1', '948afe5'],
  ['v1.28.9-aliyun.1', 'c4a2f11'],
  ['v1.32.1-aliyun.1', 'e9c9be4'],
] as const;

/** A caller, with its `user` JSON pre-encoded in kube-apiserver field order. */
export interface Principal {
  username: string;
  groups: readonly string[];
  /** The `user` object as JSON text. */
  json: string;
  /** Candidate `sourceIPs` values as JSON array text. */
  sourceIPs: readonly string[];
  /** Candidate user agents, already JSON-escaped (no quotes). */
  userAgents: readonly string[];
}

export interface Node {
  name: string;
  ip: string;
  uid: string;
  principal: Principal;
  creationTimestamp: string;
}

export interface Pod {
  name: string;
  uid: string;
  node: Node;
  ip: string;
}

export interface Workload {
  namespace: string;
  name: string;
  uid: string;
  image: string;
  container: string;
  port: number;
  replicas: number;
  /** pod-template-hash of the current ReplicaSet. */
  hash: string;
  replicaSetUid: string;
  pods: Pod[];
  configMaps: string[];
  secrets: string[];
  serviceAccount: string;
  generation: number;
}

export interface Namespace {
  name: string;
  uid: string;
  workloads: Workload[];
}

export interface IstioObject {
  kind: string;
  resource: string;
  namespace: string;
  name: string;
}

export interface Cluster {
  index: number;
  id: string;
  region: string;
  version: string;
  commit: string;
  masters: { name: string; ip: string }[];
  apiserverLeaseId: string;
  nodes: Node[];
  namespaces: Namespace[];
  workloads: Workload[];
  istio: IstioObject[];
  /** The cluster's etcd revision: grows with every write, used as resourceVersion. */
  revision: number;
  principals: {
    controllerManager: Principal;
    scheduler: Principal;
    apiserver: Principal;
    kubeProxy: Principal;
    /** kube-controller-manager's per-controller service accounts (no pod claims). */
    controllers: Record<string, Principal>;
    /** In-cluster apps with bound service-account tokens: pod claims in user.extra. */
    apps: Record<string, Principal>;
    ciDeployer: Principal;
  };
}

export interface Person {
  principal: Principal;
  kind: 'admin' | 'subaccount' | 'oidc';
  /** RAM sub-account id (the username of sub-accounts). */
  accountId?: string;
  /** How RBAC allowed the person: the authorization.k8s.io/reason text (decoded). */
  reason: (namespace: string | undefined) => string;
  /** Namespaces the person's RoleBinding covers (all when undefined). */
  namespaces?: readonly string[];
}

/**
 * Realistic public addresses (cloud providers, ISPs, well-known scanners and Tor exits) from many
 * countries; every one resolves to a country in the DB-IP Lite database shipped with kaudit.
 */
export const ATTACKER_IPS = [
  '185.220.101.47', // Tor exit, DE
  '45.155.205.233', // RU
  '91.240.118.172', // RU
  '61.177.172.140', // CN, Jiangsu (long-known brute-force source)
  '218.92.0.112', // CN, Jiangsu
  '5.188.206.14', // US
  '162.142.125.221', // Censys, US
  '71.6.199.23', // Shodan, US
  '89.248.165.74', // NL
  '193.142.146.35', // NL
  '14.161.7.20', // VN
  '177.67.80.55', // BR
  '159.65.130.7', // DigitalOcean, SG
  '167.99.233.15', // DigitalOcean, US
  '103.152.220.44', // HK
] as const;

/** Offices and people's home connections (mostly in China, some remote staff abroad). */
export const OFFICE_IPS = [
  '42.120.74.103', // Hangzhou office
  '140.205.11.26', // Hangzhou office
  '106.11.34.41', // Hangzhou
  '116.228.111.118', // Shanghai
  '73.222.14.9', // remote, US
  '86.140.22.71', // remote, GB
  '2.14.88.201', // remote, FR
] as const;

/** Public addresses of cloud machines that call the API legitimately (CI runners, uptime checks). */
export const CLOUD_IPS = [
  '47.96.112.20', // Alibaba Cloud, Hangzhou
  '39.106.77.5', // Alibaba Cloud, Beijing
  '120.55.184.12', // Alibaba Cloud, Hangzhou
  '8.210.93.12', // Alibaba Cloud, HK
  '47.74.13.90', // Alibaba Cloud, JP
  '52.14.201.7', // AWS, US
  '3.120.181.44', // AWS, DE
  '13.232.54.9', // AWS, IN
  '54.94.112.33', // AWS, BR
  '34.102.136.180', // Google Cloud, US
  '20.50.2.17', // Azure, NL
] as const;

const KUBECTL_AGENTS = [
  'kubectl/v1.28.3 (darwin/arm64) kubernetes/a8a1abc',
  'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
  'kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350',
  'kubectl/v1.31.0 (windows/amd64) kubernetes/9edcffc',
  'Lens/6.5.2',
  'k9s/v0.32.5 (darwin/arm64)',
];

const NAMESPACE_APPS: Record<string, [string, string, number][]> = {
  default: [['nginx-demo', 'nginx:1.25.4', 80]],
  'kube-system': [
    ['coredns', 'registry-cn-hangzhou.ack.aliyuncs.com/acs/coredns:v1.11.3.2-f57ea7ed6-aliyun', 53],
    ['metrics-server', 'registry-cn-hangzhou.ack.aliyuncs.com/acs/metrics-server:v0.7.1.4-aliyun', 443],
    [
      'alibaba-log-controller',
      'registry-cn-hangzhou.ack.aliyuncs.com/acs/log-controller:0.5.2.0-aliyun',
      8080,
    ],
  ],
  'istio-system': [
    ['istiod', 'docker.io/istio/pilot:1.22.3', 15010],
    ['istio-ingressgateway', 'docker.io/istio/proxyv2:1.22.3', 8443],
  ],
  monitoring: [
    ['prometheus-server', 'quay.io/prometheus/prometheus:v2.51.2', 9090],
    ['grafana', 'docker.io/grafana/grafana:10.4.2', 3000],
    ['alertmanager', 'quay.io/prometheus/alertmanager:v0.27.0', 9093],
  ],
  argocd: [
    ['argocd-server', 'quay.io/argoproj/argocd:v2.11.3', 8080],
    ['argocd-application-controller', 'quay.io/argoproj/argocd:v2.11.3', 8082],
  ],
  'cert-manager': [['cert-manager', 'quay.io/jetstack/cert-manager-controller:v1.14.5', 9402]],
  payments: [
    ['payment-api', 'registry.cn-hangzhou.aliyuncs.com/acme/payment-api:v2.14.3', 8080],
    ['payment-worker', 'registry.cn-hangzhou.aliyuncs.com/acme/payment-worker:v2.14.3', 8080],
    ['ledger', 'registry.cn-hangzhou.aliyuncs.com/acme/ledger:v1.9.0', 8080],
  ],
  orders: [
    ['order-api', 'registry.cn-hangzhou.aliyuncs.com/acme/order-api:v3.2.1', 8080],
    ['order-worker', 'registry.cn-hangzhou.aliyuncs.com/acme/order-worker:v3.2.1', 8080],
    ['cart', 'registry.cn-hangzhou.aliyuncs.com/acme/cart:v1.4.7', 8080],
  ],
  frontend: [
    ['storefront', 'registry.cn-hangzhou.aliyuncs.com/acme/storefront:v5.0.2', 3000],
    ['image-resizer', 'registry.cn-hangzhou.aliyuncs.com/acme/image-resizer:v0.8.4', 8080],
  ],
  data: [
    ['redis-cache', 'docker.io/library/redis:7.2.4', 6379],
    ['mysql-proxy', 'docker.io/proxysql/proxysql:2.6.2', 6033],
    ['kafka-connect', 'docker.io/confluentinc/cp-kafka-connect:7.6.1', 8083],
  ],
};

/** Namespaces people work in (RoleBindings of sub-accounts point here). */
export const TEAM_NAMESPACES = ['payments', 'orders', 'frontend', 'data', 'default'];

const ISTIO_KINDS: [string, string][] = [
  ['VirtualService', 'virtualservices'],
  ['Gateway', 'gateways'],
  ['DestinationRule', 'destinationrules'],
  ['EnvoyFilter', 'envoyfilters'],
  ['Sidecar', 'sidecars'],
  ['ServiceEntry', 'serviceentries'],
];

function principal(
  username: string,
  groups: readonly string[],
  sourceIPs: readonly string[],
  userAgents: readonly string[],
  uid?: string,
  extra?: Record<string, string[]>,
): Principal {
  const user: Record<string, unknown> = { username };
  if (uid) user.uid = uid;
  user.groups = groups;
  if (extra) {
    // Go encodes map keys sorted.
    user.extra = Object.fromEntries(
      Object.keys(extra)
        .sort()
        .map((k) => [k, extra[k]]),
    );
  }
  return {
    username,
    groups,
    json: goJson(user),
    sourceIPs: sourceIPs.map((ip) => goJson(ip.split(','))),
    userAgents: userAgents.map((ua) => goString(ua).slice(1, -1)),
  };
}

function serviceAccountGroups(ns: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
}

function newPod(rng: Random, w: Workload, cluster: Cluster, podNet: number): Pod {
  const node = rng.pick(cluster.nodes);
  return {
    name: `${w.name}-${w.hash}-${rng.suffix(5)}`,
    uid: rng.uuid(),
    node,
    ip: `172.${podNet}.${rng.int(0, 255)}.${rng.int(2, 254)}`,
  };
}

/** Replaces one pod of the workload (a pod was deleted, the ReplicaSet made a new one). */
export function replacePod(rng: Random, cluster: Cluster, w: Workload, index: number): Pod {
  const pod = newPod(rng, w, cluster, 16 + (cluster.index % 16));
  w.pods[index] = pod;
  return pod;
}

export function buildCluster(rng: Random, index: number, startSeconds: number): Cluster {
  const [version, commit] = K8S_RELEASES[(index - 1) % K8S_RELEASES.length];
  const region = REGIONS[(index - 1) % REGIONS.length];
  const net = `10.${index}`;
  const podNet = 16 + (index % 16);
  const ua = (component: string) => `${component}/${version} (linux/amd64) kubernetes/${commit}`;
  const masters = [10, 11, 12].map((h) => ({ name: `${region}.${net}.0.${h}`, ip: `${net}.0.${h}` }));
  const masterIPs = masters.map((m) => m.ip);

  const nodeCount = rng.int(8, 14);
  const nodes: Node[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const ip = `${net}.${16 + (i % 4)}.${rng.int(2, 250)}`;
    const name = `${region}.${ip}`;
    const username = `system:node:${name}`;
    nodes.push({
      name,
      ip,
      uid: rng.uuid(),
      creationTimestamp:
        new Date((startSeconds - rng.int(30, 400) * 86400) * 1000).toISOString().slice(0, 19) + 'Z',
      principal: principal(username, ['system:nodes', 'system:authenticated'], [ip], [ua('kubelet')]),
    });
  }

  const cluster: Cluster = {
    index,
    id: `cluster-${index}`,
    region,
    version,
    commit,
    masters,
    apiserverLeaseId: `apiserver-${rng.hex(26)}`,
    nodes,
    namespaces: [],
    workloads: [],
    istio: [],
    revision: 80_000_000 + rng.int(0, 9_000_000) * (index + 1),
    principals: {
      controllerManager: principal('system:kube-controller-manager', ['system:authenticated'], masterIPs, [
        ua('kube-controller-manager') + '/leader-election',
      ]),
      scheduler: principal('system:kube-scheduler', ['system:authenticated'], masterIPs, [
        ua('kube-scheduler') + '/leader-election',
        ua('kube-scheduler') + '/scheduler',
      ]),
      apiserver: principal(
        'system:apiserver',
        ['system:authenticated', 'system:masters'],
        ['::1'],
        [ua('kube-apiserver')],
        rng.uuid(),
      ),
      kubeProxy: principal(
        'system:kube-proxy',
        ['system:authenticated'],
        nodes.map((n) => n.ip),
        [ua('kube-proxy')],
      ),
      controllers: {},
      apps: {},
      ciDeployer: principal(
        'system:serviceaccount:ci:gitlab-deployer',
        serviceAccountGroups('ci'),
        [CLOUD_IPS[0], CLOUD_IPS[2], CLOUD_IPS[5]],
        ['helm/v3.14.4 (linux/amd64)', 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819'],
        rng.uuid(),
      ),
    },
  };

  for (const c of [
    'replicaset-controller',
    'deployment-controller',
    'endpointslice-controller',
    'horizontal-pod-autoscaler',
    'generic-garbage-collector',
    'cronjob-controller',
    'job-controller',
    'namespace-controller',
    'node-controller',
  ]) {
    cluster.principals.controllers[c] = principal(
      `system:serviceaccount:kube-system:${c}`,
      serviceAccountGroups('kube-system'),
      masterIPs,
      [ua('kube-controller-manager') + `/system:serviceaccount:kube-system:${c}`],
      rng.uuid(),
    );
  }

  for (const [ns, apps] of Object.entries(NAMESPACE_APPS)) {
    const namespace: Namespace = { name: ns, uid: rng.uuid(), workloads: [] };
    for (const [name, image, port] of apps) {
      const w: Workload = {
        namespace: ns,
        name,
        uid: rng.uuid(),
        image,
        container: name.replace(/-(server|controller)$/, ''),
        port,
        replicas: ns === 'payments' || ns === 'orders' || ns === 'frontend' ? rng.int(2, 6) : rng.int(1, 3),
        hash: rng.suffix(10),
        replicaSetUid: rng.uuid(),
        pods: [],
        configMaps: [`${name}-config`, 'kube-root-ca.crt'],
        secrets: [`${name}-credentials`, `${name}-tls`],
        serviceAccount:
          ns === 'kube-system' || ns === 'istio-system' || ns === 'monitoring' ? name : 'default',
        generation: rng.int(3, 40),
      };
      for (let i = 0; i < w.replicas; i++) w.pods.push(newPod(rng, w, cluster, podNet));
      namespace.workloads.push(w);
      cluster.workloads.push(w);
    }
    cluster.namespaces.push(namespace);
  }
  cluster.namespaces.push({ name: 'ci', uid: rng.uuid(), workloads: [] });

  // In-cluster apps use bound service-account tokens: the apiserver records the pod in user.extra.
  const appAccounts: [string, string, string, string][] = [
    ['monitoring', 'prometheus-server', 'prometheus-server', 'Prometheus/2.51.2'],
    ['istio-system', 'istiod', 'istiod', 'pilot-discovery/1.22.3'],
    [
      'argocd',
      'argocd-application-controller',
      'argocd-application-controller',
      'argocd-application-controller/v2.11.3 (linux/amd64)',
    ],
    [
      'cert-manager',
      'cert-manager',
      'cert-manager',
      'cert-manager-controller/v1.14.5 (linux/amd64) cert-manager/9d0d6f2',
    ],
    ['kube-system', 'coredns', 'coredns', 'coredns/v1.11.3 (linux/amd64) kubernetes/-dirty'],
    [
      'kube-system',
      'alibaba-log-controller',
      'alibaba-log-controller',
      'alibaba-log-controller/v0.0.0 (linux/amd64) kubernetes/$Format',
    ],
    [
      'kube-system',
      'metrics-server',
      'metrics-server',
      'metrics-server/v0.7.1 (linux/amd64) kubernetes/$Format',
    ],
  ];
  for (const [ns, sa, app, agent] of appAccounts) {
    const w = cluster.workloads.find((x) => x.namespace === ns && x.name === app);
    const pod = w ? w.pods[0] : newPod(rng, cluster.workloads[0], cluster, podNet);
    cluster.principals.apps[sa] = principal(
      `system:serviceaccount:${ns}:${sa}`,
      serviceAccountGroups(ns),
      [pod.ip],
      [agent],
      rng.uuid(),
      {
        'authentication.kubernetes.io/credential-id': [`JTI=${rng.uuid()}`],
        'authentication.kubernetes.io/node-name': [pod.node.name],
        'authentication.kubernetes.io/node-uid': [pod.node.uid],
        'authentication.kubernetes.io/pod-name': [pod.name],
        'authentication.kubernetes.io/pod-uid': [pod.uid],
      },
    );
  }

  const hosts = ['api', 'www', 'shop', 'pay', 'static', 'admin'];
  for (const ns of ['payments', 'orders', 'frontend', 'istio-system', 'data']) {
    for (const [kind, resource] of ISTIO_KINDS) {
      const count = kind === 'VirtualService' || kind === 'DestinationRule' ? 3 : 1;
      for (let i = 0; i < count; i++) {
        const base = ns === 'istio-system' ? rng.pick(hosts) + '-gateway' : `${ns}-${rng.pick(hosts)}`;
        cluster.istio.push({ kind, resource, namespace: ns, name: `${base}-${i}` });
      }
    }
  }
  return cluster;
}

/** The people: shared by every cluster (one company, one set of accounts). */
export function buildPeople(rng: Random): Person[] {
  const people: Person[] = [];
  const agentsFor = () => [rng.pick(KUBECTL_AGENTS), rng.pick(KUBECTL_AGENTS)];
  people.push({
    kind: 'admin',
    principal: principal(
      'kubernetes-admin',
      ['system:masters', 'system:authenticated'],
      [OFFICE_IPS[0], OFFICE_IPS[1], '10.200.1.23', '192.168.3.41', `${OFFICE_IPS[3]},10.200.0.8`],
      agentsFor(),
    ),
    reason: () =>
      'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
  });
  const roles = ['cs:admin', 'cs:ops', 'cs:dev', 'cs:restricted'];
  for (let i = 0; i < 8; i++) {
    let id = '28';
    for (let d = 0; d < 15; d++) id += String(rng.int(0, 9));
    const role = roles[i % roles.length];
    const ips =
      i % 3 === 0
        ? [rng.pick(OFFICE_IPS), '10.200.2.' + rng.int(2, 250)]
        : i % 3 === 1
          ? ['10.200.3.' + rng.int(2, 250)]
          : [rng.pick(OFFICE_IPS.slice(4)), rng.pick(OFFICE_IPS.slice(0, 4))];
    const namespaces =
      role === 'cs:admin' ? undefined : [TEAM_NAMESPACES[i % 4], TEAM_NAMESPACES[(i + 1) % 5]];
    const accountId = id;
    people.push({
      kind: 'subaccount',
      accountId,
      namespaces,
      principal: principal(accountId, ['system:authenticated'], ips, agentsFor()),
      reason: (ns) =>
        namespaces && ns
          ? `RBAC: allowed by RoleBinding "${accountId}-${ns}-rolebinding/${ns}" of ClusterRole "${role}" to User "${accountId}"`
          : `RBAC: allowed by ClusterRoleBinding "${accountId}-clusterrolebinding" of ClusterRole "${role}" to User "${accountId}"`,
    });
  }
  const oidc: [string, string][] = [
    ['alice', 'sre'],
    ['bob', 'payments-dev'],
    ['carol', 'orders-dev'],
    ['dave', 'sre'],
    ['erin', 'data-eng'],
  ];
  for (const [name, team] of oidc) {
    const ns =
      team === 'sre'
        ? undefined
        : [team === 'payments-dev' ? 'payments' : team === 'orders-dev' ? 'orders' : 'data'];
    people.push({
      kind: 'oidc',
      namespaces: ns,
      principal: principal(
        `oidc:${name}@acme.io`,
        [`oidc:${team}`, 'system:authenticated'],
        [rng.pick(OFFICE_IPS), '10.200.4.' + rng.int(2, 250)],
        agentsFor(),
      ),
      reason: (n) =>
        ns && n
          ? `RBAC: allowed by RoleBinding "${team}-edit/${n}" of ClusterRole "edit" to Group "oidc:${team}"`
          : `RBAC: allowed by ClusterRoleBinding "${team}-admin" of ClusterRole "cluster-admin" to Group "oidc:${team}"`,
    });
  }
  return people;
}

/** User agents of scanners and scripts that probe exposed API servers. */
export const ATTACKER_AGENTS = [
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 zgrab/0.x',
  'curl/7.88.1',
  'kubectl/v1.27.3 (linux/amd64) kubernetes/25b4e43',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'kube-hunter/0.6.8',
];
