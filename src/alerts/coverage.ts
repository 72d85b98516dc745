// `kaudit alerts coverage`: which enabled alert rules can never fire under an audit policy. An alert
// reads audit events, and the policy decides which requests produce events, at which level and at
// which stages (../shared/spec/k8s-audit.md §1.2). For every request a rule looks at (its `match`:
// verbs × resources × namespaces) the REAL policy evaluator (src/policy compilePolicy) decides the
// level and the omitted stages; the rule is blind to that request when the level is below the level
// the rule needs (None for every rule, Metadata for a rule that reads the request body) or when every
// stage its query reads is omitted. The report names the deciding policy rule, so the fix is clear.
//
// Rules do not say which users they concern, so each request is evaluated for a few representative
// users (REPRESENTATIVE_USERS); a rule is reported as never firing only when it is blind for every
// request and every one of those users, and as partly blind when it misses some of them.
import type { CompiledPolicy } from '../policy/compile.js';
import { BUILTIN_RESOURCES, groupsServing } from '../policy/catalogue.js';
import {
  levelRank,
  STAGES,
  type Level,
  type PolicyRule,
  type RequestAttributes,
  type Stage,
} from '../policy/types.js';
import { splitQuery } from '../query/split.js';

/** What coverage needs of a rule (a subset of the loaded Rule of src/alerts/rule.ts). */
export interface CoverageInput {
  id: string;
  name: string;
  /** Minimum audit level the rule needs. */
  level: string;
  enabled: boolean;
  match: { verbs?: string[]; resources?: string[]; namespaces?: string[] };
  /** Expanded SLS queries; the stages the rule reads are taken from the first one's search part. */
  queries: string[];
}

export interface RepresentativeUser {
  /** How the report names this user. */
  label: string;
  user: string;
  groups: string[];
}

/** The users each request is evaluated for, since rules do not name their users. */
export const REPRESENTATIVE_USERS: readonly RepresentativeUser[] = [
  { label: 'alice (system:authenticated)', user: 'alice', groups: ['system:authenticated'] },
  {
    label: 'kubernetes-admin (system:masters)',
    user: 'kubernetes-admin',
    groups: ['system:masters', 'system:authenticated'],
  },
  {
    label: 'system:serviceaccount:default:app',
    user: 'system:serviceaccount:default:app',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  },
  {
    label: 'system:anonymous (system:unauthenticated)',
    user: 'system:anonymous',
    groups: ['system:unauthenticated'],
  },
];

/** Verbs a rule with no `match.verbs` is evaluated for (the resource verbs of k8s-audit.md §1.2). */
export const ANY_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Resources a rule with no `match.resources` is evaluated for, plus the non-resource URL below. */
export const ANY_RESOURCES = [
  'pods',
  'pods/exec',
  'secrets',
  'configmaps',
  'services',
  'namespaces',
  'apps/deployments',
  'rbac.authorization.k8s.io/clusterroles',
];
const ANY_NON_RESOURCE_PATH = '/api';

/** Built-in resources that are not namespaced (evaluated with namespace ""). */
const CLUSTER_SCOPED = new Set([
  'namespaces',
  'nodes',
  'persistentvolumes',
  'componentstatuses',
  'clusterroles',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'customresourcedefinitions',
  'apiservices',
  'tokenreviews',
  'selfsubjectreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'subjectaccessreviews',
  'certificatesigningrequests',
  'storageclasses',
  'csidrivers',
  'csinodes',
  'volumeattachments',
  'priorityclasses',
  'runtimeclasses',
  'ingressclasses',
  'flowschemas',
  'prioritylevelconfigurations',
]);

export interface Target {
  apiGroup: string;
  resource: string;
  subresource: string;
}

/**
 * A `match.resources` entry as targets: `resource`, `resource/subresource`, optionally prefixed by
 * its API group (`apps/deployments`, `rbac.authorization.k8s.io/clusterroles`). Without a group, every
 * built-in group that serves the resource (events → core and events.k8s.io; the read-only metrics.k8s.io
 * is left out); unknown: the core group.
 */
