// The search page's field sidebar: open a field to count its ten most common values among the
// matching events (one query, run on demand); a value click adds `field: "value"` to the query.
import { useCallback, useEffect, useState } from 'react';
import { api, type QueryResponse } from '../lib/api.js';
import { topValuesQuery } from '../lib/sls.js';
import { browserTimezone } from '../lib/time.js';

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

export function FieldSidebar({
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
