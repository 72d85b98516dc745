// `kaudit generate`: synthetic kube-apiserver audit traffic as JSON lines (src/generate).
import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { UserError } from './errors.js';
import { parseTime, queryTimezone } from './flags.js';
import {
  MAX_CLUSTERS,
  MAX_EVENTS,
  resolveOptions,
  writeGenerated,
  writeGeneratedToDirectory,
  type GenerateOptions,
} from '../generate/index.js';

interface GenerateFlags {
  events: string;
  seed?: string;
  days?: string;
  end?: string;
  clusters?: string;
  out?: string;
  format?: 'text' | 'json';
  timezone?: string;
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UserError(
      `${flag} "${text}" is not a whole number from ${min} to ${max}; write it like ${flag} ${min === 0 ? 1000 : min}.`,
    );
  }
  return Number(text);
}

/** Turns the flags into generator options; every mistake becomes one sentence. */
export function generateOptionsFromFlags(flags: GenerateFlags, now = Date.now()): GenerateOptions {
  const events = wholeNumber(flags.events, '--events', 0, MAX_EVENTS);
  const seed =
    flags.seed === undefined ? undefined : wholeNumber(flags.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
  let days: number | undefined;
  if (flags.days !== undefined) {
    days = Number(flags.days);
    if (!/^\d+(\.\d+)?$/.test(flags.days.trim()) || !(days > 0) || days > 3650 || days * 86400 < 60) {
      throw new UserError(
        `--days "${flags.days}" must be a number of days above one minute and at most 3650, such as 7 or 0.5.`,
      );
    }
  }
  const clusters =
    flags.clusters === undefined ? undefined : wholeNumber(flags.clusters, '--clusters', 1, MAX_CLUSTERS);
  const end =
    flags.end === undefined
      ? Math.floor(now / 60000) * 60
      : Math.floor(parseTime(flags.end, queryTimezone(flags), now / 1000, '--end'));
  const opts: GenerateOptions = { events, seed, days, end, clusters };
  try {
    resolveOptions(opts, now);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  return opts;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command('generate')
    .description(
      'Write synthetic kube-apiserver audit events (audit.k8s.io/v1 JSON lines) shaped as the default ACK audit policy logs them.',
    )
    .requiredOption('--events <n>', 'how many events to write (exactly)')
    .option('--seed <s>', 'random seed: the same flags give byte-identical output (default 1)')
    .option('--days <d>', 'length of the time window in days, ending at --end (default 7)')
    .option(
      '--end <time>',
      'end of the window, exclusive: RFC 3339, "YYYY-MM-DD[ HH:MM:SS]", unix seconds or relative (default now, rounded down to the minute)',
    )
    .option(
      '--clusters <k>',
      `simulate K clusters, cluster-1 … cluster-K (default 1, at most ${MAX_CLUSTERS})`,
    )
    .option(
      '--out <path>',
      'write to this file instead of stdout; an existing directory (or a path ending in /) gets one file per cluster, <dir>/cluster-<i>.log',
    )
    .addOption(
      new Option('--format <format>', 'summary printed to stderr after --out').choices(['text', 'json']),
    )
    .option(
      '--timezone <tz>',
      'time zone of a --end written without one (default $KAUDIT_TIMEZONE, else $TZ, else UTC)',
    )
    .addHelpText(
      'after',
      `
What is generated:
  Traffic as the source documents' default audit policy logs it (RequestReceived omitted, no events,
  /healthz or kube-proxy endpoint watches): node leases and status patches, controller-manager and
  scheduler leader election, watches (ResponseStarted + ResponseComplete), controllers and pod churn,
  in-cluster service accounts with pod claims in user.extra, people (kubernetes-admin, numeric RAM
  sub-accounts, OIDC users) reading, applying, deleting, changing RBAC, CRDs and Istio resources,
  exec/attach/port-forward sessions, secret reads, 403s, and scanners from public IPs with 401/403
  bursts. People follow a UTC working day; heartbeats run day and night.

  Events are written in stageTimestamp order; every time lies in [end - days, end).
  With several clusters, stdout (or a --out file) interleaves them; they differ by VPC (cluster i uses
  10.<i>.0.0/16 node and master IPs, node names <region>.<ip>) and Kubernetes release. To import them
  as separate clusters, write a directory and import each file with --cluster cluster-<i>.

Examples:
  kaudit generate --events 1000 | head -n 3
  kaudit generate --events 200000 --seed 7 --end 2025-01-01T00:00:00Z --out week.log
  kaudit generate --events 1000000 --days 1 --out bench.log --format json
  kaudit generate --events 300000 --clusters 3 --out ./gen/ && \\
    for f in ./gen/*.log; do kaudit import "$f" --cluster "$(basename "$f" .log)"; done`,
    )
    .action(async (flags: GenerateFlags) => {
      const opts = generateOptionsFromFlags(flags);
      const started = Date.now();
      let summary: {
        events: number;
        bytes: number;
        files: { cluster: string; path: string; events: number }[];
      };
      if (flags.out === undefined || flags.out === '-') {
        const r = await writeGenerated(opts, process.stdout);
        summary = { ...r, files: [] };
      } else if (flags.out.endsWith('/') || (await isDirectory(flags.out))) {
        summary = await writeGeneratedToDirectory(opts, flags.out);
      } else {
        const out = createWriteStream(flags.out);
        const failed = once(out, 'error').then(([err]) => {
          throw new UserError(
            `cannot write --out ${flags.out}: ${(err as Error).message}; check the path and permissions.`,
          );
        });
        const r = await Promise.race([writeGenerated(opts, out), failed]);
        out.end();
        await Promise.race([once(out, 'finish'), failed]);
        summary = { ...r, files: [{ cluster: 'all', path: flags.out, events: r.events }] };
      }
      if (flags.out !== undefined && flags.out !== '-') {
        const seconds = (Date.now() - started) / 1000;
        if (flags.format === 'json') {
          process.stderr.write(JSON.stringify({ ...summary, seconds }) + '\n');
        } else {
          const where = summary.files.map((f) => f.path).join(', ');
          process.stderr.write(
            `wrote ${summary.events} events (${(summary.bytes / 1e6).toFixed(1)} MB) to ${where} in ${seconds.toFixed(1)} s\n`,
          );
        }
      }
    });
}