export function parseResource(entry: string): Target[] {
  const parts = entry.split('/').filter((p) => p !== '');
  let group: string | undefined;
  if (parts.length === 3 || (parts.length === 2 && isGroupName(parts[0]))) group = parts.shift();
  const [resource = '', subresource = ''] = parts;
  const groups = group !== undefined ? [group] : writableGroupsServing(resource);
  return (groups.length > 0 ? groups : ['']).map((apiGroup) => ({ apiGroup, resource, subresource }));
}

/** Groups that serve `resource`, without read-only API groups (no alert watches a write there). */
function writableGroupsServing(resource: string): string[] {
  const groups = groupsServing(resource);
  const writable = groups.filter((g) => !READ_ONLY_GROUPS.has(g));
  return writable.length > 0 ? writable : groups;
}
const READ_ONLY_GROUPS = new Set(['metrics.k8s.io']);

function isGroupName(word: string): boolean {
  return word.includes('.') || (word !== '' && word in BUILTIN_RESOURCES);
}

/** The stages a query's search part selects (`stage: X`); all stages when it names none. */
export function stagesRead(query: string): Stage[] {
  const search = splitQuery(query).search;
  const found = new Set<Stage>();
  for (const m of search.matchAll(/(\bnot\s+\(?\s*)?\bstage\s*:\s*"?([A-Za-z]+)"?/gi)) {
    if (m[1]) continue; // `not stage: X` excludes a stage; it does not select one
    const stage = STAGES.find((s) => s.toLowerCase() === m[2].toLowerCase());
    if (stage) found.add(stage);
  }
  return found.size > 0 ? STAGES.filter((s) => found.has(s)) : [...STAGES];
}

/** One request a rule looks at, as evaluated. */
export interface ProbeRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** Non-resource URL path (for the "any resource" probe), else "". */
  path: string;
  user: string;
}

export interface Gap {
  /** 0-based index of the deciding policy rule; null when no rule matched (level None). */
  policyRule: number | null;
  /** The policy rule in one line (what to look for in the file). */
  policyRuleText: string;
  /** The level that rule gives. */
  level: Level;
  /** Stages the rule reads that the policy omits here (set when the gap is about stages). */
  omittedStages: Stage[];
  why: 'level' | 'stage';
  /** The requests it decides this way. */
  requests: ProbeRequest[];
}

export interface RuleCoverage {
  id: string;
  name: string;
  /** The level the alert rule needs. */
  level: string;
  stages: Stage[];
  /** never: blind to every request it looks at; partial: to some; full: none. */
  status: 'never' | 'partial' | 'full';
  requests: number;
  blind: number;
  gaps: Gap[];
}

export interface CoverageReport {
  policy: string;
  users: string[];
  rules: RuleCoverage[];
  /** Ids of the rules that can never fire. */
  never: string[];
  /** Ids of the rules that miss some of their requests. */
  partial: string[];
  /** Disabled rules, not analysed. */
  skipped: string[];
}

/** A policy rule in one line: `level: None; verbs: [get]; resources: [pods/*, "*"/x]; …`. */
export function describePolicyRule(rule: PolicyRule): string {
  const parts = [`level: ${rule.level}`];
  const list = (xs: string[]) => `[${xs.join(', ')}]`;
  if (rule.users?.length) parts.push(`users: ${list(rule.users)}`);
  if (rule.userGroups?.length) parts.push(`userGroups: ${list(rule.userGroups)}`);
  if (rule.verbs?.length) parts.push(`verbs: ${list(rule.verbs)}`);
  if (rule.resources?.length) {
    const rs = rule.resources.map((gr) => {
      const group = gr.group === undefined || gr.group === '' ? '' : `${gr.group}/`;
      const names = gr.resourceNames?.length ? ` names ${list(gr.resourceNames)}` : '';
      return gr.resources?.length
        ? gr.resources.map((r) => `${group}${r}`).join(', ') + names
        : `${group || 'core/'}*${names}`;
    });
    parts.push(`resources: ${list(rs)}`);
  }
  if (rule.namespaces?.length)
    parts.push(`namespaces: ${list(rule.namespaces.map((n) => (n === '' ? '""' : n)))}`);
  if (rule.nonResourceURLs?.length) parts.push(`nonResourceURLs: ${list(rule.nonResourceURLs)}`);
  if (rule.omitStages?.length) parts.push(`omitStages: ${list(rule.omitStages)}`);
  return parts.join('; ');
}

