// The kinds of requests a cluster sees, and how each becomes audit events.
//
// Every request goes through `Emitter.request`, which asks the default policy (policy.ts) for the
// level, drops requests the policy does not log, attaches bodies only at Request/RequestResponse,
// and writes one event per stage: ResponseComplete for ordinary requests, ResponseStarted +
// ResponseComplete (same auditID and requestReceivedTimestamp) for long-running ones (watch, exec,
// attach, portforward, log), and a lone ResponseStarted for failed authentication (401), as
// kube-apiserver does (../shared/spec/k8s-audit.md §2.1). RequestReceived is omitted by the policy.

import {
  bindingObject,
  bindingRequest,
  clusterRoleObject,
  deploymentApplyPatch,
  deploymentObject,
  nodeObject,
  nodeStatusPatch,
  podCreateRequest,
  podObject,
  POD_STATUS_PATCH,
  quoted,
  STATUS_SUCCESS_201,
  Template,
} from './bodies.js';
import { encodeQuery, goDuration, goStringBody, rfc3339Seconds } from './encode.js';
import { ascii, LineWriter, writeUuid } from './output.js';
import { defaultPolicyLevel } from './policy.js';
import { Random, WeightedTable } from './random.js';
import type { Category } from './timeline.js';
import {
  ATTACKER_AGENTS,
  ATTACKER_IPS,
  CLOUD_IPS,
  replacePod,
  TEAM_NAMESPACES,
  type Cluster,
  type Person,
  type Pod,
  type Principal,
  type Workload,
} from './world.js';

/** What a request touches, for the objectRef and the policy. */
export interface Target {
  resource: string;
  apiGroup?: string;
  apiVersion: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface Request {
  /** `user` JSON; `{}` for an unauthenticated request. */
  user: string;
  username?: string;
  groups?: readonly string[];
  impersonatedUser?: string;
  sourceIPs: string;
  userAgent: string;
  verb: string;
  /** JSON-escaped requestURI. */
  uri: string;
  target?: Target;
  /** Stage time of the (first) event in µs; requestReceivedTimestamp = stage - latency. */
  latencyUs: number;
  /** Long-running: the ResponseComplete comes this many µs after ResponseStarted. */
  sessionUs?: number;
  code: number;
  /** Full responseStatus JSON when not a plain success. */
  status?: string;
  annotations: string;
  requestObject?: () => string;
  responseObject?: () => string;
}

interface ClusterIndex {
  byNamespace: Map<string, Workload[]>;
  /** Workloads with more than one replica (HPA targets). */
  scalable: Workload[];
  /** Workloads in the teams' namespaces. */
  team: Workload[];
}

/**
 * Values keyed by three parts (objects, or names the world already holds): nested Maps, so no key
 * string is built and hashed per event.
 */
class Memo<V> {
  private readonly root = new Map<unknown, Map<unknown, Map<unknown, V>>>();

  get(a: unknown, b: unknown, c: unknown): V | undefined {
    return this.root.get(a)?.get(b)?.get(c);
  }

  set(a: unknown, b: unknown, c: unknown, value: V): void {
    let byA = this.root.get(a);
    if (!byA) this.root.set(a, (byA = new Map()));
    let byB = byA.get(b);
    if (!byB) byA.set(b, (byB = new Map()));
    byB.set(c, value);
  }
}

const LONG_RUNNING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'log', 'proxy']);

const SUCCESS_STATUS: Record<number, string> = {
  200: '{"metadata":{},"code":200}',
  201: '{"metadata":{},"code":201}',
  101: '{"metadata":{},"code":101}',
};

export function annotations(
  decision: 'allow' | 'forbid',
  reason: string,
  extra?: [string, string][],
): string {
  let s =
    '{"authorization.k8s.io/decision":"' +
    decision +
    '","authorization.k8s.io/reason":"' +
    goStringBody(reason) +
    '"';
  if (extra) for (const [k, v] of extra) s += ',"' + k + '":"' + goStringBody(v) + '"';
  return s + '}';
}

/**
 * The parts of a request's events that stay the same for every repetition (see Emitter.shape):
 * everything but the auditID, the two times, and optionally the end of the URI and the bodies.
 */
export interface Shape {
  head: Uint8Array;
  /** `","requestURI":"` and the URI, up to where a per-event ending goes (see emitShape). */
  uri: Text;
  /** From the end of the URI through responseStatus. */
  rest: Text;
  tail: Text;
  events: 1 | 2;
  firstStage: Uint8Array;
  /** Whether the level and the outcome record requestObject / responseObject. */
  requestObject: boolean;
  responseObject: boolean;
}

/** A Shape with its URI and bodies fixed: the whole middle of the line is one piece. */
export interface Prepared {
  head: Uint8Array;
  middle: Uint8Array;
  tail: Uint8Array;
  events: 1 | 2;
  firstStage: Uint8Array;
}

/** Text of a line: bytes when encoded once for many events, else the string made for this one. */
type Text = Uint8Array | string;

const HEADS: Record<string, Uint8Array> = Object.fromEntries(
  ['Metadata', 'Request', 'RequestResponse'].map((level) => [
    level,
    ascii('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"' + level + '","auditID":"'),
  ]),
);
const STARTED = ascii('","stage":"ResponseStarted');
const COMPLETE = ascii('","stage":"ResponseComplete');
const RECEIVED_TIMESTAMP = ascii(',"requestReceivedTimestamp":"');
const STAGE_TIMESTAMP = ascii('","stageTimestamp":"');
const NEWLINE = 10;
const EMPTY = new Uint8Array(0);

const FORBID = annotations('forbid', '');
const REPLICASET_CREATE_ANNOTATIONS = annotations(
  'allow',
  'RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller" of ClusterRole "system:controller:replicaset-controller" to ServiceAccount "replicaset-controller/kube-system"',
  [['pod-security.kubernetes.io/enforce-policy', 'privileged:latest']],
);

/** Builds and routes events; one per generator run, shared by all scenarios. */
export class Emitter {
  /** Events written or scheduled so far. */
  produced = 0;
  /** Current request's stage time (µs) and the window end (µs, exclusive). */
  now = 0;
  startUs = 0;
  endUs = 0;
  cluster!: Cluster;

  /** The auditID of the request being written (both of its events carry it). */
  private readonly auditId = new Uint8Array(36);
  /** Where lines for later (deferred) are written before they are queued as strings. */
  private readonly later = new LineWriter(1 << 16);

  constructor(
    readonly rng: Random,
    /** The output of a cluster (by index). */
    private readonly out: (cluster: number) => LineWriter,
    private readonly defer: (timeUs: number, cluster: number, line: string) => void,
    /** How many more events this run may produce. */
    public limit: number,
  ) {}

  get remaining(): number {
    return this.limit - this.produced;
  }

  /** Emits the events of one request at `at` µs (default: now). Returns how many it produced. */
  request(r: Request, at = this.now): number {
    const s = this.shape(r);
    if (!s) return 0;
    return this.emitShape(s, '', this.bodies(s, r), r.latencyUs, at, r.sessionUs);
  }

  /** The requestObject / responseObject text of a request as its shape records them. */
  bodies(s: Shape, r: Request): string {
    let b = '';
    if (s.requestObject && r.requestObject) b += ',"requestObject":' + r.requestObject();
    if (s.responseObject && r.responseObject) b += ',"responseObject":' + r.responseObject();
    return b;
  }

  /**
   * Everything about a request's events that does not change between repetitions: the level and
   * the text from requestURI to the bodies, encoded as bytes once. Scenarios that repeat the same
   * request (heartbeats, leader election) keep the result and call `emit` directly; each event is
   * then an auditID, two timestamps and a few byte copies.
   */
  prepare(r: Request): Prepared | null {
    const s = this.shape(r);
    if (!s) return null;
    const middle = text(s.uri) + text(s.rest) + this.bodies(s, r);
    return {
      head: s.head,
      middle: ascii(middle),
      tail: typeof s.tail === 'string' ? ascii(s.tail) : s.tail,
      events: s.events,
      firstStage: s.firstStage,
    };
  }

  /**
   * Like prepare, but the end of the URI and the bodies are left to `emitShape`: for requests that
   * repeat except for a query value (watches' resourceVersion) or their bodies. `r.uri` is the
   * fixed start of the URI; the policy sees only its path, so the query may be split anywhere.
   */
  shape(r: Request): Shape | null {
    const t = r.target;
    const q = r.uri.indexOf('?');
    const level = defaultPolicyLevel({
      username: r.username,
      groups: r.groups,
      verb: r.verb,
      resource: t?.resource,
      subresource: t?.subresource,
      apiGroup: t?.apiGroup,
      namespace: t?.namespace,
      path: q < 0 ? r.uri : r.uri.slice(0, q),
    });
    if (level === 'None') return null;
    // kube-apiserver's long-running check: watch, proxy, and the exec/attach/portforward/log/proxy
    // subresources. They get ResponseStarted when headers go out, even for a 403.
    const longRunning =
      r.verb === 'watch' ||
      r.verb === 'proxy' ||
      (t?.subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(t.subresource));
    const unauthenticated = r.code === 401;
    let rest =
      '","verb":"' +
      r.verb +
      '","user":' +
      r.user +
      (r.impersonatedUser ? ',"impersonatedUser":' + r.impersonatedUser : '') +
      ',"sourceIPs":' +
      r.sourceIPs +
      ',"userAgent":"' +
      r.userAgent +
      '"';
    if (t) rest += ',"objectRef":' + objectRef(t);
    rest +=
      ',"responseStatus":' + (r.status ?? SUCCESS_STATUS[r.code] ?? '{"metadata":{},"code":' + r.code + '}');
    const bodiesAllowed = t !== undefined && r.code < 400;
    return {
      head: HEADS[level],
      uri: '","requestURI":"' + r.uri,
      rest,
      tail: '","annotations":' + r.annotations + '}',
      events: longRunning && !unauthenticated ? 2 : 1,
      firstStage: unauthenticated || longRunning ? STARTED : COMPLETE,
      requestObject: bodiesAllowed && (level === 'Request' || level === 'RequestResponse'),
      responseObject: bodiesAllowed && level === 'RequestResponse' && r.verb !== 'watch',
    };
  }

