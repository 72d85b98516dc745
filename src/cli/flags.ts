// Shared flags with the same meaning in every command (DESIGN.md "Contracts"): store, output, time.
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { UserError } from './errors.js';
import { isClickHouseUrl, parseClickHouseUrl, redactPassword } from '../store/clickhouse/url.js';

export const DEFAULT_DB = './kaudit-data/kaudit.duckdb';

export interface StoreFlags {
  db?: string;
  store?: string;
  cluster?: string;
  /** ClickHouse cluster name (remote_servers) for replicated + distributed tables. */
  chCluster?: string;
}

/** Adds `--db PATH` / `--store URL` / `--cluster ID`. */
export function addStoreFlags(
  cmd: Command,
  clusterHelp = 'the Kubernetes cluster id (a filter on read)',
): Command {
  return cmd
    .option('--db <path>', `DuckDB file (default $KAUDIT_DB, else ${DEFAULT_DB})`)
    .option(
      '--store <url>',
      'store URL: duckdb:///path/to/file.duckdb or clickhouse://user:pass@host:8123/db (password also from $KAUDIT_CLICKHOUSE_PASSWORD)',
    )
    .option(
      '--ch-cluster <name>',
      'with a clickhouse:// store on a ClickHouse cluster: replicated tables + a Distributed table (docs/scale-out.md)',
    )
    .option('--cluster <id>', clusterHelp);
}

export type StoreLocation =
  | { kind: 'duckdb'; path: string }
  | {
      kind: 'clickhouse';
      /** The URL as given (with any password): only for opening the store. */
      url: string;
      /**
       * The URL without password. Stands where a DuckDB file path does (messages, the
       * `<path>.serve.json` lookup, which never finds one: any number of kaudit processes may use
       * one ClickHouse store at once).
       */
      path: string;
      chCluster?: string;
    };

/** Where the store is: --store > --db > $KAUDIT_DB > default. */
export function storeLocation(flags: StoreFlags): StoreLocation {
  if (flags.store) {
    const url = flags.store;
    if (url.startsWith('duckdb://')) {
      const p = url.slice('duckdb://'.length);
      if (!p)
        throw new UserError(`--store ${url} has no file path; write it as duckdb:///path/to/kaudit.duckdb.`);
      return { kind: 'duckdb', path: resolve(p) };
    }
    if (isClickHouseUrl(url)) {
      const ch = parseClickHouseUrl(url);
      return {
        kind: 'clickhouse',
        url,
        path: ch.location,
        ...(flags.chCluster ? { chCluster: flags.chCluster } : {}),
      };
    }
    throw new UserError(
      `--store ${redactPassword(url)} is not a store URL; use duckdb:///path/to/file.duckdb or clickhouse://user:pass@host:8123/db.`,
    );
  }
  if (flags.chCluster) {
    throw new UserError(
      '--ch-cluster needs a ClickHouse store: add --store clickhouse://user:pass@host:8123/db.',
    );
  }
  return { kind: 'duckdb', path: resolve(flags.db ?? process.env.KAUDIT_DB ?? DEFAULT_DB) };
}

export type OutputFormat = 'table' | 'json' | 'csv' | 'ndjson';

export interface OutputFlags {
  format?: string;
  json?: boolean;
}

/** Adds `--format table|json|csv|ndjson` and its alias `--json`. */
export function addOutputFlags(
  cmd: Command,
  formats: OutputFormat[] = ['table', 'json', 'csv', 'ndjson'],
): Command {
  return cmd
    .addOption(
      new Option('--format <format>', 'output format (table on a terminal, else json)').choices(formats),
    )
    .option('--json', 'alias of --format json');
}

export function outputFormat(flags: OutputFlags): OutputFormat {
  if (flags.json) return 'json';
  if (flags.format) return flags.format as OutputFormat;
  return process.stdout.isTTY ? 'table' : 'json';
}

export interface TimeFlags {
  since?: string;
  from?: string;
  to?: string;
  timezone?: string;
}

