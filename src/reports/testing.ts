// Test helper: a store holding the hand-written report fixture (test/fixtures/reports), with the
// example threat list configured so that security_check_ip knows the fixture's risky address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../event/types.js';
import { storeWithEvents } from '../store/duckdb/testing.js';
import type { DuckDbStore } from '../store/duckdb/index.js';
import { builtinReportsDir } from './load.js';

/** The repository root (reports/ lives there). */
export const REPO_ROOT = join(builtinReportsDir(), '..');

export function fixtureEvents(): AuditEvent[] {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/reports/events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditEvent);
}

export async function fixtureStore(): Promise<DuckDbStore> {
  return storeWithEvents(fixtureEvents(), {
    store: { enrich: { threatLists: [join(REPO_ROOT, 'docs/examples/threat-feed.txt')] } },
  });
}

/** Rows with JSON text in `request_object` parsed, so expected values can be written as objects. */
export function comparableRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    typeof r.request_object === 'string' ? { ...r, request_object: JSON.parse(r.request_object) } : r,
  );
}
