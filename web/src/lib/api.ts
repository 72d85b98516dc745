// The console's only door to the server: JSON over fetch with the session's token as a Bearer
// header (DESIGN.md "HTTP"). A 401 from any call asks the app to show the sign-in.

const TOKEN_KEY = 'kaudit.token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** 0-based offset of a query error in the query text (POST /api/v1/query answers it on 400). */
    readonly position: number | null = null,
    readonly suggestion: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lives only as long as the page */
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the server answers 401 (no token, or a wrong one). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(
      'The kaudit server cannot be reached; check that `kaudit serve` is running and reload.',
      0,
    );
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const j = (json ?? {}) as { error?: unknown; position?: unknown; suggestion?: unknown };
    if (res.status === 401) for (const fn of unauthorizedListeners) fn();
    const message =
      typeof j.error === 'string'
        ? j.error
        : res.status === 404
          ? `${method} ${path.split('?')[0]} is not available on this server (404); it may be an older kaudit.`
          : `${method} ${path.split('?')[0]} failed with HTTP ${res.status}.`;
    throw new ApiError(
      message,
      res.status,
      typeof j.position === 'number' ? j.position : null,
      typeof j.suggestion === 'string' ? j.suggestion : null,
    );
  }
  return json as T;
}

// ---- Shapes of the API (DESIGN.md and the reports/alerts contracts) ----

export interface ReportSummary {
  id: string;
  title: string;
  description?: string;
  params: { name: string; title: string; default?: string }[];
  tabs: { id: string; title: string }[];
}

export interface PanelDefinition {
  id: string;
  title: string;
  chart: string;
  query: string;
  width?: number | string;
  drilldown?: string;
}

export interface ReportDefinition extends Omit<ReportSummary, 'tabs'> {
  tabs: { id: string; title: string; panels: PanelDefinition[] }[];
}

export interface PanelResult {
  id: string;
  title: string;
  chart: string;
  query: string;
  columns: string[];
  rows: Record<string, unknown>[];
  error?: string;
}

export interface QueryResponse {
  kind: 'sql' | 'search';
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export interface SavedSearchItem {
  id: string;
  name: string;
  query: string;
  owner?: string;
  updated?: number;
}

export interface AlertRule {
  id: string;
  name: string;
  severity: string;
  level?: string;
  enabled: boolean;
  source?: string;
  description?: string;
  schedule?: unknown;
  queries?: unknown;
  condition?: string;
  lastRun: number | null;
  state: 'ok' | 'pending' | 'firing' | 'error' | string;
}

export interface AlertTestResult {
  fired: {
    group?: unknown;
    annotations?: Record<string, unknown>;
    labels?: Record<string, unknown>;
    rows?: unknown;
  }[];
  queries: { query: string; columns: string[] | { name: string }[]; rows: Record<string, unknown>[] }[];
}

export interface AlertHistoryItem {
  time: number;
  ruleId: string;
  ruleName: string;
  severity: string;
  status: string;
  group?: unknown;
  title?: string;
  notifications?: { channel: string; ok: boolean; error?: string }[];
}

export interface Message {
  id: string;
  time: number;
  ruleId?: string;
  severity: string;
  title: string;
  body?: string;
  read: boolean;
}
