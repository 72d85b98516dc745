// Resolving a search key to a field (sls-query.md §3.3): catalogued columns by case-insensitive
// name (§9 U-10), `source` as the alias of `__source__`, dotted names below JSON columns
// (annotations, bodies) through the row catalogue, and an unknown key as a clear error with a
// did-you-mean.
import { ALL_COLUMNS, findColumn, resolveDynamicField } from '../../event/columns.js';
import { QueryError } from '../errors.js';
import type { FieldRef } from './ast.js';
import { closestName } from './suggest.js';

/** Reserved fields indexed without delimiters: only whole-value matches (sls-query.md §3.1, D-res). */
const EXACT_FIELDS = new Set(['__source__', '__topic__']);

/**
 * JSON columns whose Kubernetes type has no fields beyond the catalogued sub-columns (UserInfo,
 * ObjectReference): a dotted name below them that is not catalogued is a typo, not a dynamic path.
 */
const CLOSED_PARENTS = new Set(['user', 'impersonatedUser', 'objectRef']);

/** Names a user may search by: every visible column plus the `source` alias. */
export function searchableFieldNames(): string[] {
  return [...ALL_COLUMNS.filter((c) => c.visible).map((c) => c.name), 'source'];
}

/**
 * Resolves a key as written in the query to a field, or throws a QueryError naming it (with a
 * did-you-mean when a catalogued name is close).
 */
export function resolveSearchField(key: string, pos: number): FieldRef {
  const name = key.toLowerCase() === 'source' ? '__source__' : key;
  const col = findColumn(name);
  if (col && col.visible) {
    if (EXACT_FIELDS.has(col.name)) return { kind: 'column', name: col.name, type: 'exact' };
    const type = col.kind === 'long' ? 'long' : col.kind === 'text' ? 'text' : 'json';
    return { kind: 'column', name: col.name, type };
  }
  const dyn = resolveDynamicField(name);
  if (dyn && !CLOSED_PARENTS.has(dyn.parent.name) && dyn.keys.every((k) => k.length > 0)) {
    return { kind: 'path', name, parent: dyn.parent.name, keys: dyn.keys };
  }
  // The suggestion travels in the error (the CLI prints "Did you mean …?" from it).
  const suggestion = closestName(key, searchableFieldNames());
  throw new QueryError(
    `Field '${key}' is not a searchable field` +
      (suggestion ? '' : '; docs/query-search.md lists the fields a search can use'),
    pos,
    suggestion,
  );
}