/** Adds `--since DUR`, `--from T`, `--to T`, `--timezone TZ`. */
export function addTimeFlags(cmd: Command): Command {
  return cmd
    .option('--since <dur>', 'only the last DUR (15m, 2h, 7d)')
    .option(
      '--from <time>',
      'start (inclusive): RFC 3339, YYYY-MM-DD[ HH:MM:SS], unix seconds, or relative (-2h, now)',
    )
    .option('--to <time>', 'end (exclusive), same forms as --from')
    .option('--timezone <tz>', 'query time zone (default $KAUDIT_TIMEZONE, else $TZ, else UTC)');
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a duration such as `15m`, `7d`, `1h30m`, `90s`; returns seconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)([smhdw])/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || consumed === 0) {
    throw new UserError(`${flag} "${text}" is not a duration; write it like 15m, 2h, 7d or 1h30m.`);
  }
  return Math.round(total);
}

export function queryTimezone(flags: { timezone?: string }, configTz?: string): string {
  const tz = flags.timezone ?? process.env.KAUDIT_TIMEZONE ?? configTz ?? process.env.TZ ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new UserError(`time zone "${tz}" is unknown; use an IANA name such as UTC or Asia/Shanghai.`);
  }
  return tz;
}

/** Calendar fields (year … second, as numbers) of the instant `unixSeconds` in the zone `tz`. */
export function zonedDateParts(
  unixSeconds: number,
  tz: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(unixSeconds * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset in seconds of `tz` from UTC at the instant `unixSeconds`. */
export function tzOffsetSeconds(tz: string, unixSeconds: number): number {
  const p = zonedDateParts(unixSeconds, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(unixSeconds) * 1000) / 1000);
}

/**
 * Parses a time: RFC 3339, `YYYY-MM-DD[ HH:MM:SS]` (in `tz`), unix seconds, `now`, or relative
 * (`-2h`, `-7d`). Returns unix seconds (may be fractional for RFC 3339 with fractions).
 */
export function parseTime(text: string, tz: string, now = Date.now() / 1000, flag = 'time'): number {
  const s = text.trim();
  if (s === 'now') return Math.floor(now);
  if (/^-\d/.test(s) && /[smhdw]$/.test(s)) return Math.floor(now) - parseDuration(s.slice(1), flag);
  if (/^\d{9,11}(\.\d+)?$/.test(s)) return Number(s);
  if (/[Tt].*([Zz]|[+-]\d\d:?\d\d)$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/.exec(s);
  if (m) {
    const local =
      Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000 + Number(m[7] ?? 0);
    // Two passes: the offset at the guessed instant, then at the corrected one (DST edges).
    let utc = local - tzOffsetSeconds(tz, local);
    utc = local - tzOffsetSeconds(tz, utc);
    return utc;
  }
  throw new UserError(
    `${flag} "${text}" is not a time; use RFC 3339 (2024-05-01T10:00:00Z), "2024-05-01 10:00:00", unix seconds, or relative (-2h, now).`,
  );
}

export interface TimeRange {
  /** inclusive unix seconds, or undefined for unbounded */
  from?: number;
  /** exclusive unix seconds, or undefined for unbounded */
  to?: number;
}

/**
 * Resolves --since / --from / --to into a half-open [from, to) range. `defaultSince` (seconds) applies
 * when no flag is given; undefined means "all stored data".
 */
export function timeRange(
  flags: TimeFlags,
  tz: string,
  defaultSince?: number,
  now = Date.now() / 1000,
): TimeRange {
  if (flags.since && (flags.from || flags.to)) {
    throw new UserError('--since cannot be combined with --from/--to; use one or the other.');
  }
  if (flags.since) return { from: Math.floor(now) - parseDuration(flags.since, '--since'), to: undefined };
  const from = flags.from !== undefined ? parseTime(flags.from, tz, now, '--from') : undefined;
  const to = flags.to !== undefined ? parseTime(flags.to, tz, now, '--to') : undefined;
  if (from !== undefined && to !== undefined && to <= from) {
    throw new UserError(`--to (${flags.to}) must be later than --from (${flags.from}).`);
  }
  if (from === undefined && to === undefined && defaultSince !== undefined) {
    return { from: Math.floor(now) - defaultSince };
  }
  return { from, to };
}
