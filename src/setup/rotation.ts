// The log backend's rotation as a given release applies it (../shared/spec/k8s-audit.md §3):
// defaults changed in 1.36 (maxsize 0→100, maxage 0→366, maxbackup 0→100), and maxsize 0 changed
// meaning: before 1.36 lumberjack read it as 100 MB, since 1.36 it means "never rotate".
import { fail, ok, warn, type Check } from './check.js';

const MB = 1024 * 1024;

export interface RotationSettings {
  /** Size that triggers rotation, in MB; null when the file never rotates. */
  maxSizeMB: number | null;
  /** Rotated files kept; 0 = unlimited. */
  maxBackup: number;
  /** Days a rotated file is kept; 0 = forever. */
  maxAgeDays: number;
  compress: boolean;
  /** `--audit-log-maxsize=0` written explicitly (a hazard when upgrading to 1.36). */
  explicitZeroSize: boolean;
  /** Flag values that are not numbers: name and text. */
  invalid: { flag: string; value: string }[];
}

function intFlag(
  flags: Map<string, string | null>,
  name: string,
  fallback: number,
  invalid: RotationSettings['invalid'],
): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (v === null || !/^\d+$/.test(v)) {
    invalid.push({ flag: name, value: v ?? '' });
    return fallback;
  }
  return Number(v);
}

/** What the apiserver of minor release `minor` does with these `--audit-log-*` flags. */
export function effectiveRotation(flags: Map<string, string | null>, minor: number): RotationSettings {
  const modern = minor >= 36;
  const invalid: RotationSettings['invalid'] = [];
  const size = intFlag(flags, 'audit-log-maxsize', modern ? 100 : 0, invalid);
  const compressText = flags.get('audit-log-compress');
  return {
    maxSizeMB: size === 0 ? (modern ? null : 100) : size,
    maxBackup: intFlag(flags, 'audit-log-maxbackup', modern ? 100 : 0, invalid),
    maxAgeDays: intFlag(flags, 'audit-log-maxage', modern ? 366 : 0, invalid),
    compress: compressText === null || compressText === 'true',
    explicitZeroSize: flags.get('audit-log-maxsize') === '0',
    invalid,
  };
}

/** Largest disk use of the log and its backups, uncompressed (an upper bound); null when unbounded. */
export function worstCaseBytes(s: RotationSettings): number | null {
  if (s.maxSizeMB === null || s.maxBackup === 0) return null;
  return s.maxSizeMB * MB * (s.maxBackup + 1);
}

function mb(bytes: number): string {
  return bytes >= 1024 * MB ? `${(bytes / 1024 / MB).toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Checks of the rotation flags alone. */
export function rotationChecks(s: RotationSettings, minor: number): Check[] {
  const checks: Check[] = [];
  for (const bad of s.invalid) {
    checks.push(
      fail(
        'rotation.flags',
        `--${bad.flag}=${bad.value} is not a whole number; the apiserver refuses to start`,
        `set --${bad.flag} to a number (e.g. --audit-log-maxbackup=10)`,
      ),
    );
  }
  if (s.maxSizeMB === null) {
    checks.push(
      fail(
        'rotation.size',
        `--audit-log-maxsize=0 on kube-apiserver 1.${minor} means the log is never rotated and grows until the disk is full`,
        'set --audit-log-maxsize=100 (MB)',
      ),
    );
  } else if (s.explicitZeroSize) {
    checks.push(
      warn(
        'rotation.size',
        `--audit-log-maxsize=0 rotates at 100 MB on 1.${minor} (lumberjack's default), but from 1.36 on 0 means never rotate`,
        'set --audit-log-maxsize=100 before upgrading',
      ),
    );
  } else {
    checks.push(ok('rotation.size', `the log rotates at ${s.maxSizeMB} MB`));
  }
  if (s.maxSizeMB !== null) {
    if (s.maxBackup === 0 && s.maxAgeDays === 0) {
      checks.push(
        fail(
          'rotation.retention',
          'neither --audit-log-maxbackup nor --audit-log-maxage is set (0 = unlimited on this release): rotated files are never deleted',
          'set --audit-log-maxbackup=10 and --audit-log-maxage=7',
        ),
      );
    } else if (s.maxBackup === 0) {
      checks.push(
        warn(
          'rotation.retention',
          `rotated files are deleted only by age (${s.maxAgeDays} days); the number is unlimited, so a burst of requests can fill the disk first`,
          'set --audit-log-maxbackup=10 as well',
        ),
      );
    } else {
      const age = s.maxAgeDays === 0 ? 'no age limit' : `for at most ${s.maxAgeDays} days`;
      checks.push(
        ok(
          'rotation.retention',
          `keeps ${s.maxBackup} rotated file(s) ${age}: up to ${mb(worstCaseBytes(s)!)} on disk${s.compress ? ' before compression' : ''}`,
        ),
      );
    }
  }
  return checks;
}

