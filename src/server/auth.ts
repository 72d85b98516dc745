// Authentication and roles. Tokens go in `Authorization: Bearer …` and are compared in constant
// time (as SHA-256 digests, so length does not leak either). On loopback with no tokens configured
// everything is open (DESIGN.md); the local token of `<db>.serve.json` is always an admin token so
// other kaudit commands on the same machine can use the server.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from './config.js';

export interface Principal {
  name: string;
  role: Role;
  via: 'token' | 'client-cert' | 'open';
}

interface Entry {
  name: string;
  role: Role;
  digest: Buffer;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** What each role may do. */
const ALLOWED: Record<Role, ReadonlySet<'read' | 'admin' | 'ingest'>> = {
  viewer: new Set(['read']),
  admin: new Set(['read', 'admin', 'ingest']),
  ingest: new Set(['ingest']),
};

export function permits(role: Role, action: 'read' | 'admin' | 'ingest'): boolean {
  return ALLOWED[role].has(action);
}

export class TokenAuth {
  private entries: Entry[];

  constructor(
    tokens: { name: string; token: string; role: Role }[],
    private readonly open: boolean,
  ) {
    this.entries = tokens.map((t) => ({ name: t.name, role: t.role, digest: digest(t.token) }));
  }

  /** True when no authentication is required (loopback without configured tokens). */
  get isOpen(): boolean {
    return this.open;
  }

  /** Resolves a bearer token to a principal; checks every entry so timing does not tell which one. */
  authenticate(authorization: string | undefined): Principal | null {
    const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!m) return this.open ? { name: 'anonymous', role: 'admin', via: 'open' } : null;
    const d = digest(m[1]);
    let found: Entry | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(e.digest, d)) found = e;
    }
    if (found) return { name: found.name, role: found.role, via: 'token' };
    return null;
  }
}
