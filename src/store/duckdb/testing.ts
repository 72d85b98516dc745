// Test helper: an in-memory store filled through the real ingest path (decode → identity → store).
import { decodeEventObject } from '../../event/decode.js';
import type { AuditEvent } from '../../event/types.js';
import { prepareRow } from '../../ingest/prepare.js';
import type { IngestRow } from '../store.js';
import { openDuckDbStore, type DuckDbStore, type DuckDbStoreOptions } from './index.js';

export interface TestEventsOptions {
  cluster?: string;
  source?: string;
  store?: Partial<DuckDbStoreOptions>;
}

/** Opens a ':memory:' store and ingests `events` (each must decode as an audit Event). */
export async function storeWithEvents(
  events: AuditEvent[],
  opts: TestEventsOptions = {},
): Promise<DuckDbStore> {
  const store = await openDuckDbStore({ path: ':memory:', ...opts.store });
  await addEvents(store, events, opts);
  return store;
}

export async function addEvents(
  store: DuckDbStore,
  events: AuditEvent[],
  opts: TestEventsOptions = {},
): Promise<void> {
  const rows: IngestRow[] = [];
  for (const ev of events) {
    const d = decodeEventObject(ev);
    if (typeof d === 'string')
      throw new Error(`test event ${JSON.stringify(ev).slice(0, 200)} is invalid: ${d}`);
    const row = prepareRow(d, opts.cluster ?? 'default', opts.source ?? 'test');
    if (row) rows.push(row);
  }
  await store.ingest(rows);
}
