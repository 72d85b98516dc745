// `kaudit policy lint`: findings a policy author should act on, each with the rule index, why it
// matters and the fix. Validation errors come first (the apiserver would refuse the file), then
// rules that can never match (coverage.ts), names unknown to current Kubernetes (catalogue.ts),
// credentials logged with bodies, RequestReceived not omitted, the `/api*` prefix trap, and
// list/watch at RequestResponse.
import type { PolicyWarning } from './load.js';
import { coverageOf, type Focus } from './coverage.js';
import {
  AUTHORIZATION_ONLY_VERBS,
  BUILTIN_RESOURCES,
  NON_RESOURCE_ROOTS,
  NON_RESOURCE_VERBS,
  REMOVED_GROUPS,
  RESOURCE_VERBS,
  closest,
  groupsServing,
} from './catalogue.js';
import { formatFieldError, validatePolicy } from './validate.js';
import { levelRank, type Policy, type PolicyRule } from './types.js';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  /** 0-based rule index, or null for a policy-wide finding. */
  rule: number | null;
  severity: LintSeverity;
  code: string;
  message: string;
  why: string;
  fix: string;
}

export interface LintOptions {
  kubeVersion?: string;
  loadWarnings?: PolicyWarning[];
}

const KNOWN_VERBS = new Set([...RESOURCE_VERBS, ...NON_RESOURCE_VERBS]);

/** Requests whose bodies carry credentials: logging them above Metadata writes secrets to the log. */
const CREDENTIAL_TARGETS: {
  apiGroup: string;
  resource: string;
  subresource: string;
  what: string;
  /** The credential is in the log above this level (the response body needs RequestResponse). */
  safeUpTo: string;
  verb?: string;
}[] = [
  {
    apiGroup: '',
    resource: 'secrets',
    subresource: '',
    what: 'Secret bodies hold the secret values (base64 is not encryption)',
    safeUpTo: 'Metadata',
  },
  {
    apiGroup: '',
    resource: 'configmaps',
    subresource: '',
    what: 'ConfigMaps often hold passwords and keys in practice',
    safeUpTo: 'Metadata',
  },
  {
    apiGroup: 'authentication.k8s.io',
    resource: 'tokenreviews',
    subresource: '',
    what: 'TokenReview requests carry the bearer token being reviewed in spec.token',
    safeUpTo: 'Metadata',
    verb: 'create',
  },
  {
    apiGroup: '',
    resource: 'serviceaccounts',
    subresource: 'token',
    what: 'TokenRequest responses carry a freshly issued service-account token in status.token',
    safeUpTo: 'Request',
    verb: 'create',
  },
];

function ruleLabel(i: number): string {
  return `rule ${i}`;
}

function plural(list: number[]): string {
  return list.length === 1 ? `rule ${list[0]}` : `rules ${list.join(', ')}`;
}

function lintVerbs(rule: PolicyRule, i: number, out: LintFinding[]): void {
  const resourceRule = (rule.resources ?? []).length > 0 || (rule.namespaces ?? []).length > 0;
  const urlRule = !resourceRule && (rule.nonResourceURLs ?? []).length > 0;
  for (const verb of rule.verbs ?? []) {
    if (resourceRule && KNOWN_VERBS.has(verb) && !RESOURCE_VERBS.includes(verb)) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'verb-kind-mismatch',
        message: `verb "${verb}" is an HTTP method of non-resource requests; this rule selects resource requests`,
        why: 'resource requests carry verbs such as create (POST), update (PUT) and get/list/watch (GET/HEAD), so this entry matches nothing',
        fix:
          verb === 'post'
            ? 'write "create"'
            : verb === 'put'
              ? 'write "update"'
              : 'write the resource verb (get, list, watch)',
      });
      continue;
    }
    if (urlRule && KNOWN_VERBS.has(verb) && !NON_RESOURCE_VERBS.includes(verb)) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'verb-kind-mismatch',
        message: `verb "${verb}" is a resource verb; this rule selects non-resource URLs`,
        why: 'non-resource requests carry the lower-case HTTP method (get, post, put, delete, head), so this entry matches nothing',
        fix:
          verb === 'create'
            ? 'write "post"'
            : verb === 'update'
              ? 'write "put"'
              : 'write the HTTP method, e.g. "get"',
      });
      continue;
    }
    if (KNOWN_VERBS.has(verb)) continue;
    if (KNOWN_VERBS.has(verb.toLowerCase())) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'unknown-verb',
        message: `verb "${verb}" never matches: request verbs are lower case`,
        why: 'verbs are compared exactly, so this entry selects nothing and the rule is narrower than it looks',
        fix: `write "${verb.toLowerCase()}"`,
      });
    } else if (AUTHORIZATION_ONLY_VERBS.includes(verb)) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'unknown-verb',
        message:
          verb === '*'
            ? 'verb "*" is not a wildcard in audit policies'
            : `verb "${verb}" is an RBAC authorization verb, never the verb of an audited request`,
        why: 'the entry matches no request',
        fix: verb === '*' ? 'leave verbs out to match every verb' : 'remove it',
      });
    } else {
      const near = closest(verb, [...KNOWN_VERBS]);
      out.push({
        rule: i,
        severity: 'warning',
        code: 'unknown-verb',
        message: `verb "${verb}" is not a Kubernetes request verb`,
        why: 'the entry matches no request',
        fix: near ? `did you mean "${near}"?` : `use one of ${[...KNOWN_VERBS].join(', ')}`,
      });
    }
  }
}

