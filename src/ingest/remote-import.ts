// `kaudit import` on a store owned by a running `kaudit serve`: the files are read and decoded here
// and posted to the server's webhook as EventLists (the server applies its own policy and
// redaction), retrying on 429/503 as the apiserver would. Rejects are recorded through the API.
import { statSync } from 'node:fs';
import { readAuditBatches, InputError } from '../event/read.js';
import type { RejectRecord } from '../store/store.js';
import type { ServerInfo } from '../cli/remote.js';
import { callServer } from '../cli/remote.js';
import { planInputs } from './inputs.js';
import type { ImportOptions, ImportSummary } from './import.js';

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
  const started = process.hrtime.bigint();
  const plan = planInputs(paths);
  const summary: ImportSummary = {
    read: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    policyDropped: 0,
    policyTrimmed: 0,
    redactions: 0,
    files: plan.files,
    skipped: plan.skipped,
    errors: [...plan.errors],
    warnings: [],
    bytes: 0,
    seconds: 0,
    eventsPerSecond: 0,
  };
  let bytesTotal = 0;
  for (const f of plan.files) if (f !== '-') bytesTotal += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  let bytesRead = 0;
  for (const file of plan.files) {
    const source = file === '-' ? 'stdin' : file;
    let items: string[] = [];
    const rejects: RejectRecord[] = [];
    const flush = async () => {
      if (!items.length) return;
      const r = await postBatch(server, opts.cluster, source, items);
      summary.stored += r.stored;
      summary.duplicates += r.duplicates;
      items = [];
    };
    let sawAny = false;
    try {
      for await (const batch of readAuditBatches(file, { onBytes: (n) => (bytesRead += n) })) {
        for (const item of batch) {
          sawAny = true;
          if (item.type === 'reject') {
            summary.rejected++;
            const r = { source, line: item.line, reason: item.reason, raw: item.raw };
            rejects.push(r);
            opts.onReject?.(r);
            continue;
          }
          summary.read++;
          items.push(item.text ?? JSON.stringify(item.event));
          if (items.length >= EVENTS_PER_POST) await flush();
        }
        opts.onProgress?.({ bytesRead, bytesTotal, events: summary.read });
      }
      await flush();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      summary.errors.push({ path: source, reason: e.message });
    }
    if (rejects.length) await callServer(server, '/api/v1/rejects', { rejects });
    if (!sawAny && !summary.errors.some((e) => e.path === source)) {
      summary.warnings.push(`${source} is empty; nothing was imported from it`);
    }
  }
  summary.bytes = bytesRead;
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : 0;
  return summary;
}