  /** Encodes a shape's fixed text once, for a shape that will be emitted many times. */
  keepShape(s: Shape | null): Shape | null {
    if (s) {
      s.uri = ascii(text(s.uri));
      s.rest = ascii(text(s.rest));
      s.tail = ascii(text(s.tail));
    }
    return s;
  }

  /**
   * Writes the events of a shape: `uriEnd` completes its URI, `bodies` is the requestObject /
   * responseObject text (`,"requestObject":…`; empty when the shape records none).
   */
  emitShape(
    s: Shape,
    uriEnd: string,
    bodies: string,
    latencyUs: number,
    at = this.now,
    sessionUs?: number,
  ): number {
    return this.emitLines(
      s.head,
      s.firstStage,
      s.events,
      s.uri,
      uriEnd,
      s.rest,
      bodies,
      s.tail,
      latencyUs,
      at,
      sessionUs,
    );
  }

  /** Writes the events of a prepared request: new auditID, times from `at` and the latency. */
  emit(p: Prepared, latencyUs: number, at = this.now, sessionUs?: number): number {
    return this.emitLines(
      p.head,
      p.firstStage,
      p.events,
      p.middle,
      '',
      EMPTY,
      '',
      p.tail,
      latencyUs,
      at,
      sessionUs,
    );
  }

  /**
   * The events of one request: a new auditID, ResponseStarted or ResponseComplete at `at`, and
   * for long-running requests the ResponseComplete when the session ends. The middle of each line
   * is `uri`, `uriEnd`, `rest` and `bodies`, in that order.
   */
  private emitLines(
    head: Uint8Array,
    firstStage: Uint8Array,
    events: 1 | 2,
    uri: Text,
    uriEnd: string,
    rest: Text,
    bodies: string,
    tail: Text,
    latencyUs: number,
    at: number,
    sessionUs: number | undefined,
  ): number {
    if (events > this.remaining) return 0;
    if (at >= this.endUs) at = this.endUs - 1;
    const received = at - Math.min(latencyUs, at - this.startUs);
    writeUuid(this.rng, this.auditId);
    const cluster = this.cluster.index;
    this.line(at, cluster, head, firstStage, uri, uriEnd, rest, bodies, received, at, tail);
    if (events === 2) {
      // The session ends later, but never past the end of the window.
      const done = Math.min(at + (sessionUs ?? this.rng.int(200, 5000)), this.endUs - 1);
      this.line(done, cluster, head, COMPLETE, uri, uriEnd, rest, bodies, received, Math.max(done, at), tail);
    }
    this.produced += events;
    return events;
  }

  /** Writes one line: to its cluster's output if its time has come, else queued for later. */
  private line(
    at: number,
    cluster: number,
    head: Uint8Array,
    stage: Uint8Array,
    uri: Text,
    uriEnd: string,
    rest: Text,
    bodies: string,
    receivedUs: number,
    stageUs: number,
    tail: Text,
  ): void {
    const now = at <= this.now;
    const w = now ? this.out(cluster) : this.later;
    w.bytes(head);
    w.bytes(this.auditId);
    w.bytes(stage);
    w.piece(uri);
    w.text(uriEnd);
    w.piece(rest);
    w.text(bodies);
    w.bytes(RECEIVED_TIMESTAMP);
    w.microTime(receivedUs);
    w.bytes(STAGE_TIMESTAMP);
    w.microTime(stageUs);
    w.piece(tail);
    w.byte(NEWLINE);
    if (!now) this.defer(at, cluster, w.take());
  }
}

/** The string form of a piece of text. */
function text(t: Text): string {
  return typeof t === 'string' ? t : Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('latin1');
}

/** A Request with every field present, in one order (one object shape for the whole run). */
export function requestOf(f: Request): Request {
  return {
    user: f.user,
    username: f.username,
    groups: f.groups,
    impersonatedUser: f.impersonatedUser,
    sourceIPs: f.sourceIPs,
    userAgent: f.userAgent,
    verb: f.verb,
    uri: f.uri,
    target: f.target,
    latencyUs: f.latencyUs,
    sessionUs: f.sessionUs,
    code: f.code,
    status: f.status,
    annotations: f.annotations,
    requestObject: f.requestObject,
    responseObject: f.responseObject,
  };
}

export function objectRef(t: Target): string {
  let s = '{"resource":"' + t.resource + '"';
  if (t.namespace) s += ',"namespace":"' + t.namespace + '"';
  if (t.name) s += ',"name":"' + t.name + '"';
  if (t.uid) s += ',"uid":"' + t.uid + '"';
  if (t.apiGroup) s += ',"apiGroup":"' + t.apiGroup + '"';
  s += ',"apiVersion":"' + t.apiVersion + '"';
  if (t.resourceVersion) s += ',"resourceVersion":"' + t.resourceVersion + '"';
  if (t.subresource) s += ',"subresource":"' + t.subresource + '"';
  return s + '}';
}

/** `/api/v1/...` or `/apis/<group>/<version>/...` for a target (namespace, name, subresource). */
export function resourcePath(t: Target): string {
  let p = t.apiGroup ? `/apis/${t.apiGroup}/${t.apiVersion}` : '/api/v1';
  if (t.namespace && t.resource !== 'namespaces') p += `/namespaces/${t.namespace}`;
  p += `/${t.resource}`;
  if (t.name) p += `/${t.name}`;
  if (t.subresource) p += `/${t.subresource}`;
  return p;
}

function forbidden(username: string, verb: string, t: Target): string {
  const what = t.subresource ? `${t.resource}/${t.subresource}` : t.resource;
  const scope = t.namespace ? ` in the namespace "${t.namespace}"` : ' at the cluster scope';
  const subject = t.name ? `${what} "${t.name}" is forbidden` : `${what} is forbidden`;
  const message = `${subject}: User "${username}" cannot ${verb} resource "${what}" in API group "${t.apiGroup ?? ''}"${scope}`;
  const details: Record<string, string> = {};
  if (t.name) details.name = t.name;
  if (t.apiGroup) details.group = t.apiGroup;
  details.kind = t.resource;
  return (
    '{"metadata":{},"status":"Failure","message":"' +
    goStringBody(message) +
    '","reason":"Forbidden","details":' +
    JSON.stringify(details) +
    ',"code":403}'
  );
}

function notFound(t: Target): string {
  const kind = t.apiGroup ? `${t.resource}.${t.apiGroup}` : t.resource;
  return (
    '{"metadata":{},"status":"Failure","message":"' +
    goStringBody(`${kind} "${t.name}" not found`) +
    '","reason":"NotFound","details":{"name":"' +
    t.name +
    '"' +
    (t.apiGroup ? ',"group":"' + t.apiGroup + '"' : '') +
    ',"kind":"' +
    t.resource +
    '"},"code":404}'
  );
}

const WATCH_MIN_TIMEOUT = 300;
const WATCH_MAX_TIMEOUT = 600;
/** The end of a watch's query for each timeout, after its resourceVersion. */
const WATCH_QUERY_ENDS = Array.from({ length: WATCH_MAX_TIMEOUT - WATCH_MIN_TIMEOUT + 1 }, (_, i) => {
  const timeout = WATCH_MIN_TIMEOUT + i;
  return `\\u0026timeout=${goDuration(timeout)}\\u0026timeoutSeconds=${timeout}\\u0026watch=true`;
});

/** A watch's URI up to its resourceVersion's value (selector: `fieldSelector`/`labelSelector` and value). */
function watchUri(path: string, selector?: [string, string]): string {
  return (
    path +
    '?allowWatchBookmarks=true' +
    (selector ? '\\u0026' + encodeQuery([selector]) : '') +
    '\\u0026resourceVersion='
  );
}

// ---------------------------------------------------------------------------------------------
// Scenario context helpers

export class Traffic {
  private readonly reasonCache = new Map<string, string>();
  private readonly bindingTemplates = new Map<string, Template>();
  private readonly subaccounts: Person[];
  private readonly oidcUsers: Person[];
  /** People limited to some namespaces (they are the ones who hit 403s). */
  private readonly limitedPeople: Person[];
  private readonly clusterIndex = new WeakMap<Cluster, ClusterIndex>();
  /** Prepared requests of the repeating scenarios (null: the policy drops the request). */
  private readonly prepared = new Memo<Prepared | null>();
  /** Shapes of watches, which repeat except for the end of their query. */
  private readonly watchShapes = new Memo<(Shape | null | undefined)[]>();
  /** Shapes of requests that repeat except for their bodies (null: the policy drops the request). */
  private readonly shapes = new Memo<Shape | null>();
  /** A pod's status patch: its shape and the pod's fields as JSON strings. */
  private readonly podStatusShapes = new WeakMap<
    Pod,
    { shape: Shape | null; name: string; uid: string; node: string; ip: string }
  >();
  readonly scenarios: Record<Category, WeightedTable<(c: Cluster) => void>>;

