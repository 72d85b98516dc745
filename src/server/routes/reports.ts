// HTTP routes of the reports feature (owned by that feature; see src/server/routes/context.ts):
//   GET  /api/v1/reports           the reports, their parameters and tabs
//   GET  /api/v1/reports/:id       one report's tabs and panels (query, chart, width, drill-down)
//   POST /api/v1/reports/:id/run   run a report (or one tab) with time range, filters, parameters
//   GET  /api/v1/clusters          the clusters the store holds events of
// All need the read role. The report definitions come from src/reports (reports/*.yaml).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { UserError } from '../../cli/errors.js';
import { runQuery } from '../../query/run.js';
import { findReport, loadReports, UnknownReportError } from '../../reports/load.js';
import type { ReportDefinition, ReportFilters } from '../../reports/model.js';
import { runReport } from '../../reports/run.js';
import { jsonBody, type RouteContext } from './context.js';

const SEVEN_DAYS = 7 * 86400;

/** The SLS query behind GET /api/v1/clusters. */
const CLUSTERS_QUERY = '* | select cluster, count(1) as events group by cluster order by cluster limit 10000';

function summary(r: ReportDefinition) {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    params: r.params.map((p) => ({ name: p.name, title: p.title, default: p.default })),
    tabs: r.tabs.map((t) => ({ id: t.id, title: t.title })),
  };
}

function definition(r: ReportDefinition) {
  return {
    ...summary(r),
    tabs: r.tabs.map((t) => ({
      id: t.id,
      title: t.title,
      panels: t.panels.map((p) => ({
        id: p.id,
        title: p.title,
        chart: p.chart,
        query: p.query,
        ...(p.width !== undefined ? { width: p.width } : {}),
        ...(p.drilldown !== undefined ? { drilldown: p.drilldown } : {}),
      })),
    })),
  };
}

const RUN_FIELDS = ['from', 'to', 'timezone', 'cluster', 'namespace', 'user', 'status', 'params', 'tab'];

/** The run request's fields, checked; throws UserError with the field at fault. */
export function parseRunBody(body: Record<string, unknown> | null, now = Date.now() / 1000) {
  const b = body ?? {};
  for (const k of Object.keys(b)) {
    if (!RUN_FIELDS.includes(k)) {
      throw new UserError(
        `unknown field "${k}" in the report request; the fields are ${RUN_FIELDS.join(', ')}.`,
      );
    }
  }
  const time = (k: 'from' | 'to'): number | undefined => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UserError(`"${k}" must be unix seconds (a number), e.g. ${Math.floor(now)}.`);
    }
    return v;
  };
  const text = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new UserError(`"${k}" must be a string.`);
    return v;
  };
  let from = time('from');
  const to = time('to');
  if (from === undefined && to === undefined) from = Math.floor(now) - SEVEN_DAYS;
  if (from !== undefined && to !== undefined && to <= from) {
    throw new UserError('"to" must be later than "from" (both unix seconds).');
  }
  const status = b.status;
  if (status !== undefined && status !== null && typeof status !== 'number' && typeof status !== 'string') {
    throw new UserError('"status" must be an HTTP status code such as 403.');
  }
  const params = b.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new UserError('"params" must be an object such as {"resource": "deployments"}.');
  }
  const paramValues: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new UserError(`params.${k} must be a string.`);
    }
    paramValues[k] = v ?? undefined;
  }
  const namespace = text('namespace');
  const user = text('user');
  const filters: ReportFilters = {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(status !== undefined && status !== null && status !== '' ? { status } : {}),
  };
  return {
    from,
    to,
    timezone: text('timezone'),
    cluster: text('cluster'),
    tab: text('tab'),
    filters,
    params: paramValues,
  };
}

export async function registerReportsRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  // Loaded on first use and kept: the YAML files do not change while the server runs.
  let cached: ReportDefinition[] | undefined;
  const reports = () => (cached ??= loadReports());

  const fail = (reply: FastifyReply, e: unknown) => {
    if (e instanceof UnknownReportError) return reply.code(404).send({ error: e.message });
    if (e instanceof UserError) return reply.code(400).send({ error: e.message });
    throw e;
  };

  app.get('/api/v1/reports', { preHandler: ctx.guard('read') }, async () => ({
    reports: reports().map(summary),
  }));

  app.get<{ Params: { id: string } }>(
    '/api/v1/reports/:id',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      try {
        return definition(findReport(reports(), req.params.id));
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/reports/:id/run',
    { preHandler: ctx.guard('read') },
    async (req, reply) => {
      try {
        const report = findReport(reports(), req.params.id);
        if (typeof req.body === 'string' && req.body.trim() !== '' && jsonBody(req) === null) {
          throw new UserError(
            'the body is not a JSON object; send {"from"?, "to"?, "namespace"?, …} or nothing.',
          );
        }
        const body = parseRunBody(jsonBody(req));
        const timezone = body.timezone ?? ctx.config.timezone ?? process.env.TZ ?? 'UTC';
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: timezone });
        } catch {
          throw new UserError(
            `time zone "${timezone}" is unknown; use an IANA name such as UTC or Asia/Shanghai.`,
          );
        }
        const result = await runReport(ctx.store(), report, {
          ...(body.from !== undefined ? { from: body.from } : {}),
          ...(body.to !== undefined ? { to: body.to } : {}),
          timezone,
          ...(body.cluster !== undefined ? { cluster: body.cluster } : {}),
          filters: body.filters,
          params: body.params,
          ...(body.tab !== undefined ? { tab: body.tab } : {}),
          timeoutMs: ctx.config.queryTimeoutMs,
        });
        await ctx.store().recordSelfAudit({
          actor: req.principal!.name,
          role: req.principal!.role,
          remote: req.ip,
          action: 'report',
          detail: JSON.stringify({ report: report.id, ...body }).slice(0, 4000),
        });
        return { panels: result.panels };
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get('/api/v1/clusters', { preHandler: ctx.guard('read') }, async () => {
    const out = await runQuery(ctx.store(), CLUSTERS_QUERY, { timezone: 'UTC' });
    const clusters = out.kind === 'sql' ? out.rows.map((r) => String(r[0])) : [];
    return { clusters };
  });
}
