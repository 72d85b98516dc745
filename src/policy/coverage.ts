// Coverage analysis of policy rules, used by the linter. A rule's match set is split into "atoms":
// one value per constrained dimension (a user, a group, a verb, a namespace, one group/resource
// pattern/name, one URL spec), with null meaning "any". An earlier rule covers an atom when it
// matches every request the atom describes, under the §1.2 semantics (wildcards included:
// `pods/*` covers `pods/log`, `/api*` covers `/apis`, a group-less entry only the core group).
// A rule is unreachable when each of its atoms is covered by some earlier rule: this is real
// coverage over unions of earlier rules, not a duplicate check.
import type { PolicyRule } from './types.js';

export interface Atom {
  user: string | null;
  /** A group the request's user belongs to. */
  group: string | null;
  verb: string | null;
  kind: 'resource' | 'nonresource';
  namespace: string | null;
  apiGroup: string | null;
  /** A resource pattern as written in a policy (`pods`, `pods/log`, `pods/*`, `x/scale` forms, `*`). */
  resource: string | null;
  name: string | null;
  /** A non-resource URL spec (`/healthz`, `/api*`, `*`). */
  url: string | null;
}

/** Above this many atoms a rule is not analysed (the linter says so instead of guessing). */
export const MAX_ATOMS = 50_000;

function values(list: string[] | undefined): (string | null)[] {
  return list && list.length > 0 ? [...new Set(list)] : [null];
}

function isResourceRule(r: PolicyRule): boolean {
  return (r.namespaces ?? []).length > 0 || (r.resources ?? []).length > 0;
}

/** The atoms of a rule, or null when there would be more than MAX_ATOMS. */
export function ruleAtoms(rule: PolicyRule): Atom[] | null {
  type Tail = Pick<Atom, 'kind' | 'namespace' | 'apiGroup' | 'resource' | 'name' | 'url'>;
  const tails: Tail[] = [];
  const anyResource: Omit<Tail, 'namespace'> = {
    kind: 'resource',
    apiGroup: null,
    resource: null,
    name: null,
    url: null,
  };
  if (isResourceRule(rule)) {
    const targets: Omit<Tail, 'namespace'>[] = [];
    if ((rule.resources ?? []).length === 0) targets.push(anyResource);
    for (const gr of rule.resources ?? []) {
      const apiGroup = (gr.group ?? '') === '*' ? null : (gr.group ?? '');
      if ((gr.resources ?? []).length === 0) {
        targets.push({ ...anyResource, apiGroup });
        continue;
      }
      for (const res of new Set(gr.resources)) {
        for (const name of values(gr.resourceNames))
          targets.push({ ...anyResource, apiGroup, resource: res, name });
      }
    }
    for (const namespace of values(rule.namespaces)) for (const t of targets) tails.push({ ...t, namespace });
  } else if ((rule.nonResourceURLs ?? []).length > 0) {
    for (const url of new Set(rule.nonResourceURLs)) {
      tails.push({ kind: 'nonresource', namespace: null, apiGroup: null, resource: null, name: null, url });
    }
  } else {
    tails.push({ ...anyResource, namespace: null });
    tails.push({
      kind: 'nonresource',
      namespace: null,
      apiGroup: null,
      resource: null,
      name: null,
      url: null,
    });
  }
  const users = values(rule.users);
  const groups = values(rule.userGroups);
  const verbs = values(rule.verbs);
  if (users.length * groups.length * verbs.length * tails.length > MAX_ATOMS) return null;
  const atoms: Atom[] = [];
  for (const user of users)
    for (const group of groups)
      for (const verb of verbs) for (const t of tails) atoms.push({ user, group, verb, ...t });
  return atoms;
}

/** Does resource pattern `p` (from a covering rule) match every request pattern `q` matches? */
export function patternCovers(p: string, q: string | null): boolean {
  if (p === '*') return true;
  if (q === null || q === '*') return false;
  if (p === q) return true;
  const slash = q.indexOf('/');
  const qRes = slash === -1 ? q : q.slice(0, slash);
  const qSub = slash === -1 ? '' : q.slice(slash + 1);
  if (p.endsWith('/*')) {
    // `r/*` matches resource r with any subresource or none; q must name resource r itself.
    if (qRes !== '*' && qRes === p.slice(0, -2)) return true;
  }
  if (p.startsWith('*/')) {
    // `*/s` matches subresource s of any resource; q must be a concrete `x/s`.
    if (qRes !== '*' && qSub !== '' && qSub !== '*' && qSub === p.slice(2)) return true;
  }
  return false;
}

