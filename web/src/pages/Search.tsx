// Search: the SLS query box (errors shown with a caret at their position), a histogram of the
// matching events, the log list (stages of one request grouped) or the SQL result as a table or
// chart, top values per field, CSV/JSON export and saved searches. Everything goes through
// POST /api/v1/query; the histogram is the search part `| select … group by` (lib/sls.ts).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Navigate } from '../App.js';
import { api, ApiError, type QueryResponse } from '../lib/api.js';
import { cartesianOption, fillBuckets, histogramOption, pieOption } from '../lib/charts.js';
import type { AuditEventLike } from '../lib/events.js';
import { addTerm, hasSql, histogramQuery, term } from '../lib/sls.js';
import type { ResultView, ViewState } from '../lib/state.js';
import { download, eventsTable, fromQueryResult, toCsv, toJson, type Table } from '../lib/table.js';
import { browserTimezone, bucketSeconds, formatTime, resolveRange } from '../lib/time.js';
import { DataTable } from '../components/DataTable.js';
import { EChart } from '../components/EChart.js';
import { Empty, Loading, QueryErrorNote } from '../components/Notes.js';
import { FieldSidebar } from '../components/FieldSidebar.js';
import { LogList } from '../components/LogList.js';
import { SavedSearches } from '../components/SavedSearches.js';

/** Logs per page (sls-query.md §9 U-9: a search without SQL returns 100 logs per page). */
export const PAGE_SIZE = 100;

interface QueryFailure {
  message: string;
  position: number | null;
  suggestion: string | null;
}

function failure(e: unknown): QueryFailure {
  if (e instanceof ApiError) return { message: e.message, position: e.position, suggestion: e.suggestion };
  return { message: (e as Error).message, position: null, suggestion: null };
}

