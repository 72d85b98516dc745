// Alerts: the rules (enable/disable, test against the last N hours without notifying), the firing
// history, and the in-app message center (issue #7 item 4). The API belongs to the alerts feature;
// when it is missing or fails, each section says so and what to do.
import { useCallback, useEffect, useState } from 'react';
import type { Navigate } from '../App.js';
import {
  api,
  ApiError,
  type AlertHistoryItem,
  type AlertRule,
  type AlertTestResult,
  type Message,
} from '../lib/api.js';
import type { ViewState } from '../lib/state.js';
import { cellText } from '../lib/table.js';
import { formatTime } from '../lib/time.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, ErrorNote, Loading } from '../components/Notes.js';
import { TabList } from '../components/TabList.js';

const SECTIONS = [
  { id: 'rules', title: 'Rules' },
  { id: 'history', title: 'History' },
  { id: 'messages', title: 'Messages' },
];

function unavailable(e: unknown, what: string): string {
  if (e instanceof ApiError && e.status === 404) {
    return `${what} is not available on this server yet (404); update kaudit or check that alerts are enabled in its config.`;
  }
  return (e as Error).message;
}

export function AlertsPage({
  state,
  navigate,
  onMessagesChanged,
}: {
  state: ViewState;
  navigate: Navigate;
  onMessagesChanged: () => void;
}) {
  const section = SECTIONS.some((s) => s.id === state.section) ? state.section : 'rules';
  return (
    <div className="alerts">
      <h1>Alerts</h1>
      <TabList
        tabs={SECTIONS}
        selected={section}
        label="Alerts sections"
        onSelect={(id) => navigate({ section: id })}
      />
      {section === 'rules' && <Rules onHistory={(rule) => navigate({ section: 'history', rule })} />}
      {section === 'history' && <History rule={state.rule} onClearRule={() => navigate({ rule: '' })} />}
      {section === 'messages' && <Messages onChanged={onMessagesChanged} />}
    </div>
  );
}