/** Does URL spec `p` match every path URL spec `q` matches? (`*` suffix = raw string prefix.) */
export function urlCovers(p: string, q: string | null): boolean {
  if (p === '*') return true;
  if (q === null || q === '*') return false;
  if (p === q) return true;
  if (!p.endsWith('*')) return false;
  const prefix = p.replace(/\*+$/, '');
  const qBase = q.endsWith('*') ? q.replace(/\*+$/, '') : q;
  return qBase.startsWith(prefix);
}

function listCovers(list: string[] | undefined, value: string | null): boolean {
  if (!list || list.length === 0) return true;
  return value !== null && list.includes(value);
}

/** Does `rule` match every request described by `atom`? */
export function ruleCovers(rule: PolicyRule, atom: Atom): boolean {
  if (!listCovers(rule.users, atom.user)) return false;
  if (!listCovers(rule.userGroups, atom.group)) return false;
  if (!listCovers(rule.verbs, atom.verb)) return false;
  if (isResourceRule(rule)) {
    if (atom.kind !== 'resource') return false;
    if (!listCovers(rule.namespaces, atom.namespace)) return false;
    if ((rule.resources ?? []).length === 0) return true;
    for (const gr of rule.resources ?? []) {
      const group = gr.group ?? '';
      if (group !== '*' && (atom.apiGroup === null || group !== atom.apiGroup)) continue;
      if ((gr.resources ?? []).length === 0) return true;
      if (!listCovers(gr.resourceNames, atom.name)) continue;
      if ((gr.resources ?? []).some((p) => patternCovers(p, atom.resource))) return true;
    }
    return false;
  }
  if ((rule.nonResourceURLs ?? []).length > 0) {
    return atom.kind === 'nonresource' && (rule.nonResourceURLs ?? []).some((p) => urlCovers(p, atom.url));
  }
  return true;
}

/** Does resource pattern `p` match the concrete request resource `r` with subresource `s`? */
export function patternMatches(p: string, r: string, s: string): boolean {
  if (p === '*' || p === (s === '' ? r : `${r}/${s}`)) return true;
  if (s !== '' && p.startsWith('*/') && p.slice(2) === s) return true;
  return p.endsWith('/*') && p.slice(0, -2) === r;
}

export interface Focus {
  verb?: string;
  /** A concrete request resource: group, resource and subresource ('' for none). */
  target?: { apiGroup: string; resource: string; subresource: string };
}

/** The part of `atom` inside `focus`, or null when they do not overlap. */
export function restrictAtom(atom: Atom, focus: Focus): Atom | null {
  const out = { ...atom };
  if (focus.verb !== undefined) {
    if (atom.verb !== null && atom.verb !== focus.verb) return null;
    out.verb = focus.verb;
  }
  if (focus.target) {
    const t = focus.target;
    if (atom.kind !== 'resource') return null;
    if (atom.apiGroup !== null && atom.apiGroup !== t.apiGroup) return null;
    if (atom.resource !== null && !patternMatches(atom.resource, t.resource, t.subresource)) return null;
    out.apiGroup = t.apiGroup;
    out.resource = t.subresource === '' ? t.resource : `${t.resource}/${t.subresource}`;
  } else if (focus.verb !== undefined && atom.kind !== 'resource') {
    return null;
  }
  return out;
}

/**
 * For rule `index`, restricted to `focus` (or whole): null when it has no atoms there, else the
 * earlier rules that cover its atoms and whether every atom is covered. `analysed` is false when
 * the rule has too many atoms to analyse.
 */
export function coverageOf(
  rules: PolicyRule[],
  index: number,
  focus?: Focus,
): { analysed: boolean; atoms: number; covered: boolean; coveredBy: number[] } {
  const all = ruleAtoms(rules[index]);
  if (all === null) return { analysed: false, atoms: 0, covered: false, coveredBy: [] };
  const atoms = focus ? all.map((a) => restrictAtom(a, focus)).filter((a): a is Atom => a !== null) : all;
  const coveredBy = new Set<number>();
  let covered = true;
  for (const atom of atoms) {
    let by = -1;
    for (let k = 0; k < index; k++) {
      if (ruleCovers(rules[k], atom)) {
        by = k;
        break;
      }
    }
    if (by === -1) covered = false;
    else coveredBy.add(by);
  }
  return { analysed: true, atoms: atoms.length, covered, coveredBy: [...coveredBy].sort((a, b) => a - b) };
}
