// The console shell: sign-in when the server asks for a token, the header (pages, cluster, time
// range, unread messages) and the page the URL names. The URL is the single source of the view
// state (lib/state.ts), so links can be shared and reloads restore the view.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, getToken, onUnauthorized, setToken, type Message } from './lib/api.js';
import { formatLocation, parseLocation, type ViewState } from './lib/state.js';
import { TimePicker } from './components/TimePicker.js';
import { SignIn } from './pages/SignIn.js';
import { ReportsPage } from './pages/Reports.js';
import { SearchPage } from './pages/Search.js';
import { AlertsPage } from './pages/Alerts.js';

export type Navigate = (patch: Partial<ViewState>, opts?: { replace?: boolean }) => void;

function useViewState(): [ViewState, Navigate] {
  const [state, setState] = useState(() => parseLocation(location.pathname, location.search));
  useEffect(() => {
    const onPop = () => setState(parseLocation(location.pathname, location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback<Navigate>((patch, opts) => {
    setState((prev) => {
      const next = { ...prev, ...patch };
      const url = formatLocation(next);
      if (url !== location.pathname + location.search) {
        if (opts?.replace) history.replaceState(null, '', url);
        else history.pushState(null, '', url);
      }
      return next;
    });
  }, []);
  return [state, navigate];
}

export function App() {
  const [state, navigate] = useViewState();
  const [auth, setAuth] = useState<'checking' | 'ok' | 'needed'>('checking');
  const [clusters, setClusters] = useState<string[]>([]);
  const [clusterError, setClusterError] = useState<string | null>(null);
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => onUnauthorized(() => setAuth('needed')), []);
  // The tab title names the page, so history entries and screen readers tell them apart.
  useEffect(() => {
    const name = auth === 'needed' ? 'Sign in' : state.page[0].toUpperCase() + state.page.slice(1);
    document.title = `${name} · kaudit`;
  }, [auth, state.page]);

  // Signed in or not is asked of the saved-searches API: this server always has it, and it needs
  // the read role like every other page. The cluster list is optional decoration on top.
  const checkAuth = useCallback(async () => {
    try {
      await api('GET', '/api/v1/saved-searches');
      setAuth('ok');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return setAuth('needed');
      setAuth('ok');
    }
    try {
      const r = await api<{ clusters: string[] }>('GET', '/api/v1/clusters');
      setClusters(r.clusters);
      setClusterError(null);
    } catch (e) {
      setClusterError(`The cluster list is unavailable: ${(e as Error).message}`);
    }
  }, []);
  useEffect(() => {
    void checkAuth();
  }, [checkAuth]);

  const loadUnread = useCallback(async () => {
    try {
      const r = await api<{ unread: number; messages: Message[] }>('GET', '/api/v1/messages?limit=1');
      setUnread(r.unread);
    } catch {
      setUnread(null);
    }
  }, []);
  useEffect(() => {
    if (auth !== 'ok') return;
    void loadUnread();
    const t = setInterval(() => void loadUnread(), 60_000);
    return () => clearInterval(t);
  }, [auth, loadUnread]);

  if (auth === 'needed') {
    return (
      <SignIn
        onSignedIn={async (token) => {
          setToken(token);
          try {
            await api('GET', '/api/v1/saved-searches');
          } catch (e) {
            if (e instanceof ApiError && e.status === 401) {
              setToken(null);
              throw new Error(
                'The server did not accept this token; check it with your kaudit administrator.',
              );
            }
          }
          setAuth('checking');
          await checkAuth();
        }}
      />
    );
  }

  const nav = (page: ViewState['page'], label: string, extra?: React.ReactNode) => (
    <a
      href={formatLocation({ ...state, page })}
      aria-current={state.page === page ? 'page' : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate({ page, p: 1 });
      }}
    >
      {label}
      {extra}
    </a>
  );

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand" aria-label="kaudit console">
          kaudit
        </div>
        <nav aria-label="Pages">
          {nav('reports', 'Reports')}
          {nav('search', 'Search')}
          {nav(
            'alerts',
            'Alerts',
            unread ? (
              <span className="badge" data-testid="unread" aria-label={`${unread} unread messages`}>
                {unread}
              </span>
            ) : null,
          )}
        </nav>
        <div className="pickers">
          <label className="field">
            <span>Cluster</span>
            <select
              value={state.cluster}
              onChange={(e) => navigate({ cluster: e.target.value, p: 1 })}
              aria-label="Cluster"
              title={clusterError ?? undefined}
            >
              <option value="">All clusters</option>
              {clusters.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
              {state.cluster && !clusters.includes(state.cluster) && (
                <option value={state.cluster}>{state.cluster}</option>
              )}
            </select>
          </label>
          <TimePicker state={state} navigate={navigate} />
          {getToken() && (
            <button
              type="button"
              className="link"
              onClick={() => {
                setToken(null);
                setAuth('needed');
              }}
            >
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {auth === 'checking' ? null : state.page === 'search' ? (
          <SearchPage state={state} navigate={navigate} />
        ) : state.page === 'alerts' ? (
          <AlertsPage state={state} navigate={navigate} onMessagesChanged={loadUnread} />
        ) : (
          <ReportsPage state={state} navigate={navigate} />
        )}
      </main>
    </div>
  );
}
