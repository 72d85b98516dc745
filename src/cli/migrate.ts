// `kaudit migrate --from STORE --to STORE`: copy every stored event between stores (DuckDB →
// ClickHouse when one machine is no longer enough, or back). The copying is
// src/store/clickhouse/migrate.ts; this file parses, opens, shows progress and prints the counts.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { UserError } from './errors.js';
import {
  addOutputFlags,
  outputFormat,
  storeLocation,
  type OutputFlags,
  type StoreLocation,
} from './flags.js';
import { openStoreAt, type KauditStore } from './store.js';
import { refuseWhileServed } from './remote.js';
import { copyEvents } from '../store/clickhouse/migrate.js';
import { isClickHouseUrl } from '../store/clickhouse/url.js';
import { defaultMemoryLimit } from '../store/duckdb/sandbox.js';

interface MigrateFlags extends OutputFlags {
  from?: string;
  to?: string;
  chCluster?: string;
  batch?: string;
  progress?: boolean;
}

/** A store argument: clickhouse://…, duckdb:///path, or a DuckDB file path. */
function locate(text: string, flag: string, chCluster: string | undefined): StoreLocation {
  if (isClickHouseUrl(text)) return storeLocation({ store: text, chCluster });
  const loc = text.startsWith('duckdb://') ? storeLocation({ store: text }) : storeLocation({ db: text });
  if (flag === '--from' && !existsSync(loc.path)) {
    throw new UserError(
      `--from ${text}: there is no DuckDB store at ${loc.path}; give the path of an existing store`,
    );
  }
  return loc;
}

export function register(program: Command): void {
  const cmd = program
    .command('migrate')
    .description('Copy every stored event from one store to another (e.g. a DuckDB file into ClickHouse)')
    .option('--from <store>', 'source: a DuckDB file, duckdb:///path or clickhouse://user:pass@host:8123/db')
    .option('--to <store>', 'target, in the same forms (a ClickHouse database is created if absent)')
    .option('--ch-cluster <name>', 'the ClickHouse side is a cluster: replicated + Distributed tables')
    .option('--batch <n>', 'events per batch', '20000')
    .option('--no-progress', 'no progress bar');
  addOutputFlags(cmd, ['table', 'json']);
  cmd.addHelpText(
    'after',
    `
Each event is copied once: events the target already has (same identity) are skipped, so running
the same migration again, or after an interruption, adds nothing. Into ClickHouse every column is
copied as stored, the receive time included (retention goes on counting from the first receipt);
into DuckDB the events are stored anew and their receive time is now. Settings, rejected lines and
documents are not copied. The ClickHouse password may come from $KAUDIT_CLICKHOUSE_PASSWORD.

Examples:
  kaudit migrate --from ./kaudit-data/kaudit.duckdb --to clickhouse://kaudit:pw@ch1:8123/kaudit
  kaudit migrate --from kaudit.duckdb --to clickhouse://ch1/kaudit --ch-cluster audit_2x2
  kaudit migrate --from clickhouse://ch1/kaudit --to ./copy.duckdb --format json`,
  );
  cmd.action(async (flags: MigrateFlags) => {
    const format = outputFormat(flags);
    if (!flags.from || !flags.to) {
      throw new UserError('kaudit migrate needs both --from STORE and --to STORE; see kaudit migrate --help');
    }
    const batchRows = Number(flags.batch);
    if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) {
      throw new UserError(`--batch ${flags.batch} is not a batch size; use a whole number from 1 to 1000000`);
    }
    const from = locate(flags.from, '--from', flags.chCluster);
    const to = locate(flags.to, '--to', flags.chCluster);
    if (from.path === to.path) {
      throw new UserError(`--from and --to are the same store (${from.path}); give two different stores`);
    }
    for (const loc of [from, to]) if (loc.kind === 'duckdb') refuseWhileServed(loc.path, 'kaudit migrate');
    const stores: KauditStore[] = [];
    try {
      // Sorted pages of wide rows: DuckDB gets the server's memory limit, not a command's 256 MB.
      const memoryLimit = defaultMemoryLimit();
      const source = await openStoreAt(from, { memoryLimit });
      stores.push(source);
      const target = await openStoreAt(to, { memoryLimit });
      stores.push(target);
      const bar =
        flags.progress !== false && process.stderr.isTTY && format === 'table'
          ? new SingleBar({
              format: 'migrating [{bar}] {percentage}% | {value}/{total} events | {stored} new',
              stream: process.stderr,
              hideCursor: true,
            })
          : null;
      let barStarted = false;
      const summary = await copyEvents(source, target, {
        batchRows,
        onProgress: (p) => {
          if (!bar) return;
          if (!barStarted) {
            bar.start(Math.max(p.total, 1), 0, { stored: 0 });
            barStarted = true;
          }
          bar.update(Math.min(p.read, Math.max(p.total, 1)), { stored: p.stored });
        },
      });
      bar?.stop();
      const result = { from: source.location, to: target.location, ...summary };
      if (format === 'json') process.stdout.write(JSON.stringify(result) + '\n');
      else {
        process.stdout.write(
          `copied ${result.read} events from ${result.from} to ${result.to}: ${result.stored} new, ${result.duplicates} already there (${result.seconds.toFixed(1)} s)\n`,
        );
      }
    } finally {
      for (const s of stores.reverse()) await s.close();
    }
  });
}
