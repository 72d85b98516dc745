// The DuckDB dialect of the query language: renders bound SQL statements (sql.ts, functions.ts)
// and search statements (search.ts, owned by the search part) for the `kaudit_events` relation.
import type { Dialect, RenderContext } from '../../../query/dialect.js';
import type { BoundStatement } from '../../../query/sql/bind.js';
import { EVENTS_RELATION } from '../../store.js';
import { implementsFunction } from './functions.js';
import { baseConditions, SqlRenderer } from './sql.js';

export const duckDbDialect: Dialect = {
  name: 'duckdb',
  renderStatement(stmt: BoundStatement, ctx: RenderContext): string {
    return new SqlRenderer(ctx).query(stmt.query);
  },
  renderSearchPage(ctx: RenderContext, page: { limit: number; offset: number }): string {
    const conds = baseConditions(ctx);
    const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
    const offset = page.offset > 0 ? ` OFFSET ${page.offset}` : '';
    return `SELECT "_raw", "__time__", "__source__", "cluster" FROM ${EVENTS_RELATION}${where} ORDER BY "_time_us" DESC, "_id" DESC LIMIT ${page.limit}${offset}`;
  },
  implementsFunction,
};
