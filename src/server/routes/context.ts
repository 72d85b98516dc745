// What a group of HTTP routes gets from the app: the server's context plus the guard that
// authenticates a request and checks its role. Each feature (reports, alerts, console) owns one
// routes module under src/server/routes/ and registers itself through this.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.js';

export type Action = 'read' | 'admin' | 'ingest';

export interface RouteContext extends AppContext {
  /** preHandler that answers 401/403 itself; sets `req.principal` when it lets the request through. */
  guard(action: Action): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Bodies reach handlers as text (the app parses JSON itself to answer 400 with the reason). */
export function jsonBody(req: FastifyRequest): Record<string, unknown> | null {
  if (typeof req.body !== 'string' || req.body === '') return null;
  try {
    const v = JSON.parse(req.body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