function lintResourceName(group: string, res: string, i: number, out: LintFinding[]): void {
  if (res === '*') return;
  if (res !== res.toLowerCase()) {
    out.push({
      rule: i,
      severity: 'warning',
      code: 'unknown-resource',
      message: `resource "${res}" has upper-case letters and never matches`,
      why: 'resources are compared exactly with the lower-case plural names in request URLs',
      fix: `write "${res.toLowerCase()}"`,
    });
    return;
  }
  const known = BUILTIN_RESOURCES[group];
  if (!known) return;
  const [base, sub = ''] = res.split('/', 2);
  const groupName = group === '' ? 'the core group' : `group ${group}`;
  if (base !== '*' && !(base in known)) {
    const elsewhere = groupsServing(base).filter((g) => g !== group);
    if (elsewhere.length > 0) {
      const where = elsewhere.map((g) => (g === '' ? 'the core group ("")' : `"${g}"`)).join(' or ');
      out.push({
        rule: i,
        severity: 'warning',
        code: 'wrong-group',
        message: `"${base}" is not served by ${groupName} but by ${where}`,
        why:
          group === ''
            ? 'an entry without group covers only the core group, so this never matches'
            : 'resources only match within their own group, so this never matches',
        fix: `put "${res}" under group: ${elsewhere[0] === '' ? '""' : elsewhere[0]}`,
      });
      return;
    }
    const near = closest(base, Object.keys(known));
    out.push({
      rule: i,
      severity: 'warning',
      code: 'unknown-resource',
      message: `resource "${base}" is unknown in ${groupName}`,
      why: 'resource names are lower-case plurals compared exactly; an unknown name matches nothing',
      fix: near
        ? `did you mean "${sub ? `${near}/${sub}` : near}"?`
        : 'check `kubectl api-resources` for the name',
    });
    return;
  }
  if (sub === '' || sub === '*') return;
  const subs = base === '*' ? [...new Set(Object.values(known).flat())] : known[base];
  if (!subs.includes(sub)) {
    const near = closest(sub, subs);
    out.push({
      rule: i,
      severity: 'warning',
      code: 'unknown-resource',
      message: `subresource "${res}" does not exist in ${groupName}`,
      why: 'an unknown subresource matches nothing, so requests you meant to select fall to later rules',
      fix: near ? `did you mean "${base}/${near}"?` : `known subresources: ${subs.join(', ') || 'none'}`,
    });
  }
}

