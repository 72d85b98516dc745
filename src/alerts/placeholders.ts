// Query placeholders of rule files (docs/alerts.md "Placeholders"), expanded before a query is
// compiled: `{{macro}}` → `(macro search text)`, `{{field in list}}` in the search part →
// `(field: "a" or field: "b")`, `{{list}}` in the SQL part → `'a', 'b'` for `IN (…)`. Exceptions
// become `and not (f1: "v1" and f2: "v2")` terms on the first query's search part.
import { splitQuery } from '../query/split.js';
import type { RuleException } from './rule.js';

export interface ExpansionScope {
  lists: Map<string, string[]>;
  /** macro name → SLS search fragment */
  macros: Map<string, string>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const IN_LIST = /^(\S+)\s+in\s+([a-z0-9_]+)$/;

/** A value as an SLS search phrase: double-quoted, `\` and `"` escaped. */
export function searchLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value as a SQL string literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Items of a list; an item that names another list stands for that list's items (as in Falco). */
function listItems(scope: ExpansionScope, name: string, seen: string[] = []): string[] {
  const items = scope.lists.get(name);
  if (!items) throw new Error(`unknown list {{${name}}}; define it under lists:`);
  if (seen.includes(name)) throw new Error(`list ${name} includes itself (${[...seen, name].join(' → ')})`);
  return items.flatMap((it) =>
    scope.lists.has(it) && it !== name ? listItems(scope, it, [...seen, name]) : [it],
  );
}

/** `(field: "a" or field: "b")`; an empty list matches nothing. */
function fieldInList(field: string, values: string[]): string {
  if (values.length === 0) return '(not *)';
  return `(${values.map((v) => `${field}: ${searchLiteral(v)}`).join(' or ')})`;
}

function expandSearch(text: string, scope: ExpansionScope, stack: string[]): string {
  return text.replace(PLACEHOLDER, (_m, inner: string) => {
    const inList = IN_LIST.exec(inner);
    if (inList) return fieldInList(inList[1], listItems(scope, inList[2]));
    if (scope.macros.has(inner)) {
      if (stack.includes(inner))
        throw new Error(`macro ${inner} uses itself (${[...stack, inner].join(' → ')})`);
      return `(${expandSearch(scope.macros.get(inner)!, scope, [...stack, inner])})`;
    }
    if (scope.lists.has(inner)) {
      throw new Error(
        `{{${inner}}} is a list; in a search write {{field in ${inner}}}, in SQL use IN ({{${inner}}}) after |`,
      );
    }
    throw new Error(`unknown macro or list {{${inner}}}; define it under macros: or lists:`);
  });
}

function expandSql(text: string, scope: ExpansionScope): string {
  return text.replace(PLACEHOLDER, (_m, inner: string) => {
    if (scope.lists.has(inner)) {
      const items = listItems(scope, inner);
      return items.length ? items.map(sqlLiteral).join(', ') : 'NULL';
    }
    if (scope.macros.has(inner)) {
      throw new Error(
        `{{${inner}}} is a macro (a search fragment) and cannot be used in the SQL part after |`,
      );
    }
    if (IN_LIST.test(inner)) {
      throw new Error(`{{${inner}}} belongs in the search part; in SQL write "field" IN ({{list}})`);
    }
    throw new Error(`unknown list {{${inner}}}; define it under lists:`);
  });
}

/** The `and not (…)` terms of a rule's exceptions. */
export function exceptionTerms(exceptions: RuleException[]): string[] {
  const terms: string[] = [];
  for (const ex of exceptions) {
    for (const value of ex.values) {
      const tuple = Array.isArray(value) ? value : [value];
      if (tuple.length !== ex.fields.length) {
        throw new Error(
          `exception ${ex.name}: the value ${JSON.stringify(value)} has ${tuple.length} item(s) for ${ex.fields.length} field(s) (${ex.fields.join(', ')})`,
        );
      }
      const parts = ex.fields.map((f, i) => {
        const v = tuple[i];
        return Array.isArray(v) ? fieldInList(f, v.map(String)) : `${f}: ${searchLiteral(String(v))}`;
      });
      terms.push(`not (${parts.join(' and ')})`);
    }
  }
  return terms;
}

/** Expands the placeholders of one query and appends the exception terms to its search part. */
export function expandQuery(query: string, scope: ExpansionScope, exceptions: RuleException[] = []): string {
  const parts = splitQuery(query);
  let search = expandSearch(parts.search, scope, []).trim();
  const terms = exceptionTerms(exceptions);
  if (terms.length) {
    const base = search === '' || search === '*' ? '*' : `(${search})`;
    search = [base, ...terms].join(' and ');
  }
  if (parts.sql === undefined) return search;
  return `${search === '' ? '*' : search} | ${expandSql(parts.sql, scope).trim()}`;
}
