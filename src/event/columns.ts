// The row catalogue: the columns every part of kaudit agrees on (DESIGN.md "The row").
//
// A stored row keeps every Event field under its dotted JSON path, exactly as SLS users write
// them. Nested objects are also kept whole as JSON text (as SLS shows them), arrays as JSON array
// text. Names not listed here but under a JSON column (e.g. `annotations.authorization.k8s.io/reason`,
// `requestObject.spec.containers`) are resolved by the query compiler through `resolveDynamicField`.

/** How a column is searched and typed: SLS index types (text / long) plus JSON text. */
export type ColumnKind = 'text' | 'long' | 'json' | 'jsonArray';

export interface ColumnDef {
  /** The public (SLS) name, e.g. `user.username`. */
  name: string;
  /** DuckDB physical type. */
  duckType: 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'UHUGEINT';
  kind: ColumnKind;
  /** JSON path of the value inside the Event, or null for system fields computed at ingest. */
  path: string[] | null;
  /** True for columns that users see in `SELECT *` and field lists (false for internal ones). */
  visible: boolean;
  /** Low-cardinality string (DuckDB dictionary-compresses it; documented for the query planner). */
  lowCardinality?: boolean;
  /**
   * Computed from `_raw` when read instead of stored: the request/response bodies are the largest
   * values and are already inside `_raw`, so storing them twice would double the disk they take.
   */
  virtual?: boolean;
}

const t = (name: string, path: string[] | null, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  name,
  duckType: 'VARCHAR',
  kind: 'text',
  path,
  visible: true,
  ...extra,
});
const j = (name: string, path: string[], kind: ColumnKind = 'json'): ColumnDef => ({
  name,
  duckType: 'VARCHAR',
  kind,
  path,
  visible: true,
});

/** Internal and system columns, computed at ingest. */
export const SYSTEM_COLUMNS: ColumnDef[] = [
  // Identity hash of the canonical Event plus cluster (DESIGN.md "Identity of an event").
  { name: '_id', duckType: 'UHUGEINT', kind: 'long', path: null, visible: false },
  t('cluster', null, { lowCardinality: true }),
  { name: '__time__', duckType: 'BIGINT', kind: 'long', path: null, visible: true },
  // Microseconds since the epoch of the same instant as __time__: newest-first ordering and ties.
  { name: '_time_us', duckType: 'BIGINT', kind: 'long', path: null, visible: false },
  t('__source__', null, { lowCardinality: true }),
  t('__topic__', null, { lowCardinality: true }),
  { name: '__tag__:__receive_time__', duckType: 'BIGINT', kind: 'long', path: null, visible: true },
];

