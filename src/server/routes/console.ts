// HTTP routes of the console feature (see src/server/routes/context.ts): the single-page app built
// by Vite into dist/web (DESIGN.md "HTTP": the console is served at `/`), and the saved searches
// of its search page, kept with the Store document API.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonBody, type RouteContext } from './context.js';

/** Document kind of a saved search in the store. */
export const SAVED_SEARCH_KIND = 'saved-search';

export interface SavedSearch {
  name: string;
  query: string;
  /** Who saved it (the token name). */
  owner: string;
}

/** Paths the single-page app never answers: the API and the server's own endpoints. */
const NOT_CONSOLE = /^\/(api|audit|metrics|healthz|readyz)(\/|$|\?)/;
const MAX_NAME = 200;
const MAX_QUERY = 20_000;

/**
 * Where the built console lives: `dist/web` of the package. The module runs from
 * dist/src/server/routes (built) or src/server/routes (tsx); both sit three levels under a
 * directory that holds package.json. KAUDIT_CONSOLE_DIR overrides it (a custom build).
 */
export function consoleDir(): string {
  if (process.env.KAUDIT_CONSOLE_DIR) return resolve(process.env.KAUDIT_CONSOLE_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    // dist/ has no package.json, so the first one found walking up is the package root.
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  return resolve('dist', 'web');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kaudit console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The kaudit console is not built</h1>
<p>This server found no console files in <code>dist/web</code>. Run <code>npm run build</code> in the
kaudit directory (it builds the server and the console), then reload this page.</p>
<p>The HTTP API works without it: <code>POST /api/v1/query</code>, <code>GET /api/v1/reports</code>.</p>
</body></html>
`;

export async function registerConsoleRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  registerSavedSearchRoutes(app, ctx);

  const root = consoleDir();
  const built = () => existsSync(join(root, 'index.html'));
  // serve:false — the route below decides between a file and the app's index.html (SPA fallback).
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });

  const sendIndex = (reply: FastifyReply) => {
    if (!built()) return reply.code(200).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    // The page names the hashed bundles of the current build: never cache it.
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = decodeSafe(req.url.split('?')[0]);
    if (path === null || NOT_CONSOLE.test(path)) {
      return reply.code(404).send({ error: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` });
    }
    const rel = path.replace(/^\/+/, '');
    if (rel && !rel.split('/').includes('..') && built() && isFile(join(root, rel))) {
      // Vite names everything under assets/ by content hash, so it can be cached for good.
      if (rel.startsWith('assets/')) {
        return reply.sendFile(rel, root, { maxAge: 365 * 24 * 3600 * 1000, immutable: true });
      }
      return reply.header('Cache-Control', 'no-cache').sendFile(rel, root, { cacheControl: false });
    }
    if (rel.startsWith('assets/')) return reply.code(404).send({ error: `no such console file: ${path}` });
    return sendIndex(reply);
  };
  app.get('/', handler);
  app.get('/*', handler);
}

function decodeSafe(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function registerSavedSearchRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/v1/saved-searches', { preHandler: ctx.guard('read') }, async () => {
    const docs = await ctx.store().listDocuments<SavedSearch>(SAVED_SEARCH_KIND);
    const searches = docs
      .map((d) => ({
        id: d.id,
        name: d.value.name,
        query: d.value.query,
        owner: d.value.owner,
        updated: d.updated,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { searches };
  });

  app.post('/api/v1/saved-searches', { preHandler: ctx.guard('read') }, async (req, reply) => {
    const body = jsonBody(req);
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    const query = typeof body?.query === 'string' ? body.query.trim() : '';
    if (!name || !query) {
      return reply.code(400).send({
        error: 'send {"name": "…", "query": "…"} with both fields non-empty to save a search',
      });
    }
    if (name.length > MAX_NAME || query.length > MAX_QUERY) {
      return reply.code(400).send({
        error: `the name (at most ${MAX_NAME} characters) or the query (at most ${MAX_QUERY}) is too long; shorten it`,
      });
    }
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const value: SavedSearch = { name, query, owner: req.principal?.name ?? 'anonymous' };
    await ctx.store().putDocument(SAVED_SEARCH_KIND, id, value);
    return reply.code(201).send({ id, ...value });
  });

  app.delete<{ Params: { id: string } }>(
    '/api/v1/saved-searches/:id',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      const deleted = await ctx.store().deleteDocument(SAVED_SEARCH_KIND, req.params.id);
      if (!deleted) {
        return reply.code(404).send({
          error: `no saved search with id "${req.params.id}"; list them with GET /api/v1/saved-searches`,
        });
      }
      return { deleted: req.params.id };
    },
  );
}
