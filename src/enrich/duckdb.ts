// Placeholder until the enrich module lands: registers the IP functions as DuckDB scalar functions.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface EnrichOptions {
  /** Locale of place names: 'en' (default) or 'zh'. */
  locale?: 'en' | 'zh';
  /** Files of IPs/CIDRs (one per line) for security_check_ip. */
  threatLists?: string[];
}

export async function registerEnrichFunctions(
  _conn: DuckDBConnection,
  _opts: EnrichOptions = {},
): Promise<void> {}