  constructor(
    private readonly e: Emitter,
    private readonly people: Person[],
  ) {
    this.subaccounts = people.filter((p) => p.kind === 'subaccount');
    this.oidcUsers = people.filter((p) => p.kind === 'oidc');
    this.limitedPeople = people.filter((p) => p.namespaces);
    const S = (items: [number, (c: Cluster) => void][]) =>
      new WeightedTable(
        items.map((i) => i[1]),
        items.map((i) => i[0]),
      );
    this.scenarios = {
      system: S([
        [30, (c) => this.nodeLease(c)],
        [14, (c) => this.leaderLease(c)],
        [3, (c) => this.apiserverLease(c)],
        [3.2, (c) => this.nodeStatus(c)],
        [2, (c) => this.kubeProxyWatch(c)],
        [3, (c) => this.kubeletWatch(c)],
        [2, (c) => this.controllerWatch(c)],
      ]),
      workload: S([
        [6, (c) => this.kubeletGetSecretOrConfig(c)],
        [5, (c) => this.endpointSlices(c)],
        [4, (c) => this.podStatus(c)],
        [3, (c) => this.hpaScale(c)],
        [2, (c) => this.podChurn(c)],
        [0.6, (c) => this.cronJob(c)],
      ]),
      apps: S([
        [3, (c) => this.prometheusList(c)],
        [3, (c) => this.istiodWatch(c)],
        [2, (c) => this.argoSync(c)],
        [1.5, (c) => this.certManager(c)],
        [1.2, (c) => this.logController(c)],
        [1.5, (c) => this.corednsWatch(c)],
        [1, (c) => this.ciDeploy(c)],
      ]),
      people: S([
        [30, (c) => this.personRead(c)],
        [6, (c) => this.personSecrets(c)],
        [5, (c) => this.personExec(c)],
        [3, (c) => this.personLogs(c)],
        [5, (c) => this.personApply(c)],
        [2.5, (c) => this.personScaleOrRestart(c)],
        [3, (c) => this.personConfig(c)],
        [3, (c) => this.personDelete(c)],
        [1.5, (c) => this.personRbac(c)],
        [1, (c) => this.personCrd(c)],
        [5, (c) => this.personIstio(c)],
        [2.5, (c) => this.personForbidden(c)],
        [0.6, (c) => this.personImpersonate(c)],
        [0.6, (c) => this.personCanI(c)],
        [4, (c) => this.officePublicRead(c)],
      ]),
      attack: S([[1, (c) => this.attackBurst(c)]]),
      anonymous: S([[1, (c) => this.anonymousProbe(c)]]),
    };
  }

  private index(c: Cluster): ClusterIndex {
    let x = this.clusterIndex.get(c);
    if (!x) {
      const byNamespace = new Map<string, Workload[]>();
      for (const w of c.workloads) {
        const list = byNamespace.get(w.namespace) ?? [];
        list.push(w);
        byNamespace.set(w.namespace, list);
      }
      x = {
        byNamespace,
        scalable: c.workloads.filter((w) => w.replicas > 1),
        team: c.workloads.filter((w) => TEAM_NAMESPACES.includes(w.namespace)),
      };
      this.clusterIndex.set(c, x);
    }
    return x;
  }

  /**
   * A repeated request: prepared once per key (a, b, c: the objects and names that make it what
   * it is), then emitted with a fresh auditID and times.
   */
  private repeat(a: unknown, b: unknown, c: unknown, latencyUs: number, build: () => Request): void {
    let p = this.prepared.get(a, b, c);
    if (p === undefined) {
      p = this.e.prepare(build());
      this.prepared.set(a, b, c, p);
    }
    if (p) this.e.emit(p, latencyUs);
  }

  private get rng(): Random {
    return this.e.rng;
  }

  private rv(c: Cluster): string {
    c.revision += 1 + (this.rng.u32() & 7);
    return String(c.revision);
  }

  private ip(p: Principal): string {
    return p.sourceIPs.length === 1 ? p.sourceIPs[0] : this.rng.pick(p.sourceIPs);
  }

  private ua(p: Principal): string {
    return p.userAgents.length === 1 ? p.userAgents[0] : this.rng.pick(p.userAgents);
  }

  private allow(reason: string): string {
    let a = this.reasonCache.get(reason);
    if (!a) {
      a = annotations('allow', reason);
      this.reasonCache.set(reason, a);
    }
    return a;
  }

  /**
   * The common fields of a request. Every optional field is present (undefined) so that all
   * requests share one object shape and property reads in Emitter.prepare stay monomorphic.
   */
  private base(
    p: Principal,
    verb: string,
    uri: string,
    target: Target | undefined,
    latencyUs: number,
  ): Request {
    return this.baseFrom(p, this.ip(p), this.ua(p), verb, uri, target, latencyUs);
  }

  /** `base` with the source IP and user agent already chosen. */
  private baseFrom(
    p: Principal,
    sourceIPs: string,
    userAgent: string,
    verb: string,
    uri: string,
    target: Target | undefined,
    latencyUs: number,
  ): Request {
    return {
      user: p.json,
      username: p.username,
      groups: p.groups,
      impersonatedUser: undefined,
      sourceIPs,
      userAgent,
      verb,
      uri,
      target,
      latencyUs,
      sessionUs: undefined,
      code: 200,
      status: undefined,
      annotations: '{}',
      requestObject: undefined,
      responseObject: undefined,
    };
  }

  private nowIsoSecond = -1;
  private nowIsoText = '';

  /** The current time as a quoted metav1.Time (seconds), cached for the current second. */
  private nowIso(): string {
    const sec = Math.floor(this.e.now / 1e6);
    if (sec !== this.nowIsoSecond) {
      this.nowIsoSecond = sec;
      this.nowIsoText = '"' + rfc3339Seconds(sec) + '"';
    }
    return this.nowIsoText;
  }

  /**
   * A watch as client-go sends it. The query's keys are sorted: allowWatchBookmarks, the selector,
   * resourceVersion, timeout, timeoutSeconds, watch. Everything up to `resourceVersion=` is the
   * watch's shape, built once per (a, b, source IP, user agent) by `build` from `uri` (see
   * watchUri); the resourceVersion and the timeout change with every watch.
   */
  private watch(p: Principal, a: unknown, b: unknown, build: (ip: string, ua: string) => Request): void {
    const timeout = this.rng.int(WATCH_MIN_TIMEOUT, WATCH_MAX_TIMEOUT);
    const behind = this.rng.int(0, 5000);
    const sessionUs = timeout * 1e6 + this.rng.int(0, 999_999);
    const latencyUs = this.rng.int(300, 2000);
    // The same draws as ip() and ua(), as indexes: shapes are kept per (source IP, user agent).
    const ips = p.sourceIPs.length;
    const uas = p.userAgents.length;
    const ipIndex = ips === 1 ? 0 : Math.floor(this.rng.float() * ips);
    const uaIndex = uas === 1 ? 0 : Math.floor(this.rng.float() * uas);
    let shapes = this.watchShapes.get(p, a, b);
    if (!shapes) {
      shapes = new Array<Shape | null | undefined>(ips * uas).fill(undefined);
      this.watchShapes.set(p, a, b, shapes);
    }
    let s = shapes[ipIndex * uas + uaIndex];
    if (s === undefined) {
      s = this.e.keepShape(this.e.shape(build(p.sourceIPs[ipIndex], p.userAgents[uaIndex])));
      shapes[ipIndex * uas + uaIndex] = s;
    }
    if (s) {
      const uriEnd = String(this.e.cluster.revision - behind) + WATCH_QUERY_ENDS[timeout - WATCH_MIN_TIMEOUT];
      this.e.emitShape(s, uriEnd, '', latencyUs, this.e.now, sessionUs);
    }
  }

  // -------------------------------------------------------------------------------------------
  // System noise: heartbeats, leader election, watches (constant day and night)

  private nodeLease(c: Cluster): void {
    const node = this.rng.pick(c.nodes);
    const t: Target = {
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: node.name,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    };
    const reason = `RBAC: allowed by ClusterRoleBinding "system:node" of ClusterRole "system:node" to Group "system:nodes"`;
    this.repeat(node, 'lease', undefined, this.rng.int(1500, 9000), () => ({
      ...this.base(node.principal, 'update', resourcePath(t) + '?timeout=10s', t, 0),
      annotations: this.allow(reason),
    }));
  }

  private leaderLease(c: Cluster): void {
    const scheduler = this.rng.chance(0.45);
    const p = scheduler ? c.principals.scheduler : c.principals.controllerManager;
    const name = scheduler ? 'kube-scheduler' : 'kube-controller-manager';
    const verb = this.rng.chance(0.5) ? 'get' : 'update';
    const t: Target = {
      resource: 'leases',
      namespace: 'kube-system',
      name,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    };
    const role = scheduler ? 'system:kube-scheduler' : 'system:kube-controller-manager';
    // The leader moves between masters now and then; each master is one cached request shape.
    const ip = p.sourceIPs[Math.floor(this.e.now / 3.6e9 / 17) % p.sourceIPs.length];
    this.repeat(p, verb, ip, this.rng.int(600, 6000), () => ({
      ...this.base(p, verb, resourcePath(t) + '?timeout=5s', t, 0),
      sourceIPs: ip,
      userAgent: p.userAgents[0],
      annotations: this.allow(
        `RBAC: allowed by ClusterRoleBinding "${role}" of ClusterRole "${role}" to User "${role}"`,
      ),
    }));
  }

