// Placeholder until the sandbox lands: DuckDB settings that confine queries to audit data.
import type { DuckDBConnection } from '@duckdb/node-api';

/** Options passed to DuckDBInstance.create for a store whose files live under `dataDir`. */
export function sandboxInstanceOptions(_dataDir: string, _tempDir: string): Record<string, string> {
  return {};
}

/** Applied after the store has attached its partitions: locks the configuration. */
export async function lockSandbox(_conn: DuckDBConnection): Promise<void> {}
