// Reports: the built-in audit reports (GET /api/v1/reports), one tab at a time, every panel of the
// tab from one POST /api/v1/reports/:id/run call, with the namespace / user / status filters and,
// for the resource report, the resource plural.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Navigate } from '../App.js';
import { api, type PanelResult, type ReportDefinition, type ReportSummary } from '../lib/api.js';
import type { ViewState } from '../lib/state.js';
import { statValue } from '../lib/charts.js';
import { browserTimezone, resolveRange } from '../lib/time.js';
import { ReportFilters } from '../components/ReportFilters.js';
import { Panel } from '../components/Panel.js';
import { Empty, ErrorNote, Loading } from '../components/Notes.js';
import { TabList } from '../components/TabList.js';

const definitions = new Map<string, Promise<ReportDefinition>>();
function definition(id: string): Promise<ReportDefinition> {
  let p = definitions.get(id);
  if (!p) {
    p = api<ReportDefinition>('GET', `/api/v1/reports/${encodeURIComponent(id)}`);
    p.catch(() => definitions.delete(id));
    definitions.set(id, p);
  }
  return p;
}

export function ReportsPage({ state, navigate }: { state: ViewState; navigate: Navigate }) {
  const [reports, setReports] = useState<ReportSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [def, setDef] = useState<ReportDefinition | null>(null);
  const [panels, setPanels] = useState<PanelResult[] | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const runSeq = useRef(0);

  useEffect(() => {
    api<{ reports: ReportSummary[] }>('GET', '/api/v1/reports')
      .then((r) => setReports(r.reports))
      .catch((e: Error) => setListError(e.message));
  }, []);

  const report = reports?.find((r) => r.id === state.report) ?? reports?.[0];
  const tab = report?.tabs.find((t) => t.id === state.tab) ?? report?.tabs[0];
  const resourceParam = report?.params.find((p) => p.name === 'resource');
  const resource = state.resource || resourceParam?.default || '';

  useEffect(() => {
    if (!report) return;
    setDef(null);
    definition(report.id)
      .then(setDef)
      .catch(() => setDef(null));
  }, [report]);

  useEffect(() => {
    if (!report || !tab) return;
    const seq = ++runSeq.current;
    const { from, to } = resolveRange(state, Date.now() / 1000);
    const body: Record<string, unknown> = { from, to, timezone: browserTimezone(), tab: tab.id };
    if (state.cluster) body.cluster = state.cluster;
    if (state.namespace) body.namespace = state.namespace;
    if (state.user) body.user = state.user;
    if (state.status) body.status = Number(state.status);
    if (resourceParam && resource) body.params = { resource };
    setRunning(true);
    setRunError(null);
    api<{ panels: PanelResult[] }>('POST', `/api/v1/reports/${encodeURIComponent(report.id)}/run`, body)
      .then((r) => {
        if (seq === runSeq.current) setPanels(r.panels);
      })
      .catch((e: Error) => {
        if (seq === runSeq.current) {
          setPanels(null);
          setRunError(e.message);
        }
      })
      .finally(() => {
        if (seq === runSeq.current) setRunning(false);
      });
    // state.from/to/range cover the time; refresh re-runs a preset range at the current time.
  }, [
    report,
    tab,
    resource,
    resourceParam,
    state.cluster,
    state.namespace,
    state.user,
    state.status,
    state.range,
    state.from,
    state.to,
    refresh,
  ]);

  const panelDefs = useMemo(() => {
    const m = new Map<string, { width?: number | string; drilldown?: string }>();
    for (const t of def?.tabs ?? []) for (const p of t.panels) m.set(p.id, p);
    return m;
  }, [def]);

  if (listError) return <ErrorNote title="The reports cannot be listed:" message={listError} />;
  if (!reports) return <Loading what="reports" />;
  if (!reports.length)
    return (
      <Empty>This server has no reports. Built-in reports live in the reports/ directory of kaudit.</Empty>
    );

  const openSearch = (q: string) => navigate({ page: 'search', q, p: 1 });
  // Nothing to show: no panel has rows, stat panels count zero (a count over no events is one row of 0).
  const empty =
    panels !== null &&
    panels.every(
      (p) =>
        !p.error &&
        (p.rows.length === 0 ||
          (p.chart === 'stat' && !Number(statValue({ columns: p.columns, rows: p.rows })))),
    );

  return (
    <div className="reports">
      <nav className="report-list" aria-label="Reports">
        {reports.map((r) => (
          <button
            key={r.id}
            type="button"
            aria-current={r.id === report?.id ? 'page' : undefined}
            onClick={() => navigate({ report: r.id, tab: '' })}
            title={r.description}
          >
            {r.title}
          </button>
        ))}
      </nav>
      <div className="report-body">
        <h1>{report?.title}</h1>
        {report?.description && <p className="muted">{report.description}</p>}
        <ReportFilters state={state} navigate={navigate} resourceParam={resourceParam ? resource : null} />
        {report && report.tabs.length > 1 && (
          <TabList
            tabs={report.tabs}
            selected={tab?.id}
            label={`${report.title} tabs`}
            onSelect={(id) => navigate({ tab: id })}
          />
        )}
        <div className="toolbar">
          <button type="button" onClick={() => setRefresh((n) => n + 1)} disabled={running}>
            {running ? 'Running…' : 'Refresh'}
          </button>
        </div>
        {runError && <ErrorNote title="The report could not run:" message={runError} />}
        {!panels && running && <Loading what="panels" />}
        {empty && !running && (
          <Empty>
            No events in this range — widen the time range, clear the filters, or import logs with{' '}
            <code>kaudit import</code>.
          </Empty>
        )}
        {panels && (
          <div className="grid" aria-busy={running} data-testid="panels">
            {panels.map((p) => (
              <Panel
                key={p.id}
                panel={p}
                width={panelDefs.get(p.id)?.width}
                drilldown={panelDefs.get(p.id)?.drilldown}
                onOpenSearch={openSearch}
              />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
