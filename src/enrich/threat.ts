// Threat-intelligence lists for security_check_ip. SLS answers from Alibaba's shared threat database,
// which cannot be reproduced offline (shared/spec/sls-query.md §4.2), so kaudit checks addresses
// against files the operator configures: one IP or CIDR per line, `#` starts a comment, blank lines
// are ignored (docs/examples/threat-feed.txt). A file is re-read when its modification time or size
// changes; the check is a stat at most once a second, so a query pays nothing for it.
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../cli/errors.js';
import { broadcastOf, parseCidr, parseIp, type ParsedIp } from './ip.js';

/** Merged, sorted, non-overlapping inclusive ranges of one address family. */
interface Ranges<T extends number | bigint> {
  starts: T[];
  ends: T[];
}

export interface ThreatListProblem {
  file: string;
  message: string;
}

interface LoadedFile {
  path: string;
  mtimeMs: number;
  size: number;
  v4: [number, number][];
  v6: [bigint, bigint][];
}

function merge<T extends number | bigint>(pairs: [T, T][], successor: (value: T) => T): Ranges<T> {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [start, end] of pairs) {
    const last = ends.length - 1;
    // Adjacent or overlapping: extend the previous range.
    if (last >= 0 && start <= successor(ends[last])) {
      if (end > ends[last]) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

function contains<T extends number | bigint>(ranges: Ranges<T>, value: T): boolean {
  let low = 0;
  let high = ranges.starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (ranges.starts[mid] > value) high = mid - 1;
    else if (ranges.ends[mid] < value) low = mid + 1;
    else return true;
  }
  return false;
}

/** Parses one list file; throws a UserError naming file:line for a line that is neither IP nor CIDR. */
export function parseThreatList(path: string, text: string): Pick<LoadedFile, 'v4' | 'v6'> {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const entry = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (entry === '') return;
    let network: ParsedIp;
    let last: ParsedIp;
    if (entry.includes('/')) {
      const cidr = parseCidr(entry);
      if (cidr === null) {
        throw new UserError(
          `Threat list ${path} line ${index + 1}: '${entry}' is not an IP address or CIDR prefix; fix the line or comment it out with #.`,
        );
      }
      network = cidr.network;
      last = broadcastOf(cidr.network, cidr.prefix);
    } else {
      const ip = parseIp(entry);
      if (ip === null) {
        throw new UserError(
          `Threat list ${path} line ${index + 1}: '${entry}' is not an IP address or CIDR prefix; fix the line or comment it out with #.`,
        );
      }
      network = ip;
      last = ip;
    }
    if (network.version === 4) v4.push([network.value, last.value as number]);
    else v6.push([network.value, last.value as bigint]);
  });
  return { v4, v6 };
}

function loadFile(path: string): LoadedFile {
  let stat;
  let text: string;
  try {
    stat = statSync(path);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `Cannot read threat list ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path in the threat-list configuration.`,
    );
  }
  return { path, mtimeMs: stat.mtimeMs, size: stat.size, ...parseThreatList(path, text) };
}

export interface ThreatListOptions {
  /** How often (ms) files are checked for changes; default 1000. */
  checkIntervalMs?: number;
  /** Called when a changed file cannot be used; the previous contents stay in force. Default: stderr. */
  onProblem?: (problem: ThreatListProblem) => void;
  /** Clock for the check interval (tests). */
  now?: () => number;
}

/** The union of the configured lists, kept current with their files. */
export class ThreatLists {
  private files: LoadedFile[];
  private v4: Ranges<number> = { starts: [], ends: [] };
  private v6: Ranges<bigint> = { starts: [], ends: [] };
  private lastCheck: number;
  private readonly checkIntervalMs: number;
  private readonly onProblem: (problem: ThreatListProblem) => void;
  private readonly now: () => number;
  /** Bumped on every reload so callers can drop cached answers. */
  generation = 0;

  /** Reads every file now; a missing or malformed file is a UserError naming it. */
  constructor(paths: readonly string[], opts: ThreatListOptions = {}) {
    this.checkIntervalMs = opts.checkIntervalMs ?? 1000;
    this.onProblem =
      opts.onProblem ??
      ((p) => process.stderr.write(`kaudit: ${p.message} Keeping the previous contents of ${p.file}.\n`));
    this.now = opts.now ?? Date.now;
    this.files = paths.map(loadFile);
    this.rebuild();
    this.lastCheck = this.now();
  }

  get size(): { ipv4Ranges: number; ipv6Ranges: number } {
    return { ipv4Ranges: this.v4.starts.length, ipv6Ranges: this.v6.starts.length };
  }

  private rebuild(): void {
    this.v4 = merge(
      this.files.flatMap((f) => f.v4),
      (x) => x + 1,
    );
    this.v6 = merge(
      this.files.flatMap((f) => f.v6),
      (x) => x + 1n,
    );
    this.generation++;
  }

  /** Re-reads files whose mtime or size changed, at most once per check interval. */
  refresh(force = false): void {
    const now = this.now();
    if (!force && now - this.lastCheck < this.checkIntervalMs) return;
    this.lastCheck = now;
    let changed = false;
    this.files = this.files.map((file) => {
      let stat;
      try {
        stat = statSync(file.path);
      } catch (error) {
        this.onProblem({
          file: file.path,
          message: `Threat list ${file.path} cannot be read (${(error as NodeJS.ErrnoException).code}).`,
        });
        return file;
      }
      if (stat.mtimeMs === file.mtimeMs && stat.size === file.size) return file;
      try {
        const next = loadFile(file.path);
        changed = true;
        return next;
      } catch (error) {
        this.onProblem({ file: file.path, message: (error as Error).message });
        // Remember this version so the same bad file is reported once, not on every check.
        return { ...file, mtimeMs: stat.mtimeMs, size: stat.size };
      }
    });
    if (changed) this.rebuild();
  }

  /** True when the address is in any list. Call refresh() first to pick up file changes. */
  contains(ip: ParsedIp): boolean {
    return ip.version === 4 ? contains(this.v4, ip.value) : contains(this.v6, ip.value);
  }
}