function resourcePath(t: Target, namespace: string): string {
  const base = t.apiGroup === '' ? '/api/v1' : `/apis/${t.apiGroup}/v1`;
  const ns = namespace === '' ? '' : `/namespaces/${namespace}`;
  return `${base}${ns}/${t.resource}${t.subresource ? `/x/${t.subresource}` : ''}`;
}

interface Probe {
  attrs: Omit<RequestAttributes, 'user' | 'groups'>;
  request: Omit<ProbeRequest, 'user'>;
}

function probesOf(rule: CoverageInput): Probe[] {
  const verbs = rule.match.verbs?.length ? rule.match.verbs : ANY_VERBS;
  const anyResource = !rule.match.resources?.length;
  const targets = (anyResource ? ANY_RESOURCES : rule.match.resources!).flatMap(parseResource);
  const probes: Probe[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const namespaces = rule.match.namespaces?.length
      ? rule.match.namespaces
      : [CLUSTER_SCOPED.has(t.resource) ? '' : 'default'];
    for (const namespace of namespaces) {
      for (const verb of verbs) {
        const key = JSON.stringify([t, namespace, verb]);
        if (seen.has(key)) continue;
        seen.add(key);
        probes.push({
          attrs: {
            verb,
            namespace,
            apiGroup: t.apiGroup,
            apiVersion: 'v1',
            resource: t.resource,
            subresource: t.subresource,
            name: '',
            path: resourcePath(t, namespace),
            isResourceRequest: true,
          },
          request: { verb, ...t, namespace, path: '' },
        });
      }
    }
  }
  if (anyResource && !rule.match.namespaces?.length) {
    const request = {
      verb: 'get',
      apiGroup: '',
      resource: '',
      subresource: '',
      namespace: '',
      path: ANY_NON_RESOURCE_PATH,
    };
    probes.push({
      attrs: {
        verb: 'get',
        namespace: '',
        apiGroup: '',
        apiVersion: '',
        resource: '',
        subresource: '',
        name: '',
        path: ANY_NON_RESOURCE_PATH,
        isResourceRequest: false,
      },
      request,
    });
  }
  return probes;
}

/** Coverage of one rule under a compiled policy. */
export function ruleCoverage(
  rule: CoverageInput,
  policy: CompiledPolicy,
  users: readonly RepresentativeUser[] = REPRESENTATIVE_USERS,
): RuleCoverage {
  const stages = stagesRead(rule.queries[0] ?? '');
  const needed = levelRank(rule.level);
  const gaps = new Map<string, Gap>();
  let requests = 0;
  let blind = 0;
  for (const probe of probesOf(rule)) {
    for (const u of users) {
      requests++;
      const decision = policy.evaluate({ ...probe.attrs, user: u.user, groups: u.groups });
      const omitted = stages.filter((s) => decision.omitStages.includes(s));
      let why: Gap['why'] | undefined;
      if (levelRank(decision.level) < Math.max(needed, 1)) why = 'level';
      else if (omitted.length === stages.length) why = 'stage';
      if (!why) continue;
      blind++;
      const key = `${decision.rule}|${why}|${omitted.join(',')}`;
      let gap = gaps.get(key);
      if (!gap) {
        const policyRule = decision.rule === null ? null : policy.policy.rules[decision.rule];
        gap = {
          policyRule: decision.rule,
          policyRuleText: policyRule ? describePolicyRule(policyRule) : 'no policy rule matches (level None)',
          level: decision.level,
          omittedStages: why === 'stage' ? omitted : [],
          why,
          requests: [],
        };
        gaps.set(key, gap);
      }
      gap.requests.push({ ...probe.request, user: u.label });
    }
  }
  return {
    id: rule.id,
    name: rule.name,
    level: rule.level,
    stages,
    status: blind === 0 ? 'full' : blind === requests ? 'never' : 'partial',
    requests,
    blind,
    gaps: [...gaps.values()].sort((a, b) => (a.policyRule ?? Infinity) - (b.policyRule ?? Infinity)),
  };
}

