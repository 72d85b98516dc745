// `kaudit import PATH|- …`: import audit logs (JSON lines, EventLists, arrays, .gz, stdin,
// directories) into the store, exactly once.
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  addOutputFlags,
  addStoreFlags,
  outputFormat,
  storeLocation,
  type OutputFlags,
  type StoreFlags,
} from './flags.js';
import { findServer } from './remote.js';
import { importThroughServer } from '../ingest/remote-import.js';
import { withStore } from './store.js';
import { importPaths, type ImportSummary } from '../ingest/import.js';
import { applyRetention, configuredRetention, setRetention } from '../store/retention.js';
import { ingestTransforms } from './transforms.js';
import { UserError } from './errors.js';

export const DEFAULT_CLUSTER = 'default';
const REJECTS_ON_SCREEN = 5;

interface ImportFlags extends StoreFlags, OutputFlags {
  strict?: boolean;
  policy?: string;
  redact?: boolean;
  retention?: string;
  progress?: boolean;
}

function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function printSummary(s: ImportSummary, format: string): void {
  if (format === 'json' || format === 'ndjson') {
    const out = {
      read: s.read,
      stored: s.stored,
      duplicates: s.duplicates,
      rejected: s.rejected,
      policyDropped: s.policyDropped,
      policyTrimmed: s.policyTrimmed,
      redactions: s.redactions,
      files: s.files.length,
      skipped: s.skipped,
      errors: s.errors.map((e) => e.reason),
      warnings: s.warnings,
      bytes: s.bytes,
      seconds: Number(s.seconds.toFixed(3)),
      eventsPerSecond: s.eventsPerSecond,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const lines = [
    `files      ${s.files.length}${s.skipped.length ? ` (${s.skipped.length} skipped)` : ''}`,
    `read       ${s.read}`,
    `stored     ${s.stored}`,
    `duplicates ${s.duplicates}`,
    `rejected   ${s.rejected}${s.rejected ? '  (see: kaudit rejects)' : ''}`,
  ];
  if (s.policyDropped || s.policyTrimmed) {
    lines.push(`policy     ${s.policyDropped} dropped, ${s.policyTrimmed} trimmed`);
  }
  if (s.redactions) lines.push(`redacted   ${s.redactions} value(s)`);
  lines.push(
    `rate       ${s.eventsPerSecond} events/s, ${humanBytes(s.bytes / Math.max(s.seconds, 1e-9))}/s (${s.seconds.toFixed(2)} s)`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  for (const sk of s.skipped) process.stderr.write(`kaudit: skipped ${sk.path}: ${sk.reason}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .description(
      'Import audit logs (JSON lines, EventList documents, JSON arrays, .gz, stdin, directories) into the store, exactly once',
    )
    .argument('<paths...>', 'files, directories or - for stdin');
  addStoreFlags(cmd, 'the cluster these events belong to (default "default")');
  addOutputFlags(cmd, ['table', 'json']);
  cmd
    .option('--strict', 'exit non-zero when any input was rejected')
    .option('--policy <file>', 'apply an audit policy at ingest (drop level None, trim bodies, omit stages)')
    .option('--no-redact', 'store secret values as they are (redaction is on by default)')
    .option(
      '--retention <dur>',
      'set the store retention by receive time (e.g. 90d; 0 keeps everything; default 30d)',
    )
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
Examples:
  kaudit import /var/log/kubernetes/audit/audit.log
  kaudit import /var/log/kubernetes/audit/          # active file and its rotated (and .gz) siblings, oldest first
  kaudit import --cluster prod-eu audit.log.gz
  kubectl logs -n kube-system kube-apiserver-node1 | kaudit import -
  kaudit import --policy default --format json audit.log   # filter with the built-in policy, JSON summary

Malformed lines are counted and listed with file:line and the reason (all of them: kaudit rejects);
they never stop the import. Importing the same file again stores nothing new.`,
    )
    .action(async (paths: string[], flags: ImportFlags) => {
      const format = outputFormat(flags);
      const transforms = await ingestTransforms({ policy: flags.policy, redact: flags.redact !== false });
      const cluster = flags.cluster ?? DEFAULT_CLUSTER;
      const server = findServer(storeLocation(flags).path);
      if (server && (flags.policy || flags.redact === false || flags.retention)) {
        throw new UserError(
          `the store is owned by kaudit serve (${server.url}), which applies its own policy, redaction and retention; drop --policy/--no-redact/--retention or set them in the server's config`,
        );
      }
      const summary = server
        ? await importThroughServer(server, paths, {
            cluster,
            onReject: (r) => process.stderr.write(`kaudit: rejected ${r.source}:${r.line}: ${r.reason}\n`),
          })
        : await withStore(flags, async (store) => {
            if (flags.retention !== undefined) await setRetention(store, flags.retention);
            const showBar = flags.progress !== false && process.stderr.isTTY && format === 'table';
            const bar = showBar
              ? new SingleBar({
                  format:
                    'importing [{bar}] {percentage}% | {mb}/{totalmb} MiB | {events} events | {rate} events/s',
                  stream: process.stderr,
                  hideCursor: true,
                })
              : null;
            const t0 = Date.now();
            let shown = 0;
            bar?.start(1, 0, { mb: 0, totalmb: 0, events: 0, rate: 0 });
            const s = await importPaths(store, paths, {
              cluster,
              transforms,
              transformSpec: { policy: flags.policy, redact: flags.redact !== false },
              onProgress: (p) => {
                if (!bar) return;
                bar.setTotal(Math.max(p.bytesTotal, 1));
                bar.update(Math.min(p.bytesRead, Math.max(p.bytesTotal, 1)), {
                  mb: (p.bytesRead / 1048576).toFixed(1),
                  totalmb: (p.bytesTotal / 1048576).toFixed(1),
                  events: p.events,
                  rate: Math.round(p.events / Math.max((Date.now() - t0) / 1000, 0.001)),
                });
              },
              onReject: (r) => {
                if (shown++ < REJECTS_ON_SCREEN) {
                  bar?.stop();
                  process.stderr.write(`kaudit: rejected ${r.source}:${r.line}: ${r.reason}\n`);
                }
              },
            });
            bar?.stop();
            if (shown > REJECTS_ON_SCREEN) {
              process.stderr.write(
                `kaudit: … and ${shown - REJECTS_ON_SCREEN} more rejected (kaudit rejects lists them all)\n`,
              );
            }
            const retention = await configuredRetention(store);
            await applyRetention(store, retention.seconds);
            return s;
          });
      for (const e of summary.errors) process.stderr.write(`kaudit: ${e.reason}\n`);
      for (const w of summary.warnings) process.stderr.write(`kaudit: ${w}\n`);
      printSummary(summary, format);
      if (summary.errors.length) process.exitCode = 1;
      else if (flags.strict && summary.rejected > 0) {
        throw new UserError(
          `${summary.rejected} input record(s) were rejected and --strict is set; see kaudit rejects`,
          2,
        );
      }
    });
}