export function SearchPage({ state, navigate }: { state: ViewState; navigate: Navigate }) {
  const query = state.q.trim() || '*';
  const sql = hasSql(query);
  const [text, setText] = useState(state.q);
  useEffect(() => setText(state.q), [state.q]);

  const [events, setEvents] = useState<AuditEventLike[] | null>(null);
  const [table, setTable] = useState<Table | null>(null);
  const [histogram, setHistogram] = useState<{
    rows: Table;
    bucket: number;
    from: number;
    to: number;
  } | null>(null);
  const [error, setError] = useState<QueryFailure | null>(null);
  const [loading, setLoading] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const seq = useRef(0);

  const span = useMemo(
    () => resolveRange(state, Date.now() / 1000),
    // A preset is resolved again (at the current time) whenever anything that re-runs the search changes.
    [state.range, state.from, state.to, query, state.p, state.cluster, refresh],
  );

  useEffect(() => {
    const n = ++seq.current;
    const base: Record<string, unknown> = { from: span.from, to: span.to, timezone: browserTimezone() };
    if (state.cluster) base.cluster = state.cluster;
    const bucket = bucketSeconds(span.from, span.to);
    setLoading(true);
    setError(null);
    const main = sql
      ? api<QueryResponse>('POST', '/api/v1/query', { ...base, query })
      : api<QueryResponse>('POST', '/api/v1/query', {
          ...base,
          query,
          limit: PAGE_SIZE,
          offset: (state.p - 1) * PAGE_SIZE,
        });
    const hist = api<QueryResponse>('POST', '/api/v1/query', {
      ...base,
      query: histogramQuery(query, bucket),
    });
    main
      .then((r) => {
        if (n !== seq.current) return;
        if (r.kind === 'search') {
          setEvents(r.rows.map((row) => row[0] as AuditEventLike));
          setTable(null);
        } else {
          setTable(fromQueryResult(r.columns, r.rows));
          setEvents(null);
        }
      })
      .catch((e) => {
        if (n !== seq.current) return;
        setEvents(null);
        setTable(null);
        setError(failure(e));
      })
      .finally(() => {
        if (n === seq.current) setLoading(false);
      });
    hist
      .then((r) => {
        if (n === seq.current)
          setHistogram({ rows: fromQueryResult(r.columns, r.rows), bucket, from: span.from, to: span.to });
      })
      .catch(() => {
        if (n === seq.current) setHistogram(null);
      });
  }, [query, sql, state.p, state.cluster, span]);

  const bars = useMemo(
    () =>
      histogram
        ? fillBuckets(
            histogram.rows.rows.map((r) => ({ t: Number(r.t), n: Number(r.n) })),
            histogram.from,
            histogram.to,
            histogram.bucket,
          )
        : [],
    [histogram],
  );
  const total = histogram ? histogram.rows.rows.reduce((s, r) => s + Number(r.n ?? 0), 0) : null;
  const pages = total === null ? null : Math.max(1, Math.ceil(total / PAGE_SIZE));

  const run = (q: string) => navigate({ q, p: 1 });
  const addToQuery = (field: string, value: unknown) =>
    run(
      addTerm(
        state.q,
        term(field, value === null || value === undefined ? null : (value as string | number)),
      ),
    );

  const exportTable = (): Table | null => (table ? table : events ? eventsTable(events) : null);

  return (
    <div className="search">
      <form
        className="querybox"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          run(text);
        }}
      >
        <label htmlFor="q" className="sr-only">
          SLS query
        </label>
        <textarea
          id="q"
          name="q"
          value={text}
          rows={Math.min(6, Math.max(1, text.split('\n').length))}
          spellCheck={false}
          placeholder='e.g. verb: delete and objectRef.namespace: "prod"   or   * | select verb, count(1) as n group by verb'
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              run(text);
            }
          }}
          aria-describedby="q-help"
        />
        <button type="submit">Search</button>
        <div id="q-help" className="muted small">
          Enter runs the query, Shift+Enter adds a line. Search terms, then <code>|</code> and SQL for
          analysis.
        </div>
      </form>
      <SavedSearches current={state.q} onOpen={run} />

      {error && (
        <QueryErrorNote
          query={query}
          message={error.message}
          position={error.position}
          suggestion={error.suggestion}
        />
      )}

      <section className="histogram" aria-label="Matching events over time">
        <div className="hist-head">
          <span data-testid="total" aria-live="polite">
            {total === null ? '' : `${total.toLocaleString('en-US')} matching event${total === 1 ? '' : 's'}`}
          </span>
          <span className="muted small">
            {formatTime(span.from)} – {formatTime(span.to)}
            {histogram ? ` · ${bucketLabel(histogram.bucket)} per bar (click a bar to zoom in)` : ''}
          </span>
        </div>
        {histogram && histogram.rows.rows.length > 0 && (
          <EChart
            label="Matching events over time"
            height={120}
            option={histogramOption('Matching events over time', bars, (t) => formatTime(t))}
            onClick={(p) => {
              const bar = p.dataIndex !== undefined ? bars[p.dataIndex] : undefined;
              if (!bar) return;
              navigate({ range: 'abs', from: bar.t, to: bar.t + histogram.bucket, p: 1 });
            }}
          />
        )}
      </section>

      <div className={sql ? 'search-body no-fields' : 'search-body'}>
        {!sql && (
          <FieldSidebar
            query={query}
            base={{ from: span.from, to: span.to, cluster: state.cluster }}
            onPick={addToQuery}
          />
        )}
        <section className="results" aria-label="Results" aria-busy={loading}>
          <div className="toolbar">
            {sql && (
              <ResultViewSwitch
                view={state.view}
                onChange={(view) => navigate({ view }, { replace: true })}
              />
            )}
            <button type="button" onClick={() => setRefresh((n) => n + 1)} disabled={loading}>
              {loading ? 'Running…' : 'Refresh'}
            </button>
            <button
              type="button"
              disabled={!exportTable()}
              onClick={() => {
                const t = exportTable();
                if (t) download('kaudit-result.csv', toCsv(t), 'text/csv');
              }}
            >
              Export CSV
            </button>
            <button
              type="button"
              disabled={!exportTable()}
              onClick={() => {
                if (table) download('kaudit-result.json', toJson(table), 'application/json');
                else if (events)
                  download('kaudit-result.json', JSON.stringify(events, null, 2), 'application/json');
              }}
            >
              Export JSON
            </button>
          </div>
          {loading && !events && !table && <Loading what="results" />}
          {table && <SqlResult table={table} view={state.view} />}
          {events && events.length === 0 && !loading && (
            <Empty>
              No events in this range match — widen the time range, loosen the query, or import logs with{' '}
              <code>kaudit import</code>.
            </Empty>
          )}
          {events && events.length > 0 && (
            <>
              <LogList events={events} onPick={addToQuery} />
              <Pager page={state.p} pages={pages} onPage={(p) => navigate({ p })} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function bucketLabel(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  return `${s / 60} min`;
}

function ResultViewSwitch({ view, onChange }: { view: ResultView; onChange: (v: ResultView) => void }) {
  const views: ResultView[] = ['table', 'line', 'bar', 'pie'];
  return (
    <div className="segmented" role="group" aria-label="Show the result as">
      {views.map((v) => (
        <button key={v} type="button" aria-pressed={view === v} onClick={() => onChange(v)}>
          {v[0].toUpperCase() + v.slice(1)}
        </button>
      ))}
    </div>
  );
}

function SqlResult({ table, view }: { table: Table; view: ResultView }) {
  if (table.rows.length === 0) {
    return <Empty>The query returned no rows — widen the time range or loosen the search part.</Empty>;
  }
  const label = `Query result (${table.rows.length} row${table.rows.length === 1 ? '' : 's'})`;
  if (view === 'line' || view === 'bar')
    return <EChart label={label} option={cartesianOption(view, label, table)} height={320} />;
  if (view === 'pie') return <EChart label={label} option={pieOption(label, table)} height={320} />;
  return <DataTable columns={table.columns} rows={table.rows} label={label} pageSize={100} />;
}

function Pager({ page, pages, onPage }: { page: number; pages: number | null; onPage: (p: number) => void }) {
  return (
    <nav className="pager" aria-label="Pages of the log list">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </button>
      <span>
        Page {page}
        {pages !== null ? ` of ${pages}` : ''}
      </span>
      <button type="button" disabled={pages !== null && page >= pages} onClick={() => onPage(page + 1)}>
        Older →
      </button>
    </nav>
  );
}
