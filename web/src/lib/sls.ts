// SLS query text the console writes for the user: quoting a value, adding a `field: "value"` term,
// and the derived queries of the search page (histogram, top values), all on the search part so
// they count exactly what the user's search matches (sls-query.md §2–3).
import { splitQuery } from '../../../src/query/split.js';

export { splitQuery };

/** A value as an SLS quoted phrase: `"` and `\` escaped (sls-query.md §3.5). */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A search term for one field value; numbers stay bare so `responseStatus.code: 403` compares numerically. */
export function term(field: string, value: string | number | boolean | null): string {
  if (value === null) return `not ${field}: *`;
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
    return `${field}: ${value}`;
  }
  return `${field}: ${quote(String(value))}`;
}

/** True when a search needs parentheses before `and` is added (`and` binds tighter than `or`/`not`, §9 U-1). */
function needsParens(search: string): boolean {
  let inQuote = false;
  let plain = '';
  for (let i = 0; i < search.length; i++) {
    const c = search[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote) plain += c;
  }
  return /(^|[\s)])(or|not)(?=[\s(]|$)/i.test(plain);
}

/** The search part of `query`, `*` when empty. */
export function searchPart(query: string): string {
  const s = splitQuery(query).search.trim();
  return s === '' ? '*' : s;
}

/** `query` with `extra` ANDed to its search part; the SQL part (if any) kept as it was. */
export function addTerm(query: string, extra: string): string {
  const { search, sql } = splitQuery(query);
  const s = search.trim();
  const combined =
    s === '' || s === '*' ? extra : needsParens(s) ? `(${s}) and ${extra}` : `${s} and ${extra}`;
  return sql === undefined ? combined : `${combined} | ${sql.trim()}`;
}

/** Events per bucket of the query's search part; the rows sum to the number of matching events. */
export function histogramQuery(query: string, bucket: number): string {
  return `${searchPart(query)} | select __time__ - __time__ % ${bucket} as t, count(1) as n group by t order by t limit 100000`;
}

/** The ten most common values of one field among the events the search part matches. */
export function topValuesQuery(query: string, field: string): string {
  return `${searchPart(query)} | select ${quoteIdentifier(field)} as value, count(1) as n group by value order by n desc limit 10`;
}

/** A field name as an SQL identifier (`"user.username"`). */
export function quoteIdentifier(field: string): string {
  return `"${field.replace(/"/g, '""')}"`;
}

/** True when the query has an SQL part (after an unquoted `|`). */
export function hasSql(query: string): boolean {
  return splitQuery(query).sql !== undefined;
}

/**
 * A drill-down template with `${column}` placeholders filled from one result row. Values are
 * escaped for use inside a quoted phrase, where report templates put them; unknown names → empty
 * (the same rule as alert templates, sls-query.md §5.3).
 */
export function fillTemplate(template: string, row: Record<string, unknown>): string {
  return template.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    const v = row[name.trim()];
    if (v === null || v === undefined) return '';
    return String(typeof v === 'object' ? JSON.stringify(v) : v).replace(/[\\"]/g, (c) => `\\${c}`);
  });
}

/** Line and column (both 0-based) of a character offset, for the caret under a syntax error. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
  const lines = before.split('\n');
  return { line: lines.length - 1, column: lines[lines.length - 1].length };
}