function lintGroups(rule: PolicyRule, i: number, out: LintFinding[]): void {
  for (const gr of rule.resources ?? []) {
    const group = gr.group ?? '';
    const removed = REMOVED_GROUPS[group];
    if (removed) {
      const moved = (gr.resources ?? []).filter((r) => r.split('/')[0] in removed.moved);
      out.push({
        rule: i,
        severity: moved.length > 0 ? 'warning' : 'info',
        code: 'removed-group',
        message:
          moved.length > 0
            ? `group ${group} no longer serves ${moved.join(', ')}: ${moved.map((r) => `${r.split('/')[0]} → ${removed.moved[r.split('/')[0]]}`).join('; ')}`
            : `group ${group} has served nothing since Kubernetes ${removed.removedIn}`,
        why:
          moved.length > 0
            ? 'requests for these resources now carry the new group, so this entry never matches them and they fall to later rules'
            : 'the entry is dead weight: harmless, but it suggests the policy predates current Kubernetes',
        fix:
          moved.length > 0
            ? 'list the resources under the group that serves them now'
            : `remove the ${group} entry`,
      });
    } else if (group !== '' && group !== '*' && !(group in BUILTIN_RESOURCES) && !group.includes('.')) {
      const near = closest(
        group,
        Object.keys(BUILTIN_RESOURCES).filter((g) => g !== ''),
      );
      out.push({
        rule: i,
        severity: 'warning',
        code: 'unknown-group',
        message: `group "${group}" is not a Kubernetes API group`,
        why: 'built-in groups are listed by `kubectl api-versions` and custom resource groups always contain a dot, so this matches nothing',
        fix: near
          ? `did you mean "${near}"?`
          : 'use the group part of the apiVersion (e.g. "apps" from apps/v1)',
      });
    } else if (group.endsWith('.k8s.io') && !(group in BUILTIN_RESOURCES)) {
      const near = closest(group, Object.keys(BUILTIN_RESOURCES));
      if (near) {
        out.push({
          rule: i,
          severity: 'warning',
          code: 'unknown-group',
          message: `group "${group}" is not a Kubernetes API group`,
          why: 'it matches nothing',
          fix: `did you mean "${near}"?`,
        });
      }
    }
    for (const res of gr.resources ?? []) {
      if (group === '*') {
        // Any group may hold custom resources of any name: only upper case is certainly wrong.
        if (res !== res.toLowerCase()) lintResourceName('*', res, i, out);
      } else if (!REMOVED_GROUPS[group]) {
        lintResourceName(group, res, i, out);
      }
    }
    if ((gr.resourceNames ?? []).length > 0) {
      const verbs = rule.verbs ?? [];
      if (verbs.length > 0 && verbs.every((v) => v === 'create' || v === 'deletecollection')) {
        out.push({
          rule: i,
          severity: 'warning',
          code: 'resource-names-never-match',
          message: `resourceNames cannot match ${verbs.join('/')} requests`,
          why: 'create and deletecollection requests have no name when the policy is evaluated',
          fix: 'drop resourceNames, or select the verbs that address one object (get, update, patch, delete)',
        });
      }
    }
  }
}