function Rules({ onHistory }: { onHistory: (ruleId: string) => void }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hours, setHours] = useState('24');
  const [testing, setTesting] = useState<string | null>(null);
  const [result, setResult] = useState<{
    rule: AlertRule;
    hours: number;
    out?: AlertTestResult;
    error?: string;
  } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api<{ rules: AlertRule[] }>('GET', '/api/v1/alerts/rules');
      setRules(r.rules);
      setError(null);
    } catch (e) {
      setError(unavailable(e, 'The alert rules API'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <ErrorNote title="No rules to show:" message={error} />;
  if (!rules) return <Loading what="alert rules" />;
  if (!rules.length) {
    return (
      <Empty>
        No alert rules are loaded. Built-in rules live in rules/; add your own to the configured rules
        directory.
      </Empty>
    );
  }

  const test = async (rule: AlertRule) => {
    const h = Number(hours);
    // The server sets the upper bound and says it when exceeded.
    if (!Number.isFinite(h) || h <= 0) {
      setActionError('Enter a positive number of hours to test against, e.g. 24.');
      return;
    }
    setActionError(null);
    setTesting(rule.id);
    try {
      const out = await api<AlertTestResult>(
        'POST',
        `/api/v1/alerts/rules/${encodeURIComponent(rule.id)}/test`,
        { hours: h },
      );
      setResult({ rule, hours: h, out });
    } catch (e) {
      setResult({ rule, hours: h, error: unavailable(e, 'Testing a rule') });
    } finally {
      setTesting(null);
    }
  };

  const toggle = async (rule: AlertRule) => {
    try {
      const r = await api<{ id: string; enabled: boolean }>(
        'POST',
        `/api/v1/alerts/rules/${encodeURIComponent(rule.id)}/${rule.enabled ? 'disable' : 'enable'}`,
      );
      setRules((rs) => rs?.map((x) => (x.id === r.id ? { ...x, enabled: r.enabled } : x)) ?? null);
      setActionError(null);
    } catch (e) {
      setActionError(
        e instanceof ApiError && e.status === 403
          ? `Only an admin token may enable or disable rules: ${e.message}`
          : (e as Error).message,
      );
    }
  };

  return (
    <section aria-label="Alert rules">
      <div className="toolbar">
        <label className="field">
          <span>Test against the last</span>
          <input
            className="narrow"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            inputMode="numeric"
            aria-label="Hours to test against"
          />
          <span>hours</span>
        </label>
      </div>
      {actionError && <ErrorNote message={actionError} />}
      <div className="table-wrap">
        <table aria-label="Alert rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Severity</th>
              <th scope="col">State</th>
              <th scope="col">Last run</th>
              <th scope="col">Enabled</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-rule-id={r.id}>
                <td>
                  <strong>{r.name}</strong>
                  <div className="muted small">
                    {r.id}
                    {r.level ? ` · needs level ${r.level}` : ''}
                    {r.description ? ` · ${r.description}` : ''}
                  </div>
                </td>
                <td>
                  <span className={`sev sev-${r.severity}`}>{r.severity}</span>
                </td>
                <td>
                  <span className={`state state-${r.state}`}>{r.state}</span>
                </td>
                <td>{r.lastRun ? formatTime(r.lastRun, true) : 'never'}</td>
                <td>
                  <button
                    type="button"
                    role="switch"
                    aria-checked={r.enabled}
                    aria-label={`${r.name} enabled`}
                    onClick={() => void toggle(r)}
                  >
                    {r.enabled ? 'On' : 'Off'}
                  </button>
                </td>
                <td className="actions">
                  <button type="button" disabled={testing !== null} onClick={() => void test(r)}>
                    {testing === r.id ? 'Testing…' : 'Test'}
                  </button>
                  <button type="button" className="link" onClick={() => onHistory(r.id)}>
                    History
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result && <TestResult {...result} />}
    </section>
  );
}

function TestResult({
  rule,
  hours,
  out,
  error,
}: {
  rule: AlertRule;
  hours: number;
  out?: AlertTestResult;
  error?: string;
}) {
  return (
    <section className="test-result" aria-label={`Test of ${rule.name}`} aria-live="polite">
      <h2>
        Test of “{rule.name}” over the last {hours} hours
      </h2>
      {error && <ErrorNote message={error} />}
      {out && (
        <>
          <p data-testid="fired">
            {out.fired.length === 0
              ? 'It would not fire: no group met the condition. Nothing was sent.'
              : `It would fire ${out.fired.length} alert${out.fired.length === 1 ? '' : 's'}. Nothing was sent.`}
          </p>
          {out.fired.length > 0 && (
            <DataTable
              label="Alerts that would fire"
              columns={['group', 'title', 'labels']}
              rows={out.fired.map((f) => ({
                group: f.group,
                title: f.annotations?.title ?? f.annotations?.summary ?? '',
                labels: f.labels,
              }))}
            />
          )}
          {out.queries.map((q, i) => {
            const columns = q.columns.map((c) => (typeof c === 'string' ? c : c.name));
            return (
              <div key={i}>
                <h3 className="small-heading">
                  Query {i + 1}: <code>{q.query}</code>
                </h3>
                {q.rows.length ? (
                  <DataTable label={`Rows of query ${i + 1}`} columns={columns} rows={q.rows} />
                ) : (
                  <Empty>No rows in this window.</Empty>
                )}
              </div>
            );
          })}
        </>
      )}
    </section>
  );
}

function History({ rule, onClearRule }: { rule: string; onClearRule: () => void }) {
  const [items, setItems] = useState<AlertHistoryItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setItems(null);
    const qs = new URLSearchParams({ limit: '200' });
    if (rule) qs.set('rule', rule);
    api<{ history: AlertHistoryItem[] }>('GET', `/api/v1/alerts/history?${qs}`)
      .then((r) => {
        setItems(r.history);
        setError(null);
      })
      .catch((e) => setError(unavailable(e, 'The alert history API')));
  }, [rule]);
  return (
    <section aria-label="Alert history">
      {rule && (
        <p>
          Rule <code>{rule}</code> only.{' '}
          <button type="button" className="link" onClick={onClearRule}>
            Show every rule
          </button>
        </p>
      )}
      {error && <ErrorNote title="No history to show:" message={error} />}
      {!error && !items && <Loading what="history" />}
      {items && items.length === 0 && <Empty>No alert has fired{rule ? ' for this rule' : ''} yet.</Empty>}
      {items && items.length > 0 && (
        <DataTable
          label="Alert history"
          columns={['time', 'rule', 'severity', 'status', 'title', 'notifications']}
          rows={items.map((h) => ({
            time: formatTime(h.time, true),
            rule: h.ruleName || h.ruleId,
            severity: h.severity,
            status: h.status,
            title: h.title ?? cellText(h.group),
            notifications: (h.notifications ?? [])
              .map((n) => `${n.channel}: ${n.ok ? 'sent' : `failed (${n.error ?? 'unknown error'})`}`)
              .join('; '),
          }))}
        />
      )}
    </section>
  );
}

function Messages({ onChanged }: { onChanged: () => void }) {
  const [data, setData] = useState<{ unread: number; messages: Message[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setData(await api<{ unread: number; messages: Message[] }>('GET', '/api/v1/messages'));
      setError(null);
    } catch (e) {
      setError(unavailable(e, 'The message center API'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const act = async (path: string) => {
    try {
      await api('POST', path);
      await load();
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (error) return <ErrorNote title="No messages to show:" message={error} />;
  if (!data) return <Loading what="messages" />;
  return (
    <section aria-label="Message center">
      <div className="toolbar">
        <span>{data.unread} unread</span>
        <button
          type="button"
          disabled={data.unread === 0}
          onClick={() => void act('/api/v1/messages/read-all')}
        >
          Mark all read
        </button>
      </div>
      {data.messages.length === 0 && (
        <Empty>No messages. Rules with the in-app channel post here when they fire.</Empty>
      )}
      <ul className="messages">
        {data.messages.map((m) => (
          <li key={m.id} className={m.read ? 'read' : 'unread'}>
            <div>
              <span className={`sev sev-${m.severity}`}>{m.severity}</span> <strong>{m.title}</strong>{' '}
              <span className="muted small">{formatTime(m.time, true)}</span>
            </div>
            {m.body && <pre className="message-body">{m.body}</pre>}
            {!m.read && (
              <button
                type="button"
                className="link"
                onClick={() => void act(`/api/v1/messages/${encodeURIComponent(m.id)}/read`)}
              >
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
