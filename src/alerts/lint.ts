// `kaudit alerts lint`: load problems plus what a rule that loads can still get wrong — a condition
// naming a column its query does not return (it reads as the empty string, §9 U-4), groupBy or
// annotation placeholders naming unknown columns, channels that are not configured.
import { lintCondition, parseCondition } from './condition.js';
import type { Problem, Rule } from './rule.js';
import { templateNames } from './template.js';

/** Template variables every alert has besides its result columns (docs/alerts.md "Templates"). */
export const BUILTIN_VARS = new Set([
  '__count__',
  'alert_id',
  'alert_name',
  'severity',
  'fire_time',
  'alert_time',
  'resolve_time',
  'group',
  'status',
  'status_text',
  'results',
  'fire_results_count',
  'title',
  'desc',
  'row',
  'AlertID',
  'AlertName',
  'AlertDisplayName',
  'FireTime',
  'Results',
]);

function knownColumn(name: string, columns: (string[] | undefined)[]): boolean {
  const m = /^\$(\d)\.(.*)$/s.exec(name);
  const [q, col] = m ? [Number(m[1]), m[2]] : [0, name];
  const cols = columns[q];
  if (!cols) return true; // a search without SQL: rows are whole events, any field may exist
  return cols.includes(col) || (!m && columns.some((c) => c?.includes(col)));
}

export function lintRules(rules: Rule[], opts: { channels?: string[] } = {}): Problem[] {
  const out: Problem[] = [];
  for (const r of rules) {
    const add = (severity: Problem['severity'], message: string) =>
      out.push({ file: r.file, rule: r.id, severity, message });
    for (const l of lintCondition(parseCondition(r.condition), r.columns)) add(l.severity, l.message);
    for (const g of r.groupBy) {
      if (!knownColumn(g, r.columns)) {
        add('warning', `groupBy "${g}" is not a column of the query; every row falls into one group`);
      }
    }
    for (const [k, t] of [...Object.entries(r.annotations), ...Object.entries(r.labels)]) {
      for (const name of templateNames(t)) {
        const root = name.split('.')[0];
        if (
          BUILTIN_VARS.has(name) ||
          root === 'labels' ||
          root === 'annotations' ||
          /^(results|Results)\[/.test(name)
        ) {
          continue;
        }
        if (!knownColumn(name, r.columns)) {
          add(
            'warning',
            `"${k}" uses \${${name}}, which is neither a column of the query nor a built-in; it renders empty`,
          );
        }
      }
    }
    if (opts.channels) {
      for (const c of r.channels ?? []) {
        if (!opts.channels.includes(c)) {
          add(
            'error',
            `channel "${c}" is not configured; add it under alerts.channels or remove it from the rule`,
          );
        }
      }
    }
  }
  return out;
}
