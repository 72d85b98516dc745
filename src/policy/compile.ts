// The policy evaluator: each rule is compiled once into a matcher over Sets and precomputed
// decision objects, so evaluating a request allocates nothing. Semantics are exactly those of
// kube-apiserver's checker (../shared/spec/k8s-audit.md §1.2); reference.ts is the literal
// transcription used as the test oracle and the benchmark baseline.
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

export interface CompiledPolicy {
  readonly policy: Policy;
  /** First matching rule decides (even at level None); no match gives level None. */
  evaluate(attrs: RequestAttributes): PolicyDecision;
}

type Matcher = (a: RequestAttributes) => boolean;

interface CompiledGroupEntry {
  /** `resources` empty: every resource and subresource of the group. */
  anyResource: boolean;
  names: Set<string> | null;
  star: boolean;
  /** `pods`, `pods/log` literal forms, compared with the combined resource. */
  exact: Set<string>;
  /** Forms "any-resource/scale": the subresource. */
  anySubresourceOf: Set<string>;
  /** Forms "pods/any": the resource (matches the bare resource too). */
  anyUnder: Set<string>;
}

function compileEntry(resources: string[], resourceNames: string[]): CompiledGroupEntry {
  const e: CompiledGroupEntry = {
    anyResource: resources.length === 0,
    names: resourceNames.length > 0 ? new Set(resourceNames) : null,
    star: false,
    exact: new Set(),
    anySubresourceOf: new Set(),
    anyUnder: new Set(),
  };
  for (const res of resources) {
    if (res === '*') e.star = true;
    e.exact.add(res);
    if (res.startsWith('*/')) e.anySubresourceOf.add(res.slice(2));
    if (res.endsWith('/*')) e.anyUnder.add(res.slice(0, -2));
  }
  return e;
}

function entryMatches(e: CompiledGroupEntry, a: RequestAttributes): boolean {
  if (e.anyResource) return true;
  if (e.names !== null && !e.names.has(a.name)) return false;
  if (e.star) return true;
  const sub = a.subresource;
  if (e.exact.has(sub === '' ? a.resource : `${a.resource}/${sub}`)) return true;
  if (sub !== '' && e.anySubresourceOf.has(sub)) return true;
  return e.anyUnder.has(a.resource);
}

function compileResourceBranch(rule: PolicyRule): Matcher {
  const namespaces = (rule.namespaces ?? []).length > 0 ? new Set(rule.namespaces) : null;
  const resources = rule.resources ?? [];
  if (resources.length === 0) {
    return (a) => a.isResourceRequest && (namespaces === null || namespaces.has(a.namespace));
  }
  const byGroup = new Map<string, CompiledGroupEntry[]>();
  const everyGroup: CompiledGroupEntry[] = [];
  for (const gr of resources) {
    const entry = compileEntry(gr.resources ?? [], gr.resourceNames ?? []);
    const group = gr.group ?? '';
    if (group === '*') everyGroup.push(entry);
    else {
      const list = byGroup.get(group) ?? [];
      list.push(entry);
      byGroup.set(group, list);
    }
  }
  return (a) => {
    if (!a.isResourceRequest) return false;
    if (namespaces !== null && !namespaces.has(a.namespace)) return false;
    const entries = byGroup.get(a.apiGroup);
    if (entries !== undefined) for (const e of entries) if (entryMatches(e, a)) return true;
    for (const e of everyGroup) if (entryMatches(e, a)) return true;
    return false;
  };
}

function compileNonResourceBranch(urls: string[]): Matcher {
  if (urls.includes('*')) return (a) => !a.isResourceRequest;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const spec of urls) {
    exact.add(spec);
    if (spec.endsWith('*')) prefixes.push(spec.replace(/\*+$/, ''));
  }
  return (a) => {
    if (a.isResourceRequest) return false;
    if (exact.has(a.path)) return true;
    for (const p of prefixes) if (a.path.startsWith(p)) return true;
    return false;
  };
}

