// What the dialect may ask of a ClickHouse server, derived from its version. The store's
// ClickHouseCapabilities (../capabilities.ts) carry the version and the storage-side flags; the
// dialect derives the query-side ones here so that one module owns each decision.
import { atLeast, type ClickHouseCapabilities } from '../capabilities.js';

export interface DialectFeatures {
  /**
   * Paths inside JSON columns (`requestObject.spec.containers.image: nginx`, `annotations.<key>`):
   * `JSONExtractRaw` (19.5) and `JSONExtractArrayRaw` for paths through arrays; taken from 20.1,
   * which has both. Without it such a search term is applied in DuckDB.
   */
  jsonExtract: boolean;
  /** `hasToken` (20.1): the token test's cheap prefilter (it can use a tokenbf_v1 skip index). */
  hasToken: boolean;
  /**
   * The analytic (SQL) part is translated and run on the server (23.8 LTS and later). It relies on
   * DateTime64 with a time zone, window functions with `lagInFrame`, `quantileGK`, `age`, `toBool`,
   * `prefer_column_name_to_alias`, `aggregate_functions_null_for_empty` and `join_use_nulls`, all of
   * which a 23.8 server has. Older servers (Debian's 18.16) run the search, time window and
   * cluster filter and the statement is finished in DuckDB over the rows they return.
   */
  sqlPushdown: boolean;
}

export function dialectFeatures(caps: Pick<ClickHouseCapabilities, 'version'>): DialectFeatures {
  return {
    jsonExtract: atLeast(caps.version, 20, 1),
    hasToken: atLeast(caps.version, 20, 1),
    sqlPushdown: atLeast(caps.version, 23, 8),
  };
}
