// `kaudit rejects`: rejected input with file:line, reason and the raw text.
import type { Command } from 'commander';
import { addOutputFlags, addStoreFlags, outputFormat, type OutputFlags, type StoreFlags } from './flags.js';
import { withStore } from './store.js';

interface RejectsFlags extends StoreFlags, OutputFlags {
  limit?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('rejects')
    .description('List rejected input with file:line, reason and raw text');
  addStoreFlags(cmd);
  addOutputFlags(cmd, ['table', 'json', 'ndjson']);
  cmd
    .option('--limit <n>', 'at most N rejects, newest first', '1000')
    .addHelpText(
      'after',
      `
Examples:
  kaudit rejects
  kaudit rejects --format json | jq -r '.[] | "\\(.source):\\(.line) \\(.reason)"'`,
    )
    .action(async (flags: RejectsFlags) => {
      const format = outputFormat(flags);
      const limit = Number(flags.limit);
      const result = await withStore(flags, (store) =>
        store.listRejects(Number.isFinite(limit) ? limit : 1000),
      );
      const rows = result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
      if (format === 'json') process.stdout.write(JSON.stringify(rows) + '\n');
      else if (format === 'ndjson') for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
      else if (!rows.length) process.stdout.write('no rejected input\n');
      else {
        for (const r of rows) {
          const raw = String(r.raw ?? '');
          process.stdout.write(
            `${r.source}:${r.line}: ${r.reason}\n    ${raw.length > 200 ? raw.slice(0, 200) + '…' : raw}\n`,
          );
        }
      }
    });
}
