// Opening the store from command-line flags, with the store's notices (created, recreated,
// migrated) printed to stderr: a DuckDB file (--db, --store duckdb://) or a ClickHouse database
// (--store clickhouse://…, docs/scale-out.md).
import { openDuckDbStore, type DuckDbStore } from '../store/duckdb/index.js';
import { openClickHouseStore, type ClickHouseStore } from '../store/clickhouse/index.js';
import { storeLocation, type StoreFlags, type StoreLocation } from './flags.js';
import { refuseWhileServed } from './remote.js';

/** Either backend: both offer the Store interface plus settings, rejects, self-audit and sizes. */
export type KauditStore = DuckDbStore | ClickHouseStore;

const notice = (m: string) => process.stderr.write(`kaudit: ${m}\n`);

/** Opens the store at `loc` (no check for a running server: see openStoreFromFlags). */
export async function openStoreAt(
  loc: StoreLocation,
  opts: { onNotice?: (message: string) => void; memoryLimit?: string } = {},
): Promise<KauditStore> {
  const onNotice = opts.onNotice ?? notice;
  if (loc.kind === 'clickhouse') {
    return openClickHouseStore({ url: loc.url, cluster: loc.chCluster, onNotice });
  }
  return openDuckDbStore({
    path: loc.path,
    onNotice,
    ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
  });
}

export async function openStoreFromFlags(flags: StoreFlags, command = 'this command'): Promise<KauditStore> {
  const loc = storeLocation(flags);
  // Only a DuckDB file has one owner; any number of processes share a ClickHouse store.
  if (loc.kind === 'duckdb') refuseWhileServed(loc.path, command);
  return openStoreAt(loc);
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(
  flags: StoreFlags,
  fn: (store: KauditStore) => Promise<T>,
  command?: string,
): Promise<T> {
  const store = await openStoreFromFlags(flags, command);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
