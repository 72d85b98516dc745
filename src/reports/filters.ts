// The filters every report takes (namespace, user, status code) as SLS search terms ANDed into
// each panel's search part, so they have the search language's token semantics (sls-query.md §3.1)
// and the final query text shown by a panel is exactly what ran:
//   namespace → objectRef.namespace: "ns"   user → user.username: "u"   status → responseStatus.code: 403
import { UserError } from '../cli/errors.js';
import { splitQuery } from '../query/split.js';
import type { ReportFilters } from './model.js';

/** A double-quoted SLS search value: `\` and `"` escaped, `|` escaped so it never splits the query. */
export function quoteSearchValue(value: string): string {
  return `"${value.replace(/[\\"|]/g, (c) => `\\${c}`)}"`;
}

/** The search terms of `filters`, checked: empty values and non-numeric status codes are errors. */
export function filterTerms(filters: ReportFilters): string[] {
  const terms: string[] = [];
  const text = (name: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (v.trim() === '') {
      throw new UserError(
        `the ${name} filter is empty; give a value (e.g. --${name} team-a) or leave it out.`,
      );
    }
    return v.trim();
  };
  const ns = text('namespace', filters.namespace);
  if (ns !== undefined) terms.push(`objectRef.namespace: ${quoteSearchValue(ns)}`);
  const user = text('user', filters.user);
  if (user !== undefined) terms.push(`user.username: ${quoteSearchValue(user)}`);
  if (filters.status !== undefined && filters.status !== '') {
    const s = String(filters.status).trim();
    if (!/^[1-5]\d\d$/.test(s)) {
      throw new UserError(
        `the status filter "${filters.status}" is not an HTTP status code; give three digits such as 403.`,
      );
    }
    terms.push(`responseStatus.code: ${Number(s)}`);
  }
  return terms;
}

/** `query` with `terms` ANDed to its search part (the SQL part is left as written). */
export function applyFilterTerms(query: string, terms: string[]): string {
  if (terms.length === 0) return query;
  const parts = splitQuery(query);
  const search = parts.search.trim();
  const filter = terms.join(' and ');
  const combined = search === '' || search === '*' ? filter : `(${search}) and ${filter}`;
  return parts.sql === undefined ? combined : `${combined} |${parts.sql}`;
}
