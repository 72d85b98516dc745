// HTTP routes of the alerts feature (owned by that feature; see src/server/routes/context.ts).
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

export async function registerAlertsRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  void app;
  void ctx;
}
