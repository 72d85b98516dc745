// `kaudit query --follow 'SEARCH'`: prints matching events as a running `kaudit serve` stores them.
// It asks the server every second for events *received* since the last answer
// (`__tag__:__receive_time__`, seconds), and remembers what it printed in the current second so an
// event is printed once.
import { UserError } from './errors.js';
import { callServer, type ServerInfo } from './remote.js';

export interface FollowOptions {
  cluster?: string;
  timezone: string;
  intervalMs?: number;
  /** Stop after this many polls (tests); default: until interrupted. */
  maxPolls?: number;
  signal?: AbortSignal;
}

/** The search of a follow query, restricted to events received at or after `since`. */
export function followQueryText(search: string, since: number): string {
  const s = search.trim();
  if (s.includes('|')) {
    throw new UserError(
      '--follow takes a search statement only (no "| SQL"); drop the SQL part to follow events live',
    );
  }
  const cond = `__tag__:__receive_time__ >= ${since}`;
  return s === '' || s === '*' ? cond : `(${s}) and ${cond}`;
}

function key(ev: Record<string, unknown>): string {
  return `${ev.cluster}\u0000${ev.auditID}\u0000${ev.stage}\u0000${ev.stageTimestamp ?? ev.__time__}`;
}

export async function followSearch(
  server: ServerInfo,
  search: string,
  opts: FollowOptions,
  print: (event: Record<string, unknown>) => void,
): Promise<void> {
  let since = Math.floor(Date.now() / 1000);
  let printedThisSecond = new Set<string>();
  for (let polls = 0; opts.maxPolls === undefined || polls < opts.maxPolls; polls++) {
    if (opts.signal?.aborted) return;
    const answer = (await callServer(server, '/api/v1/query', {
      query: followQueryText(search, since),
      cluster: opts.cluster,
      timezone: opts.timezone,
      limit: 1000,
    })) as { rows: [Record<string, unknown>][] };
    // Newest first from the server: print oldest first.
    const events = answer.rows.map((r) => r[0]).reverse();
    let newest = since;
    for (const ev of events) {
      const received = Number(ev['__tag__:__receive_time__'] ?? since);
      if (received > newest) newest = received;
    }
    const next = new Set<string>();
    for (const ev of events) {
      const k = key(ev);
      const received = Number(ev['__tag__:__receive_time__'] ?? since);
      if (received === newest) next.add(k);
      if (received === since && printedThisSecond.has(k)) continue;
      print(ev);
    }
    printedThisSecond = newest === since ? new Set([...printedThisSecond, ...next]) : next;
    since = newest;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}
