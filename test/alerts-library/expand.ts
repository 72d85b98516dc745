// A small, independent reading of the rule-file contract (lists, macros, placeholders, exceptions,
// overrides) used by the library tests until the alerts engine's loader (src/alerts/rule.ts,
// `loadRuleFiles`) is available; the tests use the engine's loader instead as soon as it exists.
// It follows the contract text of the task brief, not the engine's code, so the two can be compared.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { splitQuery } from '../../src/query/split.js';

export interface LibraryRule {
  id: string;
  name: string;
  description: string;
  source: string;
  severity: string;
  level: 'Metadata' | 'Request' | 'RequestResponse';
  match: { verbs?: string[]; resources?: string[]; namespaces?: string[] };
  enabled: boolean;
  schedule: unknown;
  window: unknown;
  queries: string[];
  condition: string;
  groupBy?: string[];
  annotations: Record<string, string>;
  exceptions?: { name: string; fields: string[]; values: string[][] }[];
  file: string;
}

interface RawFile {
  lists?: { list: string; items: string[]; append?: boolean }[];
  macros?: { macro: string; search: string }[];
  rules?: (Partial<LibraryRule> & {
    id: string;
    override?: Record<string, unknown>;
    append?: { exceptions?: LibraryRule['exceptions'] };
  })[];
}

const searchQuote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const sqlQuote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Loads rule files in order (later files extend lists, redefine macros, amend rules by id) and expands queries. */
export function loadLibrary(paths: string[]): LibraryRule[] {
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const rules = new Map<string, LibraryRule>();
  for (const file of paths) {
    const raw = (parse(readFileSync(file, 'utf8')) ?? {}) as RawFile;
    for (const l of raw.lists ?? []) {
      lists.set(l.list, l.append ? [...(lists.get(l.list) ?? []), ...l.items] : [...l.items]);
    }
    for (const m of raw.macros ?? []) macros.set(m.macro, m.search);
    for (const r of raw.rules ?? []) {
      const existing = rules.get(r.id);
      if (existing && (r.override || r.append)) {
        Object.assign(existing, r.override ?? {});
        existing.exceptions = [...(existing.exceptions ?? []), ...(r.append?.exceptions ?? [])];
        continue;
      }
      if (existing) throw new Error(`${file}: rule ${r.id} is defined twice`);
      rules.set(r.id, { condition: '', match: {}, annotations: {}, ...r, file } as LibraryRule);
    }
  }
  const expandSearch = (text: string, where: string, depth = 0): string => {
    if (depth > 20) throw new Error(`${where}: macros nest too deeply`);
    return text.replace(
      /\{\{\s*([a-z0-9_]+)(?:\s+in\s+([a-z0-9_]+))?\s*\}\}/g,
      (_m, a: string, b?: string) => {
        if (b !== undefined) {
          const items = lists.get(b);
          if (!items) throw new Error(`${where}: unknown list ${b}`);
          if (items.length === 0) return '(stage: never)';
          return `(${items.map((v) => `${a}: ${searchQuote(v)}`).join(' or ')})`;
        }
        const macro = macros.get(a);
        if (macro === undefined) throw new Error(`${where}: unknown macro ${a}`);
        return `(${expandSearch(macro, where, depth + 1)})`;
      },
    );
  };
  const expandSql = (text: string, where: string): string =>
    text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (_m, name: string) => {
      const items = lists.get(name);
      if (!items) throw new Error(`${where}: unknown list ${name} in SQL`);
      return items.length === 0 ? 'NULL' : items.map(sqlQuote).join(', ');
    });
  const out: LibraryRule[] = [];
  for (const rule of rules.values()) {
    const where = `${rule.file}:${rule.id}`;
    rule.queries = (rule.queries ?? []).map((q, i) => {
      const parts = splitQuery(q);
      let search = expandSearch(parts.search, where);
      if (i === 0) {
        for (const ex of rule.exceptions ?? []) {
          for (const tuple of ex.values) {
            const terms = ex.fields.map((f, k) => `${f}: ${searchQuote(tuple[k])}`);
            search = `(${search.trim() || '*'}) and not (${terms.join(' and ')})`;
          }
        }
      }
      return parts.sql === undefined ? search : `${search} | ${expandSql(parts.sql, where)}`;
    });
    out.push(rule);
  }
  return out;
}
