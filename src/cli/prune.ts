// `kaudit prune`: apply retention (by receive time) now, dropping whole day partitions.
import type { Command } from 'commander';
import { addOutputFlags, addStoreFlags, outputFormat, type OutputFlags, type StoreFlags } from './flags.js';
import { withStore } from './store.js';
import { applyRetention, configuredRetention, setRetention } from '../store/retention.js';

interface PruneFlags extends StoreFlags, OutputFlags {
  retention?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('prune')
    .description('Apply retention now: drop every day partition received before now minus the retention');
  addStoreFlags(cmd);
  addOutputFlags(cmd, ['table', 'json']);
  cmd
    .option(
      '--retention <dur>',
      'set the retention (e.g. 90d; 0 keeps everything) and apply it; default: the store setting (30d)',
    )
    .addHelpText(
      'after',
      `
Retention counts from when kaudit stored an event (__tag__:__receive_time__), as in SLS, so an old
log imported for forensics is kept for the full period. Whole day files are deleted, so the disk
space comes back.

Examples:
  kaudit prune                    # apply the store's retention (default 30d)
  kaudit prune --retention 90d    # keep 90 days from now on, and apply it
  kaudit prune --retention 0      # keep everything`,
    )
    .action(async (flags: PruneFlags) => {
      const format = outputFormat(flags);
      const result = await withStore(flags, async (store) => {
        if (flags.retention !== undefined) await setRetention(store, flags.retention);
        const retention = await configuredRetention(store);
        const dropped = await applyRetention(store, retention.seconds);
        return { retention: retention.text, ...dropped };
      });
      if (format === 'json') process.stdout.write(JSON.stringify(result) + '\n');
      else if (!result.partitions.length) {
        process.stdout.write(`retention ${result.retention}: nothing to drop\n`);
      } else {
        process.stdout.write(
          `retention ${result.retention}: dropped ${result.partitions.length} day partition(s) (${result.partitions.join(', ')}), ${result.events} events, ${(result.bytes / 1048576).toFixed(1)} MiB freed\n`,
        );
      }
    });
}