/** Coverage of every enabled rule under `policy` (labelled `policyLabel` in the report). */
export function alertCoverage(
  rules: CoverageInput[],
  policy: CompiledPolicy,
  policyLabel: string,
): CoverageReport {
  const analysed = rules.filter((r) => r.enabled).map((r) => ruleCoverage(r, policy));
  return {
    policy: policyLabel,
    users: REPRESENTATIVE_USERS.map((u) => u.label),
    rules: analysed,
    never: analysed.filter((r) => r.status === 'never').map((r) => r.id),
    partial: analysed.filter((r) => r.status === 'partial').map((r) => r.id),
    skipped: rules.filter((r) => !r.enabled).map((r) => r.id),
  };
}

function requestText(r: ProbeRequest): string {
  if (r.path) return `${r.verb} ${r.path}`;
  const res = `${r.apiGroup ? `${r.apiGroup}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
  return `${r.verb} ${res}${r.namespace ? ` in ${r.namespace}` : ''}`;
}

/** The requests of a gap in a few words: distinct request kinds, and the users when not all. */
function gapRequests(gap: Gap, users: number): string {
  const byRequest = new Map<string, Set<string>>();
  for (const r of gap.requests) {
    const key = requestText(r);
    const set = byRequest.get(key) ?? new Set<string>();
    set.add(r.user);
    byRequest.set(key, set);
  }
  const kinds = [...byRequest.keys()];
  const shown =
    kinds.slice(0, 6).join(', ') + (kinds.length > 6 ? `, … (${kinds.length} request kinds)` : '');
  const someUsers = [...new Set(gap.requests.map((r) => r.user))];
  return someUsers.length < users ? `${shown} by ${someUsers.join(', ')}` : shown;
}

function gapLine(rule: RuleCoverage, gap: Gap, users: number): string[] {
  const where = gap.policyRule === null ? 'no policy rule matches' : `policy rule ${gap.policyRule}`;
  const what =
    gap.why === 'level'
      ? `${where} gives level ${gap.level} (the rule needs ${rule.level === 'Metadata' ? 'any level above None' : rule.level})`
      : `${where} omits stage ${gap.omittedStages.join(', ')}, the stage the rule reads`;
  const fix =
    gap.policyRule === null
      ? `add a policy rule that records these requests at level ${rule.level} or more`
      : gap.why === 'level'
        ? `change policy rule ${gap.policyRule} to level ${rule.level} or more for these requests, or put a rule that does before it`
        : `remove ${gap.omittedStages.join(', ')} from omitStages (of policy rule ${gap.policyRule} or of the policy)`;
  return [
    `    ${what}: ${gapRequests(gap, users)}`,
    ...(gap.policyRule === null ? [] : [`      policy rule ${gap.policyRule}: ${gap.policyRuleText}`]),
    `      fix: ${fix}`,
  ];
}

/** The report for people. */
export function renderCoverage(report: CoverageReport): string {
  const users = report.users.length;
  const lines: string[] = [];
  const section = (title: string, status: RuleCoverage['status']) => {
    const rules = report.rules.filter((r) => r.status === status);
    if (rules.length === 0) return;
    lines.push(title);
    for (const r of rules) {
      lines.push(`  ${r.id} (${r.name}; needs ${r.level}, reads stage ${r.stages.join('/')})`);
      for (const g of r.gaps) lines.push(...gapLine(r, g, users));
    }
    lines.push('');
  };
  section(`Rules that can never fire under ${report.policy}:`, 'never');
  section(`Rules that miss some of their requests under ${report.policy}:`, 'partial');
  const full = report.rules.filter((r) => r.status === 'full').length;
  lines.push(
    `Of ${report.rules.length} enabled rules: ${report.never.length} can never fire, ${report.partial.length} miss some requests, ${full} see every request they look at` +
      (report.skipped.length ? ` (${report.skipped.length} disabled rules not analysed)` : '') +
      '.',
  );
  lines.push(`Rules do not name their users, so each request was evaluated for: ${report.users.join('; ')}.`);
  return lines.join('\n') + '\n';
}