/** Paths below which requests are resource requests (`/api/v1/pods`, `/apis/apps/v1/deployments`). */
const RESOURCE_PATH = /^\/api\/v1\/[^*]|^\/apis\/[^/*]+\/[^/*]+\/[^*]/;

function lintUrls(rule: PolicyRule, i: number, out: LintFinding[]): void {
  for (const spec of rule.nonResourceURLs ?? []) {
    if (RESOURCE_PATH.test(spec)) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'resource-path-as-url',
        message: `"${spec}" is the path of resource requests, which nonResourceURLs never match`,
        why: 'requests under /api/v1/… and /apis/GROUP/VERSION/… are resource requests: only resources and namespaces select them',
        fix: 'select them with resources (group, resource) and namespaces instead',
      });
    }
    if (!spec.endsWith('*') || spec === '*') continue;
    const prefix = spec.replace(/\*+$/, '');
    if (prefix.endsWith('/')) continue;
    const also = NON_RESOURCE_ROOTS.filter((r) => r !== prefix && r.startsWith(prefix));
    if (NON_RESOURCE_ROOTS.includes(prefix) && also.length > 0) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'prefix-trap',
        message: `"${spec}" is a raw string prefix: it also matches ${also.join(', ')}`,
        why:
          prefix === '/api'
            ? 'it selects the /apis discovery tree as well as /api, and it never selects resource requests such as /api/v1/pods (nonResourceURLs only match non-resource requests)'
            : 'a trailing * is a plain string prefix, not a path segment',
        fix: `write "${prefix}" and "${prefix}/*" to select exactly that path and what is under it`,
      });
    }
  }
}

function lintShadowing(rules: PolicyRule[], out: LintFinding[]): void {
  for (let i = 1; i < rules.length; i++) {
    const c = coverageOf(rules, i);
    if (!c.analysed) {
      out.push({
        rule: i,
        severity: 'info',
        code: 'not-analysed',
        message: 'the rule has too many combinations of values for the shadowing check',
        why: 'kaudit could not prove whether earlier rules cover it',
        fix: 'split the rule if you want it checked',
      });
      continue;
    }
    if (c.covered) {
      out.push({
        rule: i,
        severity: 'warning',
        code: 'shadowed',
        message: `${ruleLabel(i)} can never match: every request it selects is decided first by ${plural(c.coveredBy)}`,
        why: 'the first matching rule decides, so this rule has no effect and its level is never used',
        fix: `move it above ${ruleLabel(c.coveredBy[0])} if it should win, or delete it`,
      });
    }
  }
}

function levelAbove(rule: PolicyRule, level: string): boolean {
  return levelRank(rule.level) > levelRank(level);
}

function lintCredentials(rules: PolicyRule[], out: LintFinding[]): void {
  for (const t of CREDENTIAL_TARGETS) {
    const focus: Focus = { target: t, verb: t.verb };
    for (let i = 0; i < rules.length; i++) {
      if (!levelAbove(rules[i], t.safeUpTo)) continue;
      const c = coverageOf(rules, i, focus);
      if (!c.analysed || c.atoms === 0 || c.covered) continue;
      const name = t.subresource ? `${t.resource}/${t.subresource}` : t.resource;
      out.push({
        rule: i,
        severity: 'warning',
        code: 'credentials-logged',
        message: `${name}${t.apiGroup ? ` (${t.apiGroup})` : ''} requests reach ${ruleLabel(i)} and are logged at ${rules[i].level}`,
        why: `${t.what}; at Request or RequestResponse they are written to the audit log and every system that copies it`,
        fix: `add a ${t.safeUpTo} rule for ${name}${t.apiGroup ? ` in group ${t.apiGroup}` : ' in the core group'} before ${ruleLabel(i)}`,
      });
    }
  }
}

function lintListWatch(rules: PolicyRule[], out: LintFinding[]): void {
  for (let i = 0; i < rules.length; i++) {
    if (rules[i].level !== 'RequestResponse') continue;
    const verbs: string[] = [];
    for (const verb of ['list', 'watch']) {
      const c = coverageOf(rules, i, { verb });
      if (c.analysed && c.atoms > 0 && !c.covered) verbs.push(verb);
    }
    if (verbs.length === 0) continue;
    out.push({
      rule: i,
      severity: 'warning',
      code: 'list-watch-request-response',
      message: `${verbs.join(' and ')} requests reach ${ruleLabel(i)} at RequestResponse`,
      why: 'a list response holds the whole collection in every event, often the largest entries of the log; watch streams record no response body at all, so the level buys nothing there',
      fix: `add a rule with level Request (or Metadata) for verbs ["get", "list", "watch"] before ${ruleLabel(i)}, as the default policy does`,
    });
  }
}

function lintRequestReceived(policy: Policy, out: LintFinding[]): void {
  if ((policy.omitStages ?? []).includes('RequestReceived')) return;
  const logging = policy.rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.level !== 'None' && !(r.omitStages ?? []).includes('RequestReceived'))
    .map(({ i }) => i);
  if (logging.length === 0) return;
  out.push({
    rule: null,
    severity: 'warning',
    code: 'request-received-kept',
    message: `the RequestReceived stage is not omitted: ${plural(logging)} ${logging.length === 1 ? 'logs' : 'log'} it`,
    why: 'every request is then logged twice, once before it is handled with no response status, roughly doubling the volume for little information',
    fix: 'add omitStages: ["RequestReceived"] at the top of the policy',
  });
}

/** Lints a loaded policy; findings are ordered: policy problems, then by rule index. */
export function lintPolicy(policy: Policy, options: LintOptions = {}): LintFinding[] {
  const out: LintFinding[] = [];
  const v = validatePolicy(policy, {
    kubeVersion: options.kubeVersion,
    loadWarnings: options.loadWarnings,
    ignoreApiVersion: true,
  });
  for (const e of v.errors) {
    const m = /^rules\[(\d+)\]/.exec(e.field);
    out.push({
      rule: m ? Number(m[1]) : null,
      severity: 'error',
      code: 'invalid',
      message: formatFieldError(e),
      why: 'kube-apiserver refuses to start with this policy',
      fix: 'correct the field as the message says',
    });
  }
  const fixes: Record<string, string> = {
    'unknown-field': 'remove the key, or spell and indent it as intended',
    'duplicate-field': 'keep only one of them',
    'null-field': 'give it values or remove it',
    'old-version': 'set apiVersion: audit.k8s.io/v1',
    'not-in-release': 'upgrade the apiserver or do not rely on the field',
  };
  for (const w of v.warnings) {
    const m = /^rules\[(\d+)\]/.exec(w.field);
    out.push({
      rule: m ? Number(m[1]) : null,
      severity: 'warning',
      code: w.code,
      message: `${w.where}: ${w.field}`,
      why: w.message,
      fix: fixes[w.code] ?? 'see why',
    });
  }
  lintRequestReceived(policy, out);
  policy.rules.forEach((rule, i) => {
    lintVerbs(rule, i, out);
    lintGroups(rule, i, out);
    lintUrls(rule, i, out);
  });
  lintShadowing(policy.rules, out);
  lintCredentials(policy.rules, out);
  lintListWatch(policy.rules, out);
  const order = (f: LintFinding) => (f.rule === null ? -1 : f.rule);
  return out
    .map((f, n) => ({ f, n }))
    .sort((a, b) => order(a.f) - order(b.f) || a.n - b.n)
    .map(({ f }) => f);
}