export interface DiskFacts {
  /** Bytes free for the apiserver (non-root users' view is close enough: it runs as root). */
  freeBytes: number;
  /** Bytes the log and its rotated files use now. */
  usedBytes: number;
  /** Log growth in bytes per second, when it could be measured. */
  bytesPerSecond?: number;
}

/** Disk headroom for the rotation settings, and how much history the files hold at the current rate. */
export function diskChecks(s: RotationSettings, disk: DiskFacts): Check[] {
  const checks: Check[] = [];
  const worst = worstCaseBytes(s);
  if (worst !== null) {
    const more = worst - disk.usedBytes;
    if (more > disk.freeBytes) {
      checks.push(
        fail(
          'rotation.disk',
          `the rotation settings allow ${mb(worst)} of audit logs, ${mb(more)} more than now, but only ${mb(disk.freeBytes)} is free`,
          'free disk space on the log volume or lower --audit-log-maxbackup/--audit-log-maxsize',
        ),
      );
    } else if (more > disk.freeBytes * 0.8) {
      checks.push(
        warn(
          'rotation.disk',
          `the audit logs may grow by ${mb(more)}, over 80% of the ${mb(disk.freeBytes)} free`,
          'free disk space on the log volume or lower --audit-log-maxbackup',
        ),
      );
    } else {
      checks.push(
        ok(
          'rotation.disk',
          `${mb(disk.freeBytes)} free; the audit logs need at most ${mb(Math.max(0, more))} more`,
        ),
      );
    }
  } else if (disk.bytesPerSecond && disk.bytesPerSecond > 0) {
    const until = disk.freeBytes / disk.bytesPerSecond;
    const message = `the audit logs are not bounded and grow ${mb(disk.bytesPerSecond * 86400)}/day: the disk is full in ${duration(until)}`;
    checks.push(
      until < 7 * 86400
        ? fail('rotation.disk', message, 'bound the logs with --audit-log-maxsize and --audit-log-maxbackup')
        : warn('rotation.disk', message, 'bound the logs with --audit-log-maxsize and --audit-log-maxbackup'),
    );
  }
  if (worst !== null && disk.bytesPerSecond && disk.bytesPerSecond > 0) {
    // maxage also ends the history (judged by the rotation time in the file name, §3).
    const bySize = worst / disk.bytesPerSecond;
    const holds = s.maxAgeDays > 0 ? Math.min(bySize, s.maxAgeDays * 86400) : bySize;
    const rate = `${mb(disk.bytesPerSecond * 86400)}/day`;
    if (holds < 86400) {
      checks.push(
        warn(
          'rotation.history',
          `at the current rate (${rate}) the log files hold only ${duration(holds)} of events: a collector stopped for longer loses events`,
          'raise --audit-log-maxbackup or --audit-log-maxsize, or make the policy log less (kaudit policy simulate)',
        ),
      );
    } else {
      checks.push(
        ok(
          'rotation.history',
          `at the current rate (${rate}) the log files hold about ${duration(holds)} of events`,
        ),
      );
    }
  }
  return checks;
}
