// The ClickHouse dialect of the query language (issue #8 item 3). For the ClickHouse store:
//
//   const dialect = clickHouseDialect(capabilities);          // Store.dialect
//   querySql(sql) => executePlannedSql(sql, (s) => runOnServer(s, sandboxSettings({timeoutMs})))
//
// renderStatement / renderSearchPage return SQL text for Store.querySql: either a ClickHouse
// statement, or an encoded split plan (plan.ts) that executePlannedSql (finish.ts) runs — the base
// filter on the server, the rest in an in-memory DuckDB. runOnServer must return clickHouseResult()
// of a JSONCompact answer (result.ts). docs/clickhouse-dialect.md lists what needs which release.
import type { Dialect, RenderContext } from '../../../query/dialect.js';
import { FUNCTIONS } from '../../../query/functions.js';
import type { BoundStatement } from '../../../query/sql/bind.js';
import type { ClickHouseCapabilities } from '../capabilities.js';
import { dialectFeatures, type DialectFeatures } from './features.js';
import { encodePlan, planSearchPage, planStatement } from './plan.js';

export { executePlannedSql, finishInDuckDb, type ServerQuery } from './finish.js';
export { clickHouseResult, clickHouseValue, duckTypeName, type ClickHouseJson } from './result.js';
export { sandboxSettings, type SandboxLimits } from './settings.js';
export { decodePlan, encodePlan, planSearchPage, planStatement, type QueryPlan } from './plan.js';
export { dialectFeatures, type DialectFeatures } from './features.js';

export interface ClickHouseDialect extends Dialect {
  readonly features: DialectFeatures;
}

export function clickHouseDialect(caps: Pick<ClickHouseCapabilities, 'version'>): ClickHouseDialect {
  const features = dialectFeatures(caps);
  return {
    name: 'clickhouse',
    features,
    renderStatement(stmt: BoundStatement, ctx: RenderContext): string {
      return encodePlan(planStatement(stmt, ctx, features));
    },
    renderSearchPage(ctx: RenderContext, page: { limit: number; offset: number }): string {
      return encodePlan(planSearchPage(ctx, page, features));
    },
    // Every catalogue function runs: on the server where translated, else finished in DuckDB.
    implementsFunction: (name: string) => Object.prototype.hasOwnProperty.call(FUNCTIONS, name),
  };
}
