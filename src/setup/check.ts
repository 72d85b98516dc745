// One finding of `kaudit doctor`: ok, warn or fail, what was found, and for every problem the fix.
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable id for scripts, e.g. `manifest.policy-mount`. */
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it (set for warn and fail). */
  fix?: string;
}

export function ok(id: string, message: string): Check {
  return { id, status: 'ok', message };
}

export function warn(id: string, message: string, fix: string): Check {
  return { id, status: 'warn', message, fix };
}

export function fail(id: string, message: string, fix: string): Check {
  return { id, status: 'fail', message, fix };
}

/** One line per check: `ok   id: message` or `FAIL id: message; fix: …`. */
export function renderChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.id.length), 0);
  const lines = checks.map((c) => {
    const tag = c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'WARN' : 'FAIL';
    return `${tag} ${c.id.padEnd(width)}  ${c.message}${c.fix ? ` — fix: ${c.fix}` : ''}`;
  });
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  lines.push(`${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failure(s)`);
  return lines.join('\n') + '\n';
}