/** Event fields, in the order kube-apiserver writes them. */
export const EVENT_COLUMNS: ColumnDef[] = [
  t('kind', ['kind'], { lowCardinality: true }),
  t('apiVersion', ['apiVersion'], { lowCardinality: true }),
  t('level', ['level'], { lowCardinality: true }),
  t('auditID', ['auditID']),
  t('stage', ['stage'], { lowCardinality: true }),
  t('requestURI', ['requestURI']),
  t('verb', ['verb'], { lowCardinality: true }),
  j('user', ['user']),
  t('user.username', ['user', 'username']),
  t('user.uid', ['user', 'uid']),
  j('user.groups', ['user', 'groups'], 'jsonArray'),
  j('user.extra', ['user', 'extra']),
  j('impersonatedUser', ['impersonatedUser']),
  t('impersonatedUser.username', ['impersonatedUser', 'username']),
  t('impersonatedUser.uid', ['impersonatedUser', 'uid']),
  j('impersonatedUser.groups', ['impersonatedUser', 'groups'], 'jsonArray'),
  j('impersonatedUser.extra', ['impersonatedUser', 'extra']),
  j('authenticationMetadata', ['authenticationMetadata']),
  j('sourceIPs', ['sourceIPs'], 'jsonArray'),
  t('userAgent', ['userAgent']),
  j('objectRef', ['objectRef']),
  t('objectRef.resource', ['objectRef', 'resource'], { lowCardinality: true }),
  t('objectRef.namespace', ['objectRef', 'namespace'], { lowCardinality: true }),
  t('objectRef.name', ['objectRef', 'name']),
  t('objectRef.uid', ['objectRef', 'uid']),
  t('objectRef.apiGroup', ['objectRef', 'apiGroup'], { lowCardinality: true }),
  t('objectRef.apiVersion', ['objectRef', 'apiVersion'], { lowCardinality: true }),
  t('objectRef.resourceVersion', ['objectRef', 'resourceVersion']),
  t('objectRef.subresource', ['objectRef', 'subresource'], { lowCardinality: true }),
  j('responseStatus', ['responseStatus']),
  {
    name: 'responseStatus.code',
    duckType: 'INTEGER',
    kind: 'long',
    path: ['responseStatus', 'code'],
    visible: true,
  },
  t('responseStatus.status', ['responseStatus', 'status'], { lowCardinality: true }),
  t('responseStatus.reason', ['responseStatus', 'reason'], { lowCardinality: true }),
  t('responseStatus.message', ['responseStatus', 'message']),
  { ...j('requestObject', ['requestObject']), virtual: true },
  { ...j('responseObject', ['responseObject']), virtual: true },
  t('requestReceivedTimestamp', ['requestReceivedTimestamp']),
  t('stageTimestamp', ['stageTimestamp']),
  j('annotations', ['annotations']),
];

/** Internal text columns: the original Event JSON and the full-text search text. */
export const TEXT_COLUMNS: ColumnDef[] = [
  // The Event exactly as decoded (unknown fields kept), minified JSON.
  t('_raw', null, { visible: false }),
  // The Event JSON lower-cased, with the JSON escapes that stand for SLS delimiters turned into
  // spaces (store/duckdb/schema.ts decodedTextExpr): full-text search matches tokens here.
  t('_text', null, { visible: false }),
];

export const ALL_COLUMNS: ColumnDef[] = [...SYSTEM_COLUMNS, ...EVENT_COLUMNS, ...TEXT_COLUMNS];

const BY_LOWER_NAME = new Map(ALL_COLUMNS.map((c) => [c.name.toLowerCase(), c]));

/** Looks a column up by name; SLS key names are case-insensitive (sls-query.md §3.3, §9 U-10). */
export function findColumn(name: string): ColumnDef | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** JSON columns whose sub-keys are single map keys that may themselves contain dots. */
const MAP_PARENTS = new Set(['annotations', 'user.extra', 'impersonatedUser.extra']);

export interface DynamicField {
  /** The physical JSON column holding the value. */
  parent: ColumnDef;
  /** Keys below the parent (one key for maps such as annotations, a dotted path otherwise). */
  keys: string[];
}

/**
 * Resolves a dotted name that is not a physical column to a path inside a JSON column: the longest
 * JSON column that prefixes the name. `annotations.authorization.k8s.io/reason` → annotations /
 * ["authorization.k8s.io/reason"]; `requestObject.spec.containers` → requestObject / ["spec","containers"].
 */
export function resolveDynamicField(name: string): DynamicField | undefined {
  let best: ColumnDef | undefined;
  for (const c of ALL_COLUMNS) {
    if ((c.kind !== 'json' && c.kind !== 'jsonArray') || !c.visible) continue;
    if (name.length > c.name.length + 1 && name.toLowerCase().startsWith(c.name.toLowerCase() + '.')) {
      if (!best || c.name.length > best.name.length) best = c;
    }
  }
  if (!best) return undefined;
  const rest = name.slice(best.name.length + 1);
  return { parent: best, keys: MAP_PARENTS.has(best.name) ? [rest] : rest.split('.') };
}
