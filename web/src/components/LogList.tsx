// The search page's log list: events grouped by request (the stages of one auditID together),
// each request expandable to its stages' raw events as formatted JSON.
import { useMemo } from 'react';
import { fieldValue, groupByRequest, summary, type AuditEventLike } from '../lib/events.js';
import { formatTime } from '../lib/time.js';

export function LogList({
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
