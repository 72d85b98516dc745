// What a ClickHouse server can do, from its version (SELECT version()). The store uses these to
// choose its DDL and insert settings; the query dialect (./dialect) uses them to choose functions or
// to finish a statement in DuckDB. Debian's package is 18.16 (docs/scale-out.md lists the releases).
//
// Each flag names the first release that has the feature without an experimental setting, taken
// from the ClickHouse changelog; a flag is only ever a lower bound on the version.

export interface ClickHouseCapabilities {
  /** The server's version text, e.g. `18.16.1` or `24.8.4.13`. */
  version: string;
  /** `LowCardinality(String)` without `allow_experimental_low_cardinality_type` (19.0). */
  lowCardinality: boolean;
  /** `JSONExtract*` functions (simdjson based, 19.5); before that only `visitParam*`. */
  jsonExtract: boolean;
  /** `hasToken(haystack, token)` (20.1). */
  hasToken: boolean;
  /** Predicates are pushed into views and subqueries by default (19.x; 18.16 scans the whole table). */
  viewPredicatePushdown: boolean;
  /** `insert_deduplication_token` insert setting (22.2): retried blocks with the same token are dropped. */
  insertDeduplicationToken: boolean;
  /** `non_replicated_deduplication_window` MergeTree setting: block deduplication without replication (21.3). */
  nonReplicatedDeduplication: boolean;
  /** Nullable columns in the sorting key (`allow_nullable_key`, 21.6); older servers refuse them. */
  nullableKey: boolean;
}

/** [major, minor, patch] of a version text; missing parts are 0. */
export function parseVersion(version: string): [number, number, number] {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new Error(`"${version}" is not a ClickHouse version`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** True when `version` is at least `major.minor`. */
export function atLeast(version: string, major: number, minor = 0): boolean {
  const [a, b] = parseVersion(version);
  return a > major || (a === major && b >= minor);
}

export function capabilitiesFor(version: string): ClickHouseCapabilities {
  return {
    version,
    lowCardinality: atLeast(version, 19, 0),
    jsonExtract: atLeast(version, 19, 5),
    hasToken: atLeast(version, 20, 1),
    viewPredicatePushdown: atLeast(version, 19, 0),
    insertDeduplicationToken: atLeast(version, 22, 2),
    nonReplicatedDeduplication: atLeast(version, 21, 3),
    nullableKey: atLeast(version, 21, 6),
  };
}
