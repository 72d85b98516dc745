// Search: the SLS query box (errors shown with a caret at their position), a histogram of the
// matching events, the log list (stages of one request grouped) or the SQL result as a table or
// chart, top values per field, CSV/JSON export and saved searches. Everything goes through
// POST /api/v1/query; the histogram is the search part `| select … group by` (lib/sls.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Navigate } from '../App.js';
import { api, ApiError, type QueryResponse, type SavedSearchItem } from '../lib/api.js';
import { cartesianOption, fillBuckets, histogramOption, pieOption } from '../lib/charts.js';
import { fieldValue, groupByRequest, summary, type AuditEventLike } from '../lib/events.js';
import { addTerm, hasSql, histogramQuery, term, topValuesQuery } from '../lib/sls.js';
import type { ResultView, ViewState } from '../lib/state.js';
import { download, eventsTable, fromQueryResult, toCsv, toJson, type Table } from '../lib/table.js';
import { bucketSeconds, formatTime, resolveRange } from '../lib/time.js';
import { DataTable } from '../components/DataTable.js';
import { EChart } from '../components/EChart.js';
import { Empty, Loading, QueryErrorNote } from '../components/Notes.js';
import { browserTimezone } from './Reports.js';

/** Logs per page (sls-query.md §9 U-9: a search without SQL returns 100 logs per page). */
export const PAGE_SIZE = 100;

/** Fields of the sidebar, in the row catalogue's names (DESIGN.md "The row"). */
const SIDEBAR_FIELDS = [
  'verb',
  'user.username',
  'objectRef.resource',
  'objectRef.namespace',
  'responseStatus.code',
  'stage',
  'objectRef.subresource',
  'objectRef.apiGroup',
  'userAgent',
  'level',
  'cluster',
];

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

function LogList({
  events,
  onPick,
}: {
  events: AuditEventLike[];
  onPick: (field: string, value: unknown) => void;
}) {
  const groups = useMemo(() => groupByRequest(events), [events]);
  return (
    <ol className="loglist" aria-label="Matching requests, newest first">
      {groups.map((g) => {
        const last = g.events[g.events.length - 1];
        const t = typeof last.__time__ === 'number' ? formatTime(last.__time__, true) : '';
        return (
          <li key={g.auditID} data-audit-id={g.auditID}>
            <details>
              <summary>
                <span className="time">{t}</span> <span className="what">{summary(last)}</span>{' '}
                <span className="muted small">
                  {g.events.length > 1 ? `${g.events.length} stages: ` : ''}
                  {g.events.map((e) => String(e.stage ?? '?')).join(', ')}
                </span>
              </summary>
              <div className="request">
                <div className="quick">
                  {(['user.username', 'verb', 'objectRef.namespace', 'responseStatus.code'] as const).map(
                    (f) => {
                      const v = fieldValue(last, f);
                      return v === undefined ? null : (
                        <button
                          key={f}
                          type="button"
                          className="chip"
                          onClick={() => onPick(f, v)}
                          title={`Add ${f} to the query`}
                        >
                          {f}: {String(v)}
                        </button>
                      );
                    },
                  )}
                </div>
                {g.events.map((e, i) => (
                  <details key={i} className="stage" open={g.events.length === 1}>
                    <summary>
                      {String(e.stage ?? 'event')} · auditID {g.auditID}
                    </summary>
                    <pre className="json">{JSON.stringify(e, null, 2)}</pre>
                  </details>
                ))}
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

function FieldSidebar({
  query,
  base,
  onPick,
}: {
  query: string;
  base: { from: number; to: number; cluster: string };
  onPick: (field: string, value: unknown) => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const [values, setValues] = useState<{ field: string; rows: { value: unknown; n: number }[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    async (field: string) => {
      setError(null);
      setValues(null);
      try {
        const body: Record<string, unknown> = {
          query: topValuesQuery(query, field),
          from: base.from,
          to: base.to,
          timezone: browserTimezone(),
        };
        if (base.cluster) body.cluster = base.cluster;
        const r = await api<QueryResponse>('POST', '/api/v1/query', body);
        setValues({ field, rows: r.rows.map((row) => ({ value: row[0], n: Number(row[1]) })) });
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [query, base.from, base.to, base.cluster],
  );
  useEffect(() => {
    if (open) void load(open);
  }, [open, load]);
  return (
    <aside className="fields" aria-label="Fields">
      <h2 className="small-heading">Fields</h2>
      <ul>
        {SIDEBAR_FIELDS.map((f) => (
          <li key={f}>
            <button
              type="button"
              className="field-name"
              aria-expanded={open === f}
              onClick={() => setOpen(open === f ? null : f)}
            >
              {f}
            </button>
            {open === f && (
              <div className="top-values">
                {error && <div className="inline-error">{error}</div>}
                {!values && !error && <span className="muted small">Counting…</span>}
                {values?.field === f && values.rows.length === 0 && (
                  <span className="muted small">No values.</span>
                )}
                {values?.field === f && (
                  <ul aria-label={`Top values of ${f}`}>
                    {values.rows.map((r, i) => (
                      <li key={i}>
                        <button
                          type="button"
                          className="link"
                          onClick={() => onPick(f, r.value)}
                          title={`Add ${f}: ${String(r.value)} to the query`}
                        >
                          {r.value === null ? '(none)' : String(r.value)}
                        </button>
                        <span className="count">{r.n}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}

function SavedSearches({ current, onOpen }: { current: string; onOpen: (q: string) => void }) {
  const [items, setItems] = useState<SavedSearchItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const reload = useCallback(async () => {
    try {
      const r = await api<{ searches: SavedSearchItem[] }>('GET', '/api/v1/saved-searches');
      setItems(r.searches);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <div className="saved">
      <label className="field">
        <span>Saved searches</span>
        <select
          aria-label="Saved searches"
          value=""
          onChange={(e) => {
            const s = items?.find((x) => x.id === e.target.value);
            if (s) onOpen(s.query);
          }}
        >
          <option value="">{items?.length ? 'Open a saved search…' : 'No saved searches yet'}</option>
          {items?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {!saving ? (
        <button type="button" className="link" disabled={!current.trim()} onClick={() => setSaving(true)}>
          Save this search
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api('POST', '/api/v1/saved-searches', { name, query: current });
              setName('');
              setSaving(false);
              await reload();
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Name"
            aria-label="Name of the saved search"
            autoFocus
          />
          <button type="submit" disabled={!name.trim()}>
            Save
          </button>
          <button type="button" className="link" onClick={() => setSaving(false)}>
            Cancel
          </button>
        </form>
      )}
      {items && items.length > 0 && (
        <details className="manage">
          <summary>Manage</summary>
          <ul>
            {items.map((s) => (
              <li key={s.id}>
                <code title={s.query}>{s.name}</code>{' '}
                <button
                  type="button"
                  className="link"
                  aria-label={`Delete saved search ${s.name}`}
                  onClick={async () => {
                    try {
                      await api('DELETE', `/api/v1/saved-searches/${encodeURIComponent(s.id)}`);
                      await reload();
                    } catch (err) {
                      setError((err as Error).message);
                    }
                  }}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <span className="inline-error" role="alert">
          Saved searches: {error}
        </span>
      )}
    </div>
  );
}