  private apiserverLease(c: Cluster): void {
    const t: Target = {
      resource: 'leases',
      namespace: 'kube-system',
      name: c.apiserverLeaseId,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    };
    this.repeat(c.principals.apiserver, 'lease', undefined, this.rng.int(800, 5000), () => ({
      ...this.base(c.principals.apiserver, 'update', resourcePath(t) + '?timeout=10s', t, 0),
      annotations: this.allow(''),
    }));
  }

  private nodeStatus(c: Cluster): void {
    const node = this.rng.pick(c.nodes);
    const now = this.nowIso();
    const rv = quoted(this.rv(c));
    const latencyUs = this.rng.int(3000, 25000);
    // A node's principal has one source IP and one user agent: building the shape draws nothing.
    let s = this.shapes.get(node, 'status', undefined);
    if (s === undefined) {
      const t: Target = { resource: 'nodes', name: node.name, apiVersion: 'v1', subresource: 'status' };
      s = this.e.keepShape(
        this.e.shape({
          ...this.base(node.principal, 'patch', resourcePath(t) + '?timeout=10s', t, 0),
          annotations: this.allow(''),
        }),
      );
      this.shapes.set(node, 'status', undefined, s);
    }
    if (!s) return;
    let bodies = '';
    if (s.requestObject) bodies += ',"requestObject":' + nodeStatusPatch(node).fill([now]);
    if (s.responseObject) bodies += ',"responseObject":' + nodeObject(c, node).fill([now, rv]);
    this.e.emitShape(s, '', bodies, latencyUs);
  }

