// A literal transcription of kube-apiserver's policy checker (A:pkg/audit/policy/checker.go,
// ../shared/spec/k8s-audit.md §1.2): linear scans over the rule lists, no precomputation. It is
// the baseline of the benchmark and the oracle of the property test of the compiled evaluator;
// production code uses compilePolicy.
import {
  LEVELS,
  STAGES,
  type Level,
  type Policy,
  type PolicyDecision,
  type PolicyRule,
  type RequestAttributes,
  type Stage,
} from './types.js';

function hasString(list: readonly string[] | undefined, s: string): boolean {
  return (list ?? []).includes(s);
}

function ruleMatchesResource(r: PolicyRule, a: RequestAttributes): boolean {
  if (!a.isResourceRequest) return false;
  if ((r.namespaces ?? []).length > 0 && !hasString(r.namespaces, a.namespace)) return false;
  if ((r.resources ?? []).length === 0) return true;
  const combined = a.subresource !== '' ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources ?? []) {
    const group = gr.group ?? '';
    if (group !== a.apiGroup && group !== '*') continue;
    if ((gr.resources ?? []).length === 0) return true;
    for (const res of gr.resources ?? []) {
      if ((gr.resourceNames ?? []).length === 0 || hasString(gr.resourceNames, a.name)) {
        if (res === combined || res === '*') return true;
        if (a.subresource.length > 0 && res.startsWith('*/') && a.subresource === res.slice(2)) return true;
        if (res.endsWith('/*') && a.resource === res.slice(0, -2)) return true;
      }
    }
  }
  return false;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*') return true;
  if (spec === path) return true;
  if (spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''))) return true;
  return false;
}

function ruleMatches(r: PolicyRule, a: RequestAttributes): boolean {
  if ((r.users ?? []).length > 0 && (a.user === null || !hasString(r.users, a.user))) return false;
  if ((r.userGroups ?? []).length > 0) {
    if (a.user === null) return false;
    if (!a.groups.some((g) => hasString(r.userGroups, g))) return false;
  }
  if ((r.verbs ?? []).length > 0 && !hasString(r.verbs, a.verb)) return false;
  if ((r.namespaces ?? []).length > 0 || (r.resources ?? []).length > 0) return ruleMatchesResource(r, a);
  if ((r.nonResourceURLs ?? []).length > 0) {
    if (a.isResourceRequest) return false;
    return (r.nonResourceURLs ?? []).some((spec) => pathMatches(a.path, spec));
  }
  return true;
}

function stageUnion(a: readonly string[] | undefined, b: readonly string[] | undefined): Stage[] {
  const set = new Set([...(a ?? []), ...(b ?? [])]);
  return STAGES.filter((s) => set.has(s));
}

/** Evaluates `policy` for `attrs` by scanning the rules as the apiserver does. */
export function evaluateReference(policy: Policy, attrs: RequestAttributes): PolicyDecision {
  for (let i = 0; i < policy.rules.length; i++) {
    const r = policy.rules[i];
    if (ruleMatches(r, attrs)) {
      return {
        level: (LEVELS as readonly string[]).includes(r.level) ? (r.level as Level) : 'None',
        omitStages: stageUnion(policy.omitStages, r.omitStages),
        omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields ?? false,
        rule: i,
      };
    }
  }
  return {
    level: 'None',
    omitStages: stageUnion(policy.omitStages, []),
    omitManagedFields: policy.omitManagedFields ?? false,
    rule: null,
  };
}
