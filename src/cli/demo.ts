// `kaudit demo`: fills an empty store with a fixed demo week (200k generated events ending now)
// and shows what to try next. `npm start` runs it before the server; the server never writes demo data.
import type { Command } from 'commander';
import { Readable } from 'node:stream';
import { addStoreFlags, type StoreFlags } from './flags.js';
import { withStore } from './store.js';
import { DEMO_EVENTS, DEMO_SEED, generateChunks } from '../generate/index.js';
import { importPaths } from '../ingest/import.js';
import { DEFAULT_CLUSTER } from './import.js';

interface DemoFlags extends StoreFlags {
  events?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('demo')
    .description('Fill an empty store with a fixed demo week (200k events ending now) and show what to try');
  addStoreFlags(cmd, 'cluster id for the demo events (default "default")');
  cmd
    .option('--events <n>', 'how many events', String(DEMO_EVENTS))
    .addHelpText(
      'after',
      `
The demo week is generated with a fixed seed (kaudit generate --seed ${DEMO_SEED} --days 7), so every
demo store holds the same traffic, shifted to end now. A store that already holds events is left alone.

Examples:
  kaudit demo
  kaudit demo --db /tmp/demo.duckdb`,
    )
    .action(async (flags: DemoFlags) => {
      const events = Number(flags.events);
      const cluster = flags.cluster ?? DEFAULT_CLUSTER;
      await withStore(flags, async (store) => {
        const existing = await store.count();
        if (existing > 0) {
          process.stdout.write(
            `The store ${store.location} already holds ${existing} events; no demo data added.\n`,
          );
          return;
        }
        // The end is "now" rounded down to the minute, as `kaudit generate` does.
        const end = Math.floor(Date.now() / 60000) * 60;
        const stream = Readable.from(generateChunks({ events, seed: DEMO_SEED, days: 7, end }));
        const s = await importPaths(store, [{ name: 'kaudit-demo', stream }], { cluster });
        process.stdout.write(
          `Demo week stored: ${s.stored} events in ${s.seconds.toFixed(1)} s (${store.location}).\n\nTry:\n` +
            `  kaudit query 'verb: delete' --since 1d\n` +
            `  kaudit query '* | SELECT "user.username", count(*) AS n GROUP BY "user.username" ORDER BY n DESC LIMIT 10'\n` +
            `  kaudit query 'objectRef.subresource: exec | SELECT "user.username", requestURI LIMIT 20'\n` +
            `  kaudit policy simulate --policy default <your audit.log>\n`,
        );
      });
    });
}
