// `--store clickhouse://user:pass@host:8123/db` (or `clickhouses://` for HTTPS) → connection
// settings. The password may also come from $KAUDIT_CLICKHOUSE_PASSWORD, so it need not sit in a
// shell history or a process list; it is never part of `location` (what kaudit prints).
import { UserError } from '../../cli/errors.js';

export interface ClickHouseLocation {
  /** http(s)://host:port for @clickhouse/client. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** The URL as kaudit prints it: no password. */
  location: string;
}

export const DEFAULT_DATABASE = 'kaudit';

export function isClickHouseUrl(text: string): boolean {
  return /^clickhouses?:\/\//i.test(text);
}

export function parseClickHouseUrl(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
  flag = '--store',
): ClickHouseLocation {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UserError(
      `${flag} ${redactPassword(text)} is not a valid URL; write it as clickhouse://user:pass@host:8123/database.`,
    );
  }
  const secure = u.protocol.toLowerCase() === 'clickhouses:';
  if (!secure && u.protocol.toLowerCase() !== 'clickhouse:') {
    throw new UserError(`${flag} ${redactPassword(text)} is not a clickhouse:// URL.`);
  }
  if (!u.hostname) {
    throw new UserError(
      `${flag} ${redactPassword(text)} has no host; write it as clickhouse://user:pass@host:8123/database.`,
    );
  }
  const path = decodeURIComponent(u.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
  const database = path || DEFAULT_DATABASE;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) {
    throw new UserError(
      `${flag} ${redactPassword(text)}: "${database}" is not a usable database name; use letters, digits and "_".`,
    );
  }
  const port = u.port || (secure ? '8443' : '8123');
  const username = decodeURIComponent(u.username) || 'default';
  const password = u.password ? decodeURIComponent(u.password) : (env.KAUDIT_CLICKHOUSE_PASSWORD ?? '');
  const scheme = secure ? 'https' : 'http';
  const host = u.hostname;
  return {
    url: `${scheme}://${host}:${port}`,
    username,
    password,
    database,
    location: `${secure ? 'clickhouses' : 'clickhouse'}://${encodeURIComponent(username)}@${host}:${port}/${database}`,
  };
}

/** The URL text with any password replaced by `***` (for messages about a URL that did not parse). */
export function redactPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
