// Opening the store from command-line flags, with the store's notices (created, recreated,
// migrated) printed to stderr.
import { openDuckDbStore, type DuckDbStore } from '../store/duckdb/index.js';
import { storeLocation, type StoreFlags } from './flags.js';
import { refuseWhileServed } from './remote.js';

export async function openStoreFromFlags(flags: StoreFlags, command = 'this command'): Promise<DuckDbStore> {
  const loc = storeLocation(flags);
  refuseWhileServed(loc.path, command);
  return openDuckDbStore({
    path: loc.path,
    onNotice: (m) => process.stderr.write(`kaudit: ${m}\n`),
  });
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(
  flags: StoreFlags,
  fn: (store: DuckDbStore) => Promise<T>,
  command?: string,
): Promise<T> {
  const store = await openStoreFromFlags(flags, command);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
