// Parquet export of a compiled query, for third-party tools (`kaudit query … --out FILE.parquet`).
// The sandbox lets DuckDB write only inside the store's own directories, so the file is written by
// DuckDB's COPY into the store's spill directory and then moved to where the user asked.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DuckDbStore } from './index.js';

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Runs `sql` (a compiled, checked SELECT) and writes its rows to `path` as Parquet; returns the row count. */
export async function exportParquet(store: DuckDbStore, sql: string, path: string): Promise<number> {
  // The store owns (and closes) the connection.
  const conn = await store.connect();
  {
    const tempDir = String(
      (await conn.runAndReadAll(`SELECT current_setting('temp_directory')`)).getRows()[0][0],
    );
    mkdirSync(tempDir, { recursive: true });
    const staged = join(tempDir, `kaudit-export-${process.pid}-${randomBytes(6).toString('hex')}.parquet`);
    try {
      const reader = await conn.runAndReadAll(`COPY (${sql}) TO ${sqlString(staged)} (FORMAT parquet)`);
      const rows = Number(reader.getRows()[0]?.[0] ?? 0);
      copyFileSync(staged, path);
      return rows;
    } finally {
      rmSync(staged, { force: true });
    }
  }
}