function compileRule(rule: PolicyRule): Matcher {
  const users = (rule.users ?? []).length > 0 ? new Set(rule.users) : null;
  const groups = (rule.userGroups ?? []).length > 0 ? new Set(rule.userGroups) : null;
  const verbs = (rule.verbs ?? []).length > 0 ? new Set(rule.verbs) : null;
  let branch: Matcher | null = null;
  if ((rule.namespaces ?? []).length > 0 || (rule.resources ?? []).length > 0) {
    branch = compileResourceBranch(rule);
  } else if ((rule.nonResourceURLs ?? []).length > 0) {
    branch = compileNonResourceBranch(rule.nonResourceURLs ?? []);
  }
  return (a) => {
    if (users !== null && (a.user === null || !users.has(a.user))) return false;
    if (groups !== null) {
      if (a.user === null) return false;
      let found = false;
      for (const g of a.groups) {
        if (groups.has(g)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    if (verbs !== null && !verbs.has(a.verb)) return false;
    return branch === null || branch(a);
  };
}

function stageUnion(a: readonly string[] | undefined, b: readonly string[] | undefined): Stage[] {
  const set = new Set([...(a ?? []), ...(b ?? [])]);
  return STAGES.filter((s) => set.has(s));
}

function asLevel(level: string): Level {
  return (LEVELS as readonly string[]).includes(level) ? (level as Level) : 'None';
}

/**
 * Compiles a (validated) policy. Decisions are shared frozen objects: callers must not modify
 * them. A rule whose level is not one of the four levels (an invalid policy) decides None.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const matchers = policy.rules.map(compileRule);
  const decisions: PolicyDecision[] = policy.rules.map((r, i) =>
    Object.freeze({
      level: asLevel(r.level),
      omitStages: Object.freeze(stageUnion(policy.omitStages, r.omitStages)) as Stage[],
      omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields ?? false,
      rule: i,
    }),
  );
  const fallback: PolicyDecision = Object.freeze({
    level: 'None' as Level,
    omitStages: Object.freeze(stageUnion(policy.omitStages, [])) as Stage[],
    omitManagedFields: policy.omitManagedFields ?? false,
    rule: null,
  });
  // Index: for each (resource request?, verb), the rules that can match at all, in order. A rule
  // is a candidate when its verbs allow the verb and its branch allows the request kind; the
  // matcher still checks everything, so the index only skips rules that cannot match.
  const kindAllows = (rule: PolicyRule, resourceRequest: boolean): boolean => {
    if ((rule.namespaces ?? []).length > 0 || (rule.resources ?? []).length > 0) return resourceRequest;
    if ((rule.nonResourceURLs ?? []).length > 0) return !resourceRequest;
    return true;
  };
  const candidatesFor = (verb: string | null, resourceRequest: boolean): number[] =>
    policy.rules
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => kindAllows(r, resourceRequest))
      .filter(({ r }) => (r.verbs ?? []).length === 0 || (verb !== null && (r.verbs ?? []).includes(verb)))
      .map(({ i }) => i);
  const knownVerbs = new Set(policy.rules.flatMap((r) => r.verbs ?? []));
  const byVerb = [new Map<string, Int32Array>(), new Map<string, Int32Array>()];
  const otherVerb = [Int32Array.from(candidatesFor(null, false)), Int32Array.from(candidatesFor(null, true))];
  for (const verb of knownVerbs) {
    byVerb[0].set(verb, Int32Array.from(candidatesFor(verb, false)));
    byVerb[1].set(verb, Int32Array.from(candidatesFor(verb, true)));
  }
  return {
    policy,
    evaluate(attrs: RequestAttributes): PolicyDecision {
      const kind = attrs.isResourceRequest ? 1 : 0;
      const candidates = byVerb[kind].get(attrs.verb) ?? otherVerb[kind];
      for (let k = 0; k < candidates.length; k++) {
        const i = candidates[k];
        if (matchers[i](attrs)) return decisions[i];
      }
      return fallback;
    },
  };
}
