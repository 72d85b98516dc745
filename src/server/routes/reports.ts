// HTTP routes of the reports feature (owned by that feature; see src/server/routes/context.ts).
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

export async function registerReportsRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  void app;
  void ctx;
}
