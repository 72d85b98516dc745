// Other kaudit commands and a running `kaudit serve`: DuckDB allows one process per file, so a
// command on a store owned by a server goes through the server's API (DESIGN.md "Contracts").
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from './errors.js';

export interface ServerInfo {
  pid: number;
  url: string;
  token: string;
  db: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server that owns `dbPath`, if one is running (a stale serve.json is ignored). */
export function findServer(dbPath: string): ServerInfo | null {
  const p = `${dbPath}.serve.json`;
  if (!existsSync(p)) return null;
  try {
    const info = JSON.parse(readFileSync(p, 'utf8')) as ServerInfo;
    if (typeof info.pid !== 'number' || !alive(info.pid)) return null;
    return info;
  } catch {
    return null;
  }
}

/** For commands that cannot work through the API: one sentence saying why and what to do. */
export function refuseWhileServed(dbPath: string, command: string): void {
  const s = findServer(dbPath);
  if (s) {
    throw new UserError(
      `the store ${dbPath} is owned by kaudit serve (pid ${s.pid}, ${s.url}) and "kaudit ${command}" cannot run through its API; stop the server first, or run it on another store`,
    );
  }
}

/** POSTs JSON to the server's API with its local token; returns the parsed answer or throws. */
export async function callServer(server: ServerInfo, path: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new UserError(
      `kaudit serve at ${server.url} did not answer (${(e as Error).message}); is it still running?`,
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { error: text };
  }
  if (!res.ok) {
    const err = json as { error?: string; position?: number; suggestion?: string };
    const e = new UserError(err.error ?? `kaudit serve answered ${res.status}`) as UserError & {
      position?: number;
      suggestion?: string;
      status?: number;
    };
    e.position = err.position;
    e.suggestion = err.suggestion;
    e.status = res.status;
    throw e;
  }
  return json;
}
