// `kaudit import` on a store owned by a running `kaudit serve`: the files are read and decoded here
// and posted to the server's webhook as EventLists (the server applies its own policy and
// redaction), retrying on 429/503 as the apiserver would. Rejects are recorded through the API.
import type { ServerInfo } from '../cli/remote.js';
import { callServer } from '../cli/remote.js';
import { readInputs, type ImportOptions, type ImportSummary } from './import.js';

const EVENTS_PER_POST = 1000;

async function postBatch(server: ServerInfo, cluster: string, source: string, items: string[]) {
  const body = `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.join(',')}]}`;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(new URL(`/audit/webhook/${encodeURIComponent(cluster)}`, server.url), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${server.token}`,
        'X-Kaudit-Node': 'import',
        'X-Kaudit-Source': source,
      },
      body,
    });
    const text = await res.text();
    if (res.ok)
      return JSON.parse(text) as { received: number; stored: number; duplicates: number; rejected: number };
    if ((res.status === 429 || res.status === 503) && attempt < 30) {
      const wait = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((r) => setTimeout(r, Math.min(30, Math.max(1, wait)) * 1000));
      continue;
    }
    let msg = text;
    try {
      msg = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      /* keep the text */
    }
    throw new Error(`kaudit serve refused a batch of ${source} (${res.status}): ${msg}`);
  }
}

export async function importThroughServer(
  server: ServerInfo,
  paths: string[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  let items: string[] = [];
  let itemsSource = '';
  let stored = 0;
  let duplicates = 0;
  const flush = async () => {
    if (!items.length) return;
    const r = await postBatch(server, opts.cluster, itemsSource, items);
    stored += r.stored;
    duplicates += r.duplicates;
    items = [];
  };
  const summary = await readInputs(paths, opts, {
    event: (item, source) => {
      itemsSource = source;
      items.push(item.text ?? JSON.stringify(item.event));
    },
    afterBatch: async () => {
      if (items.length >= EVENTS_PER_POST) await flush();
    },
    afterInput: async (_source, rejects) => {
      await flush();
      if (rejects.length) await callServer(server, '/api/v1/rejects', { rejects });
    },
  });
  summary.stored = stored;
  summary.duplicates = duplicates;
  return summary;
}
