// The console's view state lives in the URL so a view can be shared and a reload restores it:
// the page in the path (/reports, /search, /alerts), everything else in query parameters
// (docs/console.md lists them).
import { DEFAULT_RANGE } from './time.js';

export type Page = 'reports' | 'search' | 'alerts';
export type ResultView = 'table' | 'line' | 'bar' | 'pie';

export interface ViewState {
  page: Page;
  /** '' = every cluster. */
  cluster: string;
  /** Preset id (`15m`, `1h`, `24h`, `7d`, `30d`) or `abs` with from/to. */
  range: string;
  from?: number;
  to?: number;
  namespace: string;
  user: string;
  status: string;
  report: string;
  tab: string;
  resource: string;
  q: string;
  /** 1-based page of the log list. */
  p: number;
  view: ResultView;
  /** Alerts page section. */
  section: string;
  /** Alerts history of one rule (rule id). */
  rule: string;
}

export const DEFAULTS: ViewState = {
  page: 'reports',
  cluster: '',
  range: DEFAULT_RANGE,
  namespace: '',
  user: '',
  status: '',
  report: '',
  tab: '',
  resource: '',
  q: '',
  p: 1,
  view: 'table',
  section: 'rules',
  rule: '',
};

const PAGES: Page[] = ['reports', 'search', 'alerts'];
const VIEWS: ResultView[] = ['table', 'line', 'bar', 'pie'];
const TEXT_KEYS = [
  'cluster',
  'range',
  'namespace',
  'user',
  'status',
  'report',
  'tab',
  'resource',
  'q',
  'section',
  'rule',
] as const;

function intOrUndefined(v: string | null): number | undefined {
  if (v === null || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The state a location (path + search) describes; anything unknown or malformed is the default. */
export function parseLocation(pathname: string, search: string): ViewState {
  const params = new URLSearchParams(search);
  const first = pathname.split('/').filter(Boolean)[0] ?? '';
  const state: ViewState = {
    ...DEFAULTS,
    page: (PAGES as string[]).includes(first) ? (first as Page) : 'reports',
  };
  for (const k of TEXT_KEYS) {
    const v = params.get(k);
    if (v !== null) state[k] = v;
  }
  const from = intOrUndefined(params.get('from'));
  const to = intOrUndefined(params.get('to'));
  if (state.range === 'abs') {
    if (from !== undefined && to !== undefined && from < to) {
      state.from = from;
      state.to = to;
    } else {
      state.range = DEFAULT_RANGE;
    }
  }
  const p = intOrUndefined(params.get('p'));
  state.p = p !== undefined && p >= 1 ? p : 1;
  const view = params.get('view');
  if (view && (VIEWS as string[]).includes(view)) state.view = view as ResultView;
  if (!/^\d{3}$/.test(state.status)) state.status = '';
  return state;
}

/** The location of a state: only what differs from the defaults, in a fixed order. */
export function formatLocation(state: ViewState): string {
  const params = new URLSearchParams();
  for (const k of TEXT_KEYS) {
    if (state[k] !== DEFAULTS[k]) params.set(k, state[k]);
  }
  if (state.range === 'abs' && state.from !== undefined && state.to !== undefined) {
    params.set('from', String(state.from));
    params.set('to', String(state.to));
  }
  if (state.p !== 1) params.set('p', String(state.p));
  if (state.view !== DEFAULTS.view) params.set('view', state.view);
  const qs = params.toString();
  return `/${state.page}${qs ? `?${qs}` : ''}`;
}
