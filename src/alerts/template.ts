// `${name}` templates of annotations and notifications (sls-query.md §5.3): exact-name match first
// (result columns may contain dots, e.g. `user.username`), then a path into objects
// (`labels.team`, `results[0].query`); unknown or invalid references render as the empty string,
// objects and arrays as JSON text.
import { valueText } from './condition.js';

export type TemplateVars = Record<string, unknown>;

const PLACEHOLDER = /\$\{([^{}]*)\}/g;

function lookup(vars: TemplateVars, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
  // `a.b[0].c` → ['a', 'b', '0', 'c']; at each step the longest key present wins, so
  // `labels.app.kubernetes.io/name` finds the label `app.kubernetes.io/name`.
  const parts = name.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur: unknown = vars;
  let i = 0;
  while (i < parts.length) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const obj = cur as Record<string, unknown>;
    let found = false;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        cur = obj[key];
        i = j;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  return cur;
}

/** Renders `${…}` placeholders of `template` from `vars`. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => valueText(lookup(vars, name.trim())));
}

/** The placeholder names a template uses (for lint). */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
}
