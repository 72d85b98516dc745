// `kaudit report NAME`: a built-in (or your own) report, every panel an SLS query over the store.
// Thin: flags → src/reports (load, run) → print. On a store owned by a running `kaudit serve` it
// asks the server (POST /api/v1/reports/:id/run).
import { Command } from 'commander';
import { findReport, loadReports } from '../reports/load.js';
import type { PanelResult, ReportFilters } from '../reports/model.js';
import { preparePanels, runReport } from '../reports/run.js';
import { formatReportText } from '../reports/text.js';
import {
  addOutputFlags,
  addStoreFlags,
  addTimeFlags,
  outputFormat,
  queryTimezone,
  storeLocation,
  timeRange,
  type OutputFlags,
  type StoreFlags,
  type TimeFlags,
} from './flags.js';
import { formatUnixSeconds, toJson } from './output.js';
import { callServer, findServer } from './remote.js';
import { withStore } from './store.js';

interface ReportFlags extends StoreFlags, OutputFlags, TimeFlags, ReportFilters {
  resource?: string;
  tab?: string;
  status?: string;
}

const SEVEN_DAYS = 7 * 86400;

const EXAMPLES = `
Reports: overview (audit center overview), operations (resource operation overview),
resource (resource operation details; --resource PLURAL, CRDs too), mesh (service mesh audit;
tabs overview, audit, operations, details).

Examples:
  kaudit report overview
  kaudit report overview --since 24h --namespace team-a --status 403
  kaudit report operations --user dev-bob --format json
  kaudit report resource --resource aliyunlogconfigs --from 2026-11-20 --to 2026-11-21
  kaudit report mesh --tab audit --cluster prod
  kaudit report overview --json | jq '.panels[] | select(.id == "exec_list") | .rows'

The default range is the last 7 days. Filters are SLS search terms ANDed to every panel's search
(--namespace team-a → objectRef.namespace: "team-a"); --format json prints
{"panels":[{"id","title","chart","query","columns","rows"}]} with each panel's final query.
Panels count requests (auditIDs), not audit events. Reports and how to add your own:
docs/reports.md.`;

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .description('show a report: overview, operations, resource --resource PLURAL, mesh [--tab ID]')
    .argument('<name>', 'the report: overview, operations, resource, mesh (or one of yours)')
    .option(
      '--resource <plural>',
      'resource plural for the resource report, e.g. deployments or aliyunlogconfigs',
    )
    .option('--tab <id>', 'only this tab (mesh: overview, audit, operations, details)')
    .option('--namespace <ns>', 'only requests in this namespace')
    .option('--user <name>', 'only requests by this user (user.username)')
    .option('--status <code>', 'only requests answered with this HTTP status code, e.g. 403');
  addStoreFlags(cmd);
  addOutputFlags(cmd, ['table', 'json']);
  addTimeFlags(cmd);
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (name: string, flags: ReportFlags) => {
    const tz = queryTimezone(flags);
    const range = timeRange(flags, tz, SEVEN_DAYS);
    const format = outputFormat(flags);
    const filters: ReportFilters = {
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      ...(flags.user !== undefined ? { user: flags.user } : {}),
      ...(flags.status !== undefined ? { status: flags.status } : {}),
    };
    const params = flags.resource !== undefined ? { resource: flags.resource } : {};
    // Checked here too, so a bad name, parameter, filter or tab is one sentence before any work.
    const report = findReport(loadReports(), name);
    preparePanels(report, { filters, params, tab: flags.tab });

    let panels: PanelResult[];
    const server = findServer(storeLocation(flags).path);
    if (server) {
      const answer = (await callServer(server, `/api/v1/reports/${encodeURIComponent(name)}/run`, {
        from: range.from,
        to: range.to,
        timezone: tz,
        cluster: flags.cluster,
        ...filters,
        params,
        tab: flags.tab,
      })) as { panels: PanelResult[] };
      panels = answer.panels;
    } else {
      panels = await withStore(flags, async (store) => {
        const result = await runReport(store, report, {
          ...range,
          timezone: tz,
          ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
          filters,
          params,
          ...(flags.tab !== undefined ? { tab: flags.tab } : {}),
        });
        return result.panels;
      });
    }

    if (format === 'json') {
      process.stdout.write(toJson({ panels }, 2) + '\n');
    } else {
      const from = range.from !== undefined ? formatUnixSeconds(range.from, tz) : 'the beginning';
      const to = range.to !== undefined ? formatUnixSeconds(Math.ceil(range.to), tz) : 'now';
      const shown = [
        ...(flags.cluster ? [`cluster ${flags.cluster}`] : []),
        ...(flags.resource ? [`resource ${flags.resource}`] : []),
        ...Object.entries(filters).map(([k, v]) => `${k} ${String(v)}`),
      ];
      process.stdout.write(
        formatReportText({ title: report.title, range: `${from} – ${to} ${tz}`, filters: shown }, panels),
      );
    }
    const failed = panels.filter((p) => p.error);
    if (failed.length > 0) {
      process.stderr.write(
        `kaudit: ${failed.length} panel${failed.length === 1 ? '' : 's'} failed (${failed.map((p) => p.id).join(', ')}); the others are shown.\n`,
      );
      process.exitCode = 1;
    }
  });
}