  private kubeProxyWatch(c: Cluster): void {
    // kube-proxy's watches of endpoints and services are dropped by the policy (level None);
    // its EndpointSlice watch (discovery.k8s.io, not in the policy's lists) is logged at Metadata.
    const p = c.principals.kubeProxy;
    const endpointSlices = this.rng.chance(0.7);
    const t: Target = endpointSlices
      ? { resource: 'endpointslices', apiGroup: 'discovery.k8s.io', apiVersion: 'v1' }
      : { resource: 'services', apiVersion: 'v1' };
    this.watch(p, t.resource, undefined, (ip, ua) => ({
      ...this.baseFrom(
        p,
        ip,
        ua,
        'watch',
        watchUri(
          resourcePath(t),
          endpointSlices
            ? ['labelSelector', '!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name']
            : undefined,
        ),
        t,
        0,
      ),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:node-proxier" of ClusterRole "system:node-proxier" to User "system:kube-proxy"',
      ),
    }));
  }

  private kubeletWatch(c: Cluster): void {
    const w = this.rng.pick(c.workloads);
    const pod = this.rng.pick(w.pods);
    const secret = this.rng.chance(0.4);
    const name = secret ? w.secrets[1] : this.rng.pick(w.configMaps);
    const t: Target = {
      resource: secret ? 'secrets' : 'configmaps',
      namespace: w.namespace,
      apiVersion: 'v1',
    };
    // A node watches a namespace's object by name (configmap and secret names do not collide).
    this.watch(pod.node.principal, w, name, (ip, ua) => ({
      ...this.baseFrom(
        pod.node.principal,
        ip,
        ua,
        'watch',
        watchUri(resourcePath(t), ['fieldSelector', `metadata.name=${name}`]),
        t,
        0,
      ),
      annotations: this.allow(''),
    }));
  }

  private controllerWatch(c: Cluster): void {
    const p = c.principals.controllerManager;
    const [resource, apiGroup] = this.rng.pick([
      ['pods', ''],
      ['replicasets', 'apps'],
      ['deployments', 'apps'],
      ['jobs', 'batch'],
      ['nodes', ''],
      ['persistentvolumeclaims', ''],
    ] as const);
    const t: Target = { resource, apiGroup: apiGroup || undefined, apiVersion: 'v1' };
    this.watch(p, resource, undefined, (ip, ua) => ({
      ...this.baseFrom(p, ip, ua, 'watch', watchUri(resourcePath(t)), t, 0),
      userAgent: p.userAgents[0].replace('/leader-election', '/shared-informers'),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"',
      ),
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Workload churn (controllers and kubelets, busier when people deploy)

  private kubeletGetSecretOrConfig(c: Cluster): void {
    const w = this.rng.pick(c.workloads);
    const pod = this.rng.pick(w.pods);
    const secret = this.rng.chance(0.5);
    const t: Target = {
      resource: secret ? 'secrets' : 'configmaps',
      namespace: w.namespace,
      name: secret ? this.rng.pick(w.secrets) : this.rng.pick(w.configMaps),
      apiVersion: 'v1',
    };
    this.repeat(pod.node, w, t.name, this.rng.int(400, 4000), () => ({
      ...this.base(pod.node.principal, 'get', resourcePath(t), t, 0),
      annotations: this.allow(''),
    }));
  }

  private endpointSlices(c: Cluster): void {
    const w = this.rng.pick(c.workloads);
    const t: Target = {
      resource: 'endpointslices',
      namespace: w.namespace,
      name: `${w.name}-${w.hash.slice(0, 5)}`,
      apiGroup: 'discovery.k8s.io',
      apiVersion: 'v1',
    };
    const p = c.principals.controllers['endpointslice-controller'];
    const ip = this.rng.pick(p.sourceIPs);
    this.repeat(w, 'endpointslice', ip, this.rng.int(1500, 12000), () => ({
      ...this.base(p, 'update', resourcePath(t), t, 0),
      sourceIPs: ip,
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:controller:endpointslice-controller" of ClusterRole "system:controller:endpointslice-controller" to ServiceAccount "endpointslice-controller/kube-system"',
      ),
    }));
  }

  private podStatus(c: Cluster): void {
    const w = this.rng.pick(c.workloads);
    const pod = this.rng.pick(w.pods);
    const now = this.nowIso();
    const rv = quoted(this.rv(c));
    const created = quoted(rfc3339Seconds(this.e.now / 1e6 - this.rng.int(60, 86400 * 3)));
    const latencyUs = this.rng.int(2000, 20000);
    // Kept while the pod lives (a WeakMap: replaced pods take their text with them). The node's
    // principal has one source IP and one user agent: building the shape draws nothing.
    let k = this.podStatusShapes.get(pod);
    if (!k) {
      const t: Target = {
        resource: 'pods',
        namespace: w.namespace,
        name: pod.name,
        apiVersion: 'v1',
        subresource: 'status',
      };
      k = {
        shape: this.e.keepShape(
          this.e.shape({
            ...this.base(pod.node.principal, 'patch', resourcePath(t), t, 0),
            annotations: this.allow(''),
          }),
        ),
        name: quoted(pod.name),
        uid: quoted(pod.uid),
        node: quoted(pod.node.name),
        ip: quoted(pod.ip),
      };
      this.podStatusShapes.set(pod, k);
    }
    const s = k.shape;
    if (!s) return;
    let bodies = '';
    if (s.requestObject) bodies += ',"requestObject":' + POD_STATUS_PATCH.fill([now, k.ip]);
    if (s.responseObject) {
      bodies +=
        ',"responseObject":' + podObject(w).fill([k.name, k.uid, rv, created, k.node, '"Running"', k.ip]);
    }
    this.e.emitShape(s, '', bodies, latencyUs);
  }

  private hpaScale(c: Cluster): void {
    const scalable = this.index(c).scalable;
    const w = scalable.length ? this.rng.pick(scalable) : c.workloads[0];
    const t: Target = {
      resource: 'deployments',
      namespace: w.namespace,
      name: w.name,
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'scale',
    };
    const p = c.principals.controllers['horizontal-pod-autoscaler'];
    const ip = this.rng.pick(p.sourceIPs);
    this.repeat(w, 'scale', ip, this.rng.int(500, 4000), () => ({
      ...this.base(p, 'get', resourcePath(t), t, 0),
      sourceIPs: ip,
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:controller:horizontal-pod-autoscaler" of ClusterRole "system:controller:horizontal-pod-autoscaler" to ServiceAccount "horizontal-pod-autoscaler/kube-system"',
      ),
    }));
  }

  /** A pod is deleted (garbage collector or eviction) and its ReplicaSet creates, the scheduler binds a new one. */
  private podChurn(c: Cluster): void {
    const w = this.rng.pick(c.workloads);
    const i = this.rng.int(0, w.pods.length - 1);
    const old = w.pods[i];
    const deleter = c.principals.controllers['generic-garbage-collector'];
    const dt: Target = { resource: 'pods', namespace: w.namespace, name: old.name, apiVersion: 'v1' };
    const created = quoted(rfc3339Seconds(this.e.now / 1e6 - this.rng.int(3600, 86400 * 5)));
    const now = this.nowIso();
    const rvDel = quoted(this.rv(c));
    this.e.request({
      ...this.base(deleter, 'delete', resourcePath(dt), dt, this.rng.int(3000, 15000)),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:controller:generic-garbage-collector" of ClusterRole "system:controller:generic-garbage-collector" to ServiceAccount "generic-garbage-collector/kube-system"',
      ),
      requestObject: () => '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}',
      responseObject: () =>
        podObject(w, true).fill([
          quoted(old.name),
          quoted(old.uid),
          rvDel,
          created,
          quoted(old.node.name),
          '"Running"',
          quoted(old.ip),
          now,
        ]),
    });
    const pod = replacePod(this.rng, c, w, i);
    const rs = c.principals.controllers['replicaset-controller'];
    const ct: Target = {
      resource: 'pods',
      namespace: w.namespace,
      name: pod.name,
      uid: pod.uid,
      apiVersion: 'v1',
    };
    const rvNew = quoted(this.rv(c));
    const at = this.e.now + this.rng.int(5000, 80000);
    this.e.request(
      {
        ...this.base(
          rs,
          'create',
          resourcePath({ ...ct, name: undefined, uid: undefined }),
          ct,
          this.rng.int(3000, 20000),
        ),
        code: 201,
        annotations: REPLICASET_CREATE_ANNOTATIONS,
        requestObject: () => podCreateRequest(w).fill([]),
        responseObject: () =>
          podObject(w)
            .fill([quoted(pod.name), quoted(pod.uid), rvNew, now, '""', '"Pending"', '""'])
            .replace(',"nodeName":""', ''),
      },
      at,
    );
    const bt: Target = {
      resource: 'pods',
      namespace: w.namespace,
      name: pod.name,
      apiVersion: 'v1',
      subresource: 'binding',
    };
    let tpl = this.bindingTemplates.get(w.namespace);
    if (!tpl) {
      tpl = bindingRequest(w.namespace);
      this.bindingTemplates.set(w.namespace, tpl);
    }
    const sched = c.principals.scheduler;
    const bindingTpl = tpl;
    this.e.request(
      {
        ...this.base(sched, 'create', resourcePath(bt), bt, this.rng.int(2000, 9000)),
        userAgent: sched.userAgents[1],
        code: 201,
        annotations: this.allow(
          'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"',
        ),
        requestObject: () => bindingTpl.fill([quoted(pod.name), quoted(pod.uid), quoted(pod.node.name)]),
        responseObject: () => STATUS_SUCCESS_201,
      },
      at + this.rng.int(2000, 40000),
    );
  }

  private cronJob(c: Cluster): void {
    const p = c.principals.controllers['cronjob-controller'];
    const ns = this.rng.pick(['data', 'payments', 'orders']);
    const job = `${ns === 'data' ? 'etl-nightly' : ns + '-reconcile'}-${Math.floor(this.e.now / 6e7)}`;
    const t: Target = { resource: 'jobs', namespace: ns, name: job, apiGroup: 'batch', apiVersion: 'v1' };
    const jobUid = this.rng.uuid();
    const body = `{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"${job}","namespace":"${ns}","creationTimestamp":null,"labels":{"batch.kubernetes.io/controller-uid":"${this.rng.uuid()}"}},"spec":{"backoffLimit":2,"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"job","image":"registry.cn-hangzhou.aliyuncs.com/acme/jobs:v1.3.0","args":["--mode=reconcile"],"resources":{}}],"restartPolicy":"OnFailure"}}},"status":{}}`;
    this.e.request({
      ...this.base(p, 'create', resourcePath({ ...t, name: undefined }), t, this.rng.int(3000, 12000)),
      code: 201,
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:controller:cronjob-controller" of ClusterRole "system:controller:cronjob-controller" to ServiceAccount "cronjob-controller/kube-system"',
      ),
      requestObject: () => body,
      responseObject: () =>
        body.replace(
          '"creationTimestamp":null',
          `"uid":"${jobUid}","resourceVersion":"${c.revision}","creationTimestamp":${this.nowIso()}`,
        ),
    });
  }

  // -------------------------------------------------------------------------------------------
  // In-cluster apps with bound service-account tokens (pod claims in user.extra)

  private prometheusList(c: Cluster): void {
    const p = c.principals.apps['prometheus-server'];
    const [resource, apiGroup] = this.rng.pick([
      ['pods', ''],
      ['endpoints', ''],
      ['services', ''],
      ['nodes', ''],
      ['ingresses', 'networking.k8s.io'],
    ] as const);
    const ns = resource === 'nodes' ? undefined : this.rng.pick(c.namespaces).name;
    const t: Target = { resource, apiGroup: apiGroup || undefined, apiVersion: 'v1', namespace: ns };
    this.e.request({
      ...this.base(
        p,
        'list',
        resourcePath(t) + '?limit=500\\u0026resourceVersion=0',
        t,
        this.rng.int(2000, 60000),
      ),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "prometheus-server" of ClusterRole "prometheus-server" to ServiceAccount "prometheus-server/monitoring"',
      ),
    });
  }

  private istiodWatch(c: Cluster): void {
    const p = c.principals.apps['istiod'];
    const obj = this.rng.pick(c.istio);
    const t: Target = { resource: obj.resource, apiGroup: 'networking.istio.io', apiVersion: 'v1' };
    const reason =
      'RBAC: allowed by ClusterRoleBinding "istiod-clusterrole-istio-system" of ClusterRole "istiod-clusterrole-istio-system" to ServiceAccount "istiod/istio-system"';
    if (this.rng.chance(0.6)) {
      this.watch(p, obj.resource, undefined, (ip, ua) => ({
        ...this.baseFrom(p, ip, ua, 'watch', watchUri(resourcePath(t)), t, 0),
        annotations: this.allow(reason),
      }));
    } else {
      const st: Target = { ...t, namespace: obj.namespace, name: obj.name, subresource: 'status' };
      this.e.request({
        ...this.base(p, 'update', resourcePath(st), st, this.rng.int(2000, 12000)),
        annotations: this.allow(reason),
      });
    }
  }

  private argoSync(c: Cluster): void {
    const p = c.principals.apps['argocd-application-controller'];
    const w = this.rng.pick(c.workloads);
    const t: Target = {
      resource: 'deployments',
      namespace: w.namespace,
      name: w.name,
      apiGroup: 'apps',
      apiVersion: 'v1',
    };
    const reason =
      'RBAC: allowed by ClusterRoleBinding "argocd-application-controller" of ClusterRole "argocd-application-controller" to ServiceAccount "argocd-application-controller/argocd"';
    if (this.rng.chance(0.85)) {
      this.e.request({
        ...this.base(p, 'get', resourcePath(t), t, this.rng.int(800, 6000)),
        annotations: this.allow(reason),
      });
      return;
    }
    this.deploymentPatch(c, w, p, this.allow(reason), 'image');
  }

  private certManager(c: Cluster): void {
    const p = c.principals.apps['cert-manager'];
    const ns = this.rng.pick(['payments', 'orders', 'frontend', 'istio-system']);
    const reason =
      'RBAC: allowed by ClusterRoleBinding "cert-manager-controller-certificates" of ClusterRole "cert-manager-controller-certificates" to ServiceAccount "cert-manager/cert-manager"';
    const secret = this.rng.chance(0.4);
    const t: Target = secret
      ? { resource: 'secrets', namespace: ns, name: `${ns}-tls`, apiVersion: 'v1' }
      : {
          resource: 'certificates',
          namespace: ns,
          name: `${ns}-tls`,
          apiGroup: 'cert-manager.io',
          apiVersion: 'v1',
        };
    this.e.request({
      ...this.base(
        p,
        secret ? 'get' : this.rng.pick(['get', 'update']),
        resourcePath(t),
        t,
        this.rng.int(800, 8000),
      ),
      annotations: this.allow(reason),
    });
  }

  private logController(c: Cluster): void {
    const p = c.principals.apps['alibaba-log-controller'];
    const t: Target = {
      resource: 'aliyunlogconfigs',
      namespace: 'kube-system',
      name: this.rng.pick(['k8s-stdout', 'audit-log', 'k8s-event', 'ingress-access-log']),
      apiGroup: 'log.alibabacloud.com',
      apiVersion: 'v1alpha1',
    };
    this.e.request({
      ...this.base(p, this.rng.pick(['get', 'get', 'update']), resourcePath(t), t, this.rng.int(800, 8000)),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "alibaba-log-controller" of ClusterRole "alibaba-log-controller" to ServiceAccount "alibaba-log-controller/kube-system"',
      ),
    });
  }

  private corednsWatch(c: Cluster): void {
    const p = c.principals.apps['coredns'];
    const [resource, apiGroup] = this.rng.pick([
      ['endpointslices', 'discovery.k8s.io'],
      ['services', ''],
      ['namespaces', ''],
    ] as const);
    const t: Target = { resource, apiGroup: apiGroup || undefined, apiVersion: 'v1' };
    this.watch(p, resource, undefined, (ip, ua) => ({
      ...this.baseFrom(p, ip, ua, 'watch', watchUri(resourcePath(t)), t, 0),
      annotations: this.allow(
        'RBAC: allowed by ClusterRoleBinding "system:coredns" of ClusterRole "system:coredns" to ServiceAccount "coredns/kube-system"',
      ),
    }));
  }

  /** A CI pipeline deploys from a public cloud runner with a long-lived token (no pod claims). */
  private ciDeploy(c: Cluster): void {
    const p = c.principals.ciDeployer;
    const w = this.rng.pick(this.index(c).team);
    const reason = `RBAC: allowed by RoleBinding "gitlab-deployer/${w.namespace}" of ClusterRole "edit" to ServiceAccount "gitlab-deployer/ci"`;
    if (this.rng.chance(0.6)) {
      const t: Target = {
        resource: 'deployments',
        namespace: w.namespace,
        name: w.name,
        apiGroup: 'apps',
        apiVersion: 'v1',
      };
      this.e.request({
        ...this.base(p, 'get', resourcePath(t), t, this.rng.int(800, 6000)),
        annotations: this.allow(reason),
      });
      return;
    }
    this.deploymentPatch(c, w, p, this.allow(reason), 'image');
  }

  // -------------------------------------------------------------------------------------------
  // People

  private person(): Person {
    // kubernetes-admin and the sub-accounts do most of the work; OIDC users less.
    const u = this.rng.float();
    if (u < 0.3) return this.people[0];
    if (u < 0.8) return this.rng.pick(this.subaccounts);
    return this.rng.pick(this.oidcUsers);
  }

  /** A workload in a namespace the person may touch. */
  private personWorkload(c: Cluster, who: Person): Workload {
    const ns = who.namespaces ? this.rng.pick(who.namespaces) : undefined;
    const pool = ns ? this.index(c).byNamespace.get(ns) : c.workloads;
    return pool && pool.length ? this.rng.pick(pool) : this.rng.pick(c.workloads);
  }

  /**
   * How a person's request is attributed. Sub-accounts usually appear under their numeric id;
   * some arrive as kubernetes-admin with the RoleBinding naming the sub-account, the case the
   * documents' exec query unwraps (`regexp_extract(reason, ' to User "(\w+)"', 1)`).
   */
  private asUser(who: Person, ns: string | undefined): { principal: Principal; annotations: string } {
    if (who.kind === 'subaccount' && this.rng.chance(0.25)) {
      const admin = this.people[0].principal;
      const reason = `RBAC: allowed by RoleBinding "${who.accountId}-rb/${ns ?? 'default'}" of ClusterRole "cs:admin" to User "${who.accountId}"`;
      return {
        principal: {
          ...admin,
          groups: ['system:authenticated'],
          json: '{"username":"kubernetes-admin","groups":["system:authenticated"]}',
          sourceIPs: who.principal.sourceIPs,
        },
        annotations: this.allow(reason),
      };
    }
    return { principal: who.principal, annotations: this.allow(who.reason(ns)) };
  }

  private personRead(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const choice = this.rng.int(0, 9);
    let t: Target;
    let verb = 'get';
    let query = '';
    if (choice < 3) {
      t = { resource: 'pods', namespace: w.namespace, apiVersion: 'v1' };
      verb = 'list';
      query = '?limit=500';
    } else if (choice < 5) {
      t = { resource: 'pods', namespace: w.namespace, name: this.rng.pick(w.pods).name, apiVersion: 'v1' };
    } else if (choice < 7) {
      t = {
        resource: 'deployments',
        namespace: w.namespace,
        name: w.name,
        apiGroup: 'apps',
        apiVersion: 'v1',
      };
    } else if (choice < 8) {
      t = { resource: 'services', namespace: w.namespace, apiVersion: 'v1' };
      verb = 'list';
      query = '?limit=500';
    } else if (choice < 9) {
      t = { resource: 'nodes', apiVersion: 'v1' };
      verb = 'list';
      query = '?limit=500';
    } else {
      t = { resource: 'namespaces', apiVersion: 'v1' };
      verb = 'list';
      query = '?limit=500';
    }
    this.e.request({
      ...this.base(principal, verb, resourcePath(t) + query, t, this.rng.int(1500, 80000)),
      annotations: ann,
    });
  }

  private personSecrets(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const list = this.rng.chance(0.3);
    const t: Target = list
      ? { resource: 'secrets', namespace: w.namespace, apiVersion: 'v1' }
      : { resource: 'secrets', namespace: w.namespace, name: this.rng.pick(w.secrets), apiVersion: 'v1' };
    this.e.request({
      ...this.base(
        principal,
        list ? 'list' : 'get',
        resourcePath(t) + (list ? '?limit=500' : ''),
        t,
        this.rng.int(1000, 15000),
      ),
      annotations: ann,
    });
  }

  private static readonly EXEC_COMMANDS: string[][] = [
    ['bash'],
    ['sh'],
    ['/bin/sh'],
    ['sh', '-c', 'ls -la /app'],
    ['cat', '/etc/passwd'],
    ['env'],
    ['ps', 'aux'],
    ['curl', '-s', 'http://localhost:8080/healthz'],
    ['mysql', '-h', 'mysql-proxy.data', '-u', 'app', '-p'],
    ['redis-cli', 'info'],
    ['tail', '-n', '200', '/var/log/app.log'],
    ['python3'],
    ['/usr/bin/curl', 'http://169.254.169.254/latest/meta-data/'],
  ];

  private personExec(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const pod = this.rng.pick(w.pods);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const kind = this.rng.float();
    const sub = kind < 0.7 ? 'exec' : kind < 0.85 ? 'attach' : 'portforward';
    const params: [string, string][] = [];
    if (sub === 'exec') {
      const cmd = this.rng.pick(Traffic.EXEC_COMMANDS);
      for (const a of cmd) params.push(['command', a]);
      const interactive = cmd.length === 1;
      params.push(['container', w.container]);
      if (interactive) params.push(['stdin', 'true'], ['stdout', 'true'], ['tty', 'true']);
      else params.push(['stderr', 'true'], ['stdout', 'true']);
    } else if (sub === 'attach') {
      params.push(['container', w.container], ['stdin', 'true'], ['stdout', 'true'], ['tty', 'true']);
    }
    const t: Target = {
      resource: 'pods',
      namespace: w.namespace,
      name: pod.name,
      apiVersion: 'v1',
      subresource: sub,
    };
    // kubectl before 1.30 upgrades with POST (verb create, SPDY); newer kubectl uses WebSockets (GET).
    const verb = this.rng.chance(0.8) ? 'create' : 'get';
    const uri = resourcePath(t) + (params.length ? '?' + encodeQuery(params) : '');
    this.e.request({
      ...this.base(principal, verb, uri, t, this.rng.int(20_000, 120_000)),
      code: 101,
      sessionUs: Math.round(this.rng.logUniform(2e6, 3600e6)),
      annotations: ann,
    });
  }

  private personLogs(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const pod = this.rng.pick(w.pods);
    const t: Target = {
      resource: 'pods',
      namespace: w.namespace,
      name: pod.name,
      apiVersion: 'v1',
      subresource: 'log',
    };
    const follow = this.rng.chance(0.5);
    const params: [string, string][] = [['container', w.container]];
    if (follow) params.push(['follow', 'true']);
    params.push(['tailLines', String(this.rng.pick([20, 100, 200, 500]))]);
    this.e.request({
      ...this.base(
        principal,
        'get',
        resourcePath(t) + '?' + encodeQuery(params),
        t,
        this.rng.int(5000, 50000),
      ),
      sessionUs: follow ? Math.round(this.rng.logUniform(5e6, 1800e6)) : this.rng.int(30_000, 900_000),
      annotations: ann,
    });
  }

  private deploymentPatch(
    c: Cluster,
    w: Workload,
    p: Principal,
    ann: string,
    change: 'image' | 'scale' | 'restart',
  ): void {
    const t: Target = {
      resource: 'deployments',
      namespace: w.namespace,
      name: w.name,
      apiGroup: 'apps',
      apiVersion: 'v1',
    };
    let request: string;
    if (change === 'image') {
      const tag = `v${this.rng.int(1, 6)}.${this.rng.int(0, 30)}.${this.rng.int(0, 12)}`;
      w.image = w.image.replace(/:[^:/]+$/, ':' + tag);
      const applied = quoted(
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { annotations: {}, labels: { app: w.name }, name: w.name, namespace: w.namespace },
          spec: {
            replicas: w.replicas,
            template: { spec: { containers: [{ image: w.image, name: w.container }] } },
          },
        }) + '\n',
      );
      request = deploymentApplyPatch(w).fill([quoted(w.image), applied]);
      w.generation++;
    } else if (change === 'scale') {
      w.replicas = Math.max(1, Math.min(12, w.replicas + this.rng.pick([-2, -1, 1, 2, 3])));
      request = `{"spec":{"replicas":${w.replicas}}}`;
    } else {
      request = `{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":${this.nowIso().replace('Z"', '+08:00"')}}}}}}`;
      w.generation++;
    }
    const rv = quoted(this.rv(c));
    const gen = String(w.generation);
    const replicas = String(w.replicas);
    const now = this.nowIso();
    this.e.request({
      ...this.base(
        p,
        'patch',
        resourcePath(t) +
          (p.username.startsWith('system:')
            ? ''
            : '?fieldManager=kubectl-client-side-apply\\u0026fieldValidation=Strict'),
        t,
        this.rng.int(5000, 40000),
      ),
      annotations: ann,
      requestObject: () => request,
      responseObject: () => deploymentObject(w).fill([rv, gen, replicas, now, now]),
    });
  }

  private personApply(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    this.deploymentPatch(c, w, principal, ann, 'image');
  }

  private personScaleOrRestart(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    this.deploymentPatch(c, w, principal, ann, this.rng.chance(0.5) ? 'scale' : 'restart');
  }

  private personConfig(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const secret = this.rng.chance(0.35);
    const resource = secret ? 'secrets' : 'configmaps';
    const verb = this.rng.pick(['create', 'update', 'patch', 'delete', 'get']);
    const name =
      verb === 'create'
        ? `${w.name}-${secret ? 'token' : 'flags'}-${this.rng.suffix(5)}`
        : secret
          ? w.secrets[0]
          : w.configMaps[0];
    const t: Target = { resource, namespace: w.namespace, name, apiVersion: 'v1' };
    const uri =
      verb === 'create'
        ? resourcePath({ ...t, name: undefined }) +
          '?fieldManager=kubectl-create\\u0026fieldValidation=Strict'
        : resourcePath(t);
    this.e.request({
      ...this.base(principal, verb, uri, t, this.rng.int(3000, 20000)),
      code: verb === 'create' ? 201 : 200,
      annotations: ann,
    });
  }

  private personDelete(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const u = this.rng.float();
    const now = this.nowIso();
    if (u < 0.6) {
      const i = this.rng.int(0, w.pods.length - 1);
      const pod = w.pods[i];
      const t: Target = { resource: 'pods', namespace: w.namespace, name: pod.name, apiVersion: 'v1' };
      const rv = quoted(this.rv(c));
      const created = quoted(rfc3339Seconds(this.e.now / 1e6 - this.rng.int(600, 86400 * 4)));
      this.e.request({
        ...this.base(principal, 'delete', resourcePath(t), t, this.rng.int(4000, 30000)),
        annotations: ann,
        requestObject: () => '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}',
        responseObject: () =>
          podObject(w, true).fill([
            quoted(pod.name),
            quoted(pod.uid),
            rv,
            created,
            quoted(pod.node.name),
            '"Running"',
            quoted(pod.ip),
            now,
          ]),
      });
      replacePod(this.rng, c, w, i);
      return;
    }
    const [resource, apiGroup, name] = this.rng.pick([
      ['deployments', 'apps', `${w.name}-canary`],
      ['services', '', `${w.name}-debug`],
      ['jobs', 'batch', `${w.name}-migrate-${this.rng.suffix(5)}`],
      ['persistentvolumeclaims', '', `data-${w.name}-0`],
      ['ingresses', 'networking.k8s.io', `${w.name}-preview`],
    ] as const);
    const t: Target = {
      resource,
      apiGroup: apiGroup || undefined,
      apiVersion: 'v1',
      namespace: w.namespace,
      name,
    };
    const missing = this.rng.chance(0.15);
    const uid = this.rng.uuid();
    this.e.request({
      ...this.base(principal, 'delete', resourcePath(t), t, this.rng.int(4000, 30000)),
      code: missing ? 404 : 200,
      status: missing ? notFound(t) : undefined,
      annotations: ann,
      requestObject: () => '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}',
      responseObject: () =>
        `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"${name}",${apiGroup ? `"group":"${apiGroup}",` : ''}"kind":"${resource}","uid":"${uid}"}}`,
    });
  }

  private personRbac(c: Cluster): void {
    const who = this.people[0].principal;
    const admin = this.allow(this.people[0].reason(undefined));
    const target = this.rng.pick(this.subaccounts);
    const u = this.rng.float();
    const now = rfc3339Seconds(this.e.now / 1e6);
    const stored = {
      uid: this.rng.uuid(),
      resourceVersion: this.rv(c),
      time: now,
      manager: 'kubectl-create',
    };
    let t: Target;
    let verb = 'create';
    let req: string | undefined;
    let resp: string | undefined;
    if (u < 0.4) {
      const ns = this.rng.pick(TEAM_NAMESPACES);
      const name = `${target.accountId}-${ns}-rolebinding`;
      t = {
        resource: 'rolebindings',
        namespace: ns,
        name,
        apiGroup: 'rbac.authorization.k8s.io',
        apiVersion: 'v1',
      };
      const subject = { kind: 'User', name: target.accountId! };
      req = bindingObject('RoleBinding', name, ns, 'ClusterRole', 'cs:dev', subject);
      resp = bindingObject('RoleBinding', name, ns, 'ClusterRole', 'cs:dev', subject, stored);
    } else if (u < 0.65) {
      const toAdmin = this.rng.chance(0.4);
      const name = toAdmin ? `${target.accountId}-cluster-admin` : `${target.accountId}-clusterrolebinding`;
      const role = toAdmin ? 'cluster-admin' : 'cs:ops';
      t = { resource: 'clusterrolebindings', name, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' };
      const subject = { kind: 'User', name: target.accountId! };
      req = bindingObject('ClusterRoleBinding', name, undefined, 'ClusterRole', role, subject);
      resp = bindingObject('ClusterRoleBinding', name, undefined, 'ClusterRole', role, subject, stored);
    } else if (u < 0.8) {
      const wildcard = this.rng.chance(0.3);
      const name = wildcard ? 'debug-all' : `team-${this.rng.pick(['payments', 'orders', 'data'])}-operator`;
      t = { resource: 'clusterroles', name, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' };
      req = clusterRoleObject(name, wildcard);
      resp = clusterRoleObject(name, wildcard, stored);
    } else {
      verb = 'delete';
      const ns = this.rng.pick(TEAM_NAMESPACES);
      t = {
        resource: 'rolebindings',
        namespace: ns,
        name: `${target.accountId}-${ns}-rolebinding`,
        apiGroup: 'rbac.authorization.k8s.io',
        apiVersion: 'v1',
      };
      req = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}';
      resp = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"${t.name}","group":"rbac.authorization.k8s.io","kind":"rolebindings","uid":"${stored.uid}"}}`;
    }
    const uri =
      verb === 'create'
        ? resourcePath({ ...t, name: undefined }) +
          '?fieldManager=kubectl-create\\u0026fieldValidation=Strict'
        : resourcePath(t);
    this.e.request({
      ...this.base(who, verb, uri, t, this.rng.int(4000, 20000)),
      code: verb === 'create' ? 201 : 200,
      annotations: admin,
      requestObject: () => req!,
      responseObject: () => resp!,
    });
  }

  private personCrd(_c: Cluster): void {
    const who = this.people[0].principal;
    const ann = this.allow(this.people[0].reason(undefined));
    if (this.rng.chance(0.3)) {
      const name = this.rng.pick([
        'aliyunlogconfigs.log.alibabacloud.com',
        'certificates.cert-manager.io',
        'virtualservices.networking.istio.io',
        'applications.argoproj.io',
        'kafkaconnectors.platform.confluent.io',
      ]);
      const t: Target = {
        resource: 'customresourcedefinitions',
        name,
        apiGroup: 'apiextensions.k8s.io',
        apiVersion: 'v1',
      };
      const verb = this.rng.pick(['get', 'update', 'patch', 'create']);
      const exists = verb === 'create' && this.rng.chance(0.5);
      this.e.request({
        ...this.base(
          who,
          verb,
          verb === 'create' ? resourcePath({ ...t, name: undefined }) : resourcePath(t),
          t,
          this.rng.int(3000, 40000),
        ),
        code: verb === 'create' ? (exists ? 409 : 201) : 200,
        status: exists
          ? `{"metadata":{},"status":"Failure","message":"customresourcedefinitions.apiextensions.k8s.io \\"${name}\\" already exists","reason":"AlreadyExists","details":{"name":"${name}","group":"apiextensions.k8s.io","kind":"customresourcedefinitions"},"code":409}`
          : undefined,
        annotations: ann,
      });
      return;
    }
    const t: Target = {
      resource: 'applications',
      namespace: 'argocd',
      name: this.rng.pick(['payments', 'orders', 'frontend', 'data', 'monitoring']),
      apiGroup: 'argoproj.io',
      apiVersion: 'v1alpha1',
    };
    this.e.request({
      ...this.base(
        who,
        this.rng.pick(['get', 'patch', 'list']),
        resourcePath(t),
        t,
        this.rng.int(2000, 20000),
      ),
      annotations: ann,
    });
  }

  private personIstio(c: Cluster): void {
    const who = this.person();
    const obj = this.rng.pick(c.istio);
    const { principal, annotations: ann } = this.asUser(who, obj.namespace);
    const verb = this.rng.pick(['get', 'get', 'list', 'patch', 'update', 'create', 'delete']);
    const t: Target = {
      resource: obj.resource,
      namespace: obj.namespace,
      name: verb === 'list' ? undefined : verb === 'create' ? `${obj.name}-${this.rng.suffix(4)}` : obj.name,
      apiGroup: 'networking.istio.io',
      apiVersion: 'v1',
    };
    const uri = verb === 'create' ? resourcePath({ ...t, name: undefined }) : resourcePath(t);
    this.e.request({
      ...this.base(principal, verb, uri, t, this.rng.int(2000, 30000)),
      code: verb === 'create' ? 201 : 200,
      annotations: ann,
    });
  }

  /** A sub-account or OIDC user tries something outside its RoleBindings. */
  private personForbidden(c: Cluster): void {
    const who = this.rng.pick(this.limitedPeople);
    const p = who.principal;
    const ns = this.rng.pick(['kube-system', 'istio-system', 'monitoring', 'payments', 'data']);
    const [verb, resource, apiGroup] = this.rng.pick([
      ['list', 'secrets', ''],
      ['get', 'secrets', ''],
      ['create', 'pods/exec', ''],
      ['delete', 'deployments', 'apps'],
      ['list', 'nodes', ''],
      ['create', 'clusterrolebindings', 'rbac.authorization.k8s.io'],
    ] as const);
    const [res, sub] = resource.split('/');
    const cluster = res === 'nodes' || res === 'clusterrolebindings';
    const w = c.workloads.find((x) => x.namespace === ns) ?? c.workloads[0];
    const t: Target = {
      resource: res,
      subresource: sub,
      apiGroup: apiGroup || undefined,
      apiVersion: 'v1',
      namespace: cluster ? undefined : ns,
      name:
        verb === 'list' || (verb === 'create' && !sub)
          ? undefined
          : sub
            ? this.rng.pick(w.pods).name
            : res === 'secrets'
              ? w.secrets[0]
              : w.name,
    };
    const uri =
      resourcePath(t) +
      (sub === 'exec'
        ? '?' +
          encodeQuery([
            ['command', 'sh'],
            ['container', w.container],
            ['stdin', 'true'],
            ['stdout', 'true'],
            ['tty', 'true'],
          ])
        : '');
    this.e.request({
      ...this.base(p, verb, uri, t, this.rng.int(800, 5000)),
      code: 403,
      status: forbidden(p.username, verb, t),
      annotations: FORBID,
    });
  }

  private personImpersonate(c: Cluster): void {
    const admin = this.people[0];
    const w = this.rng.pick(c.workloads);
    const sa = `system:serviceaccount:${w.namespace}:${w.serviceAccount}`;
    const t: Target = { resource: 'pods', namespace: w.namespace, apiVersion: 'v1' };
    const allowed = this.rng.chance(0.6);
    this.e.request({
      ...this.base(admin.principal, 'list', resourcePath(t) + '?limit=500', t, this.rng.int(2000, 20000)),
      impersonatedUser: `{"username":"${sa}","groups":["system:serviceaccounts","system:serviceaccounts:${w.namespace}","system:authenticated"]}`,
      code: allowed ? 200 : 403,
      status: allowed ? undefined : forbidden(sa, 'list', t),
      annotations: allowed
        ? this.allow(
            `RBAC: allowed by RoleBinding "${w.serviceAccount}-view/${w.namespace}" of ClusterRole "view" to ServiceAccount "${w.serviceAccount}/${w.namespace}"`,
          )
        : FORBID,
    });
  }

  private personCanI(_c: Cluster): void {
    const who = this.person();
    const { principal, annotations: ann } = this.asUser(who, undefined);
    const ns = this.rng.pick(TEAM_NAMESPACES);
    const t: Target = {
      resource: 'selfsubjectaccessreviews',
      apiGroup: 'authorization.k8s.io',
      apiVersion: 'v1',
    };
    const attrs = `{"namespace":"${ns}","verb":"create","resource":"pods","subresource":"exec"}`;
    const allowed = !!(who.namespaces === undefined || who.namespaces.includes(ns));
    this.e.request({
      ...this.base(principal, 'create', resourcePath(t), t, this.rng.int(1000, 6000)),
      code: 201,
      annotations: ann,
      requestObject: () =>
        `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":${attrs}},"status":{"allowed":false}}`,
      responseObject: () =>
        `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null,"managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"authorization.k8s.io/v1","time":${this.nowIso()},"fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:resourceAttributes":{".":{},"f:namespace":{},"f:resource":{},"f:subresource":{},"f:verb":{}}}}}]},"spec":{"resourceAttributes":${attrs}},"status":{"allowed":${allowed}${allowed ? ',"reason":"' + goStringBody(who.reason(ns)) + '"' : ''}}}`,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The internet: scanners (401/403 bursts), people from office public IPs, anonymous probes

  private static readonly PROBE_PATHS: [string, Target | undefined][] = [
    [
      '/api/v1/namespaces/kube-system/secrets',
      { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' },
    ],
    ['/api/v1/pods', { resource: 'pods', apiVersion: 'v1' }],
    ['/api/v1/namespaces', { resource: 'namespaces', apiVersion: 'v1' }],
    ['/apis/apps/v1/deployments', { resource: 'deployments', apiGroup: 'apps', apiVersion: 'v1' }],
    ['/api/v1/nodes', { resource: 'nodes', apiVersion: 'v1' }],
    [
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
    ],
    [
      '/api/v1/namespaces/default/configmaps',
      { resource: 'configmaps', namespace: 'default', apiVersion: 'v1' },
    ],
    ['/api', undefined],
    ['/apis', undefined],
    ['/', undefined],
    ['/openapi/v2', undefined],
    ['/metrics', undefined],
    ['/.env', undefined],
    [
      '/api/v1/namespaces/kube-system/pods/kube-proxy-x7k2p/exec?command=id\\u0026container=kube-proxy\\u0026stderr=true\\u0026stdout=true',
      {
        resource: 'pods',
        namespace: 'kube-system',
        name: 'kube-proxy-x7k2p',
        apiVersion: 'v1',
        subresource: 'exec',
      },
    ],
  ];

  /** Probes prepared per (source IP, user agent, path and outcome): a burst repeats them. */
  private readonly probes = new Memo<Prepared | null>();

  private attackBurst(_c: Cluster): void {
    const ip = this.rng.pick(ATTACKER_IPS);
    const agent = this.rng.pick(ATTACKER_AGENTS);
    const size = Math.min(this.rng.int(12, 45), this.e.remaining);
    let at = this.e.now;
    const withToken = this.rng.chance(0.4);
    for (let i = 0; i < size; i++) {
      const path = Math.floor(this.rng.float() * Traffic.PROBE_PATHS.length);
      const anonymous = this.rng.chance(0.45);
      const latencyUs = this.rng.int(200, 3000);
      const outcome = anonymous ? 0 : withToken ? 1 : 2;
      let p = this.probes.get(ip, agent, path * 3 + outcome);
      if (p === undefined) {
        const o = (['forbidden', 'bad token', 'no token'] as const)[outcome];
        p = this.e.prepare(this.probe(ip, agent, Traffic.PROBE_PATHS[path], o));
        this.probes.set(ip, agent, path * 3 + outcome, p);
      }
      if (p) this.e.emit(p, latencyUs, at);
      at = Math.min(at + this.rng.int(150_000, 4_000_000), this.e.endUs - 1);
      if (this.e.remaining <= 0) break;
    }
  }

  /** One request of a scanner: anonymous (403) or with a bad or no token (401). */
  private probe(
    ip: string,
    agent: string,
    [path, target]: [string, Target | undefined],
    outcome: 'forbidden' | 'bad token' | 'no token',
  ): Request {
    const verb = target ? (target.name ? (target.subresource ? 'create' : 'get') : 'list') : 'get';
    const common = { sourceIPs: `["${ip}"]`, userAgent: agent, verb, uri: path, target, latencyUs: 0 };
    if (outcome === 'forbidden') {
      return requestOf({
        ...common,
        user: '{"username":"system:anonymous","groups":["system:unauthenticated"]}',
        username: 'system:anonymous',
        groups: ['system:unauthenticated'],
        code: 403,
        status: target
          ? forbidden('system:anonymous', verb, target)
          : `{"metadata":{},"status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"${path}\\"","reason":"Forbidden","details":{},"code":403}`,
        annotations: FORBID,
      });
    }
    return requestOf({
      ...common,
      user: '{}',
      code: 401,
      // authn_audit.go records only the message and, once written, the code.
      status: `{"metadata":{},"message":"${outcome === 'bad token' ? 'Authentication failed, attempted: bearer' : 'Authentication failed, no credentials provided'}","code":401}`,
      annotations: '{}',
    });
  }

  /** People reaching the public API endpoint from the office (successes that sit beside the bursts). */
  private officePublicRead(c: Cluster): void {
    const who = this.person();
    const w = this.personWorkload(c, who);
    const { principal, annotations: ann } = this.asUser(who, w.namespace);
    const office =
      principal.sourceIPs.find((s) => !s.includes('"10.') && !s.includes('"192.168.')) ??
      `["${CLOUD_IPS[this.rng.int(0, 3)]}"]`;
    const t: Target = { resource: 'pods', namespace: w.namespace, apiVersion: 'v1' };
    this.e.request({
      ...this.base(principal, 'list', resourcePath(t) + '?limit=500', t, this.rng.int(20000, 150000)),
      sourceIPs: office,
      annotations: ann,
    });
  }

  private anonymousProbe(c: Cluster): void {
    const fromInternet = this.rng.chance(0.5);
    const ip = fromInternet
      ? this.rng.pick(CLOUD_IPS)
      : `${c.masters[0].ip.replace(/\.\d+$/, '')}.${this.rng.int(100, 120)}`;
    const path = this.rng.pick([
      '/readyz',
      '/livez',
      '/readyz?verbose',
      '/.well-known/openid-configuration',
      '/openid/v1/jwks',
    ]);
    const uri = path.replace('?verbose', '?verbose=');
    const discovery = path.startsWith('/.well-known') || path.startsWith('/openid');
    this.e.request(
      requestOf({
        user: '{"username":"system:anonymous","groups":["system:unauthenticated"]}',
        username: 'system:anonymous',
        groups: ['system:unauthenticated'],
        sourceIPs: `["${ip}"]`,
        userAgent: fromInternet ? 'Blackbox Exporter/0.25.0' : 'kube-probe/1.30',
        verb: 'get',
        uri,
        latencyUs: this.rng.int(100, 2000),
        code: 200,
        annotations: this.allow(
          discovery
            ? 'RBAC: allowed by ClusterRoleBinding "system:service-account-issuer-discovery" of ClusterRole "system:service-account-issuer-discovery" to Group "system:unauthenticated"'
            : 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
        ),
      }),
    );
  }
}
