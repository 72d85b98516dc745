// Running a report: pick the tab(s), put the parameters in, AND the filters into each panel's
// search part, and run every panel through the query engine (runQuery) with a few at a time (the
// DuckDB store has four reader connections). A panel whose query fails carries its error; the
// others still answer.
import { UserError } from '../cli/errors.js';
import { QueryError } from '../query/errors.js';
import type { QueryContext } from '../query/index.js';
import { runQuery } from '../query/run.js';
import type { Store } from '../store/store.js';
import { applyFilterTerms, filterTerms } from './filters.js';
import type { PanelResult, ReportDefinition, ReportFilters, ReportResult, TabDefinition } from './model.js';
import { resolveParams, substitute } from './params.js';

export const DEFAULT_CONCURRENCY = 4;

export interface ReportRunOptions {
  /** Inclusive unix seconds. */
  from?: number;
  /** Exclusive unix seconds. */
  to?: number;
  timezone: string;
  cluster?: string;
  filters?: ReportFilters;
  params?: Record<string, string | undefined>;
  /** Only this tab's panels (default: every tab). */
  tab?: string;
  concurrency?: number;
  timeoutMs?: number;
}

/** The tabs to run: one by id, or all. An unknown tab is an error listing the report's tabs. */
export function selectTabs(report: ReportDefinition, tab?: string): TabDefinition[] {
  if (tab === undefined || tab === '') return report.tabs;
  const found = report.tabs.find((t) => t.id === tab);
  if (!found) {
    throw new UserError(
      `report "${report.id}" has no tab "${tab}"; its tabs are ${report.tabs.map((t) => t.id).join(', ')}.`,
    );
  }
  return [found];
}

export interface PreparedPanel {
  id: string;
  title: string;
  chart: PanelResult['chart'];
  tab: string;
  /** Final SLS text: parameters substituted and filters applied. */
  query: string;
}

/** The panels to run with their final query text; checks parameters, filters and tab first. */
export function preparePanels(
  report: ReportDefinition,
  opts: Pick<ReportRunOptions, 'filters' | 'params' | 'tab'>,
): PreparedPanel[] {
  const tabs = selectTabs(report, opts.tab);
  const values = resolveParams(report, opts.params);
  const terms = filterTerms(opts.filters ?? {});
  return tabs.flatMap((tab) =>
    tab.panels.map((p) => ({
      id: p.id,
      title: p.title,
      chart: p.chart,
      tab: tab.id,
      query: applyFilterTerms(substitute(p.query, values), terms),
    })),
  );
}

/** A value safe for JSON: bigints (only beyond 2^53 after runQuery) become strings, as DESIGN.md says. */
function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  return v;
}

async function runPanel(store: Store, panel: PreparedPanel, ctx: QueryContext, timeoutMs?: number) {
  const base = { id: panel.id, title: panel.title, chart: panel.chart, tab: panel.tab, query: panel.query };
  try {
    const out = await runQuery(store, panel.query, ctx, timeoutMs ? { timeoutMs } : {});
    if (out.kind !== 'sql') {
      return { ...base, columns: [], rows: [], error: 'the panel query has no SQL part' };
    }
    const columns = out.columns.map((c) => c.name);
    const rows = out.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, jsonSafe(row[i])])));
    return { ...base, columns, rows };
  } catch (e) {
    const message =
      e instanceof QueryError
        ? `query error${e.position !== undefined ? ` at character ${e.position + 1}` : ''}: ${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
    return { ...base, columns: [], rows: [], error: message };
  }
}

/** Runs `items` through `fn` with at most `limit` in flight; results keep the input order. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runReport(
  store: Store,
  report: ReportDefinition,
  opts: ReportRunOptions,
): Promise<ReportResult> {
  const panels = preparePanels(report, opts);
  const ctx: QueryContext = {
    timezone: opts.timezone,
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.cluster !== undefined ? { cluster: opts.cluster } : {}),
  };
  const results = await mapLimited(panels, opts.concurrency ?? DEFAULT_CONCURRENCY, (p) =>
    runPanel(store, p, ctx, opts.timeoutMs),
  );
  return {
    report: report.id,
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    panels: results,
  };
}
