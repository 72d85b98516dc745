// The agent's sink: forwards the rows of a followed file to a central `kaudit serve` as the
// apiserver's webhook backend would (DESIGN.md "HTTP": POST /audit/webhook[/CLUSTER] with an
// EventList), plus `X-Kaudit-Node` and `X-Kaudit-Source` so the server records `<node>:<path>` in
// `__source__`. A write resolves only on a 2xx answer, i.e. once the server has the events durably;
// the file source moves its checkpoint only then. 429/503 become BackpressureError (the file source
// waits Retry-After), every other failure is thrown and retried by the file source with backoff.
// Events are never skipped, except one event the server can never accept (413/400 for it alone),
// which is reported and counted.
import http from 'node:http';
import https from 'node:https';
import type { IngestResult, IngestRow } from '../../store/store.js';
import { BackpressureError } from '../sink.js';

export interface ForwarderOptions {
  /** Base URL of the server, e.g. https://kaudit.kaudit.svc:8080 (a path prefix is kept). */
  server: string;
  token?: string;
  /** Node name sent in X-Kaudit-Node. */
  node: string;
  /** Posts to /audit/webhook/<cluster> when set. */
  cluster?: string;
  /** PEM CA bundle to verify the server's certificate. */
  ca?: string | Buffer;
  insecureSkipVerify?: boolean;
  /** Per-request timeout (the apiserver's webhook client uses 30 s). */
  timeoutMs?: number;
  /** Largest request body; bigger batches are split (the server's default limit is 12 MB). */
  maxBodyBytes?: number;
  /** An event the server refused for good (reported, counted, not retried). */
  onDropped?: (msg: string) => void;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

const PREFIX = '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[';
const SUFFIX = ']}';

export class WebhookForwarder {
  readonly url: URL;
  private readonly agent: http.Agent;
  private readonly maxBody: number;
  /** Events refused for good. */
  dropped = 0;
  /** Events acknowledged by the server. */
  forwarded = 0;

  constructor(private readonly opts: ForwarderOptions) {
    const base = new URL(opts.server);
    const path = base.pathname.replace(/\/+$/, '');
    base.pathname = `${path}/audit/webhook${opts.cluster ? `/${encodeURIComponent(opts.cluster)}` : ''}`;
    this.url = base;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ca: opts.ca, rejectUnauthorized: !opts.insecureSkipVerify })
        : new http.Agent({ keepAlive: true });
    this.maxBody = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  async write(rows: IngestRow[]): Promise<IngestResult> {
    let stored = 0;
    for (const part of this.splitBySize(rows)) stored += await this.post(part);
    return { stored, duplicates: 0 };
  }

  close(): void {
    this.agent.destroy();
  }

  private splitBySize(rows: IngestRow[]): IngestRow[][] {
    const parts: IngestRow[][] = [];
    let cur: IngestRow[] = [];
    let size = PREFIX.length + SUFFIX.length;
    for (const r of rows) {
      const n = Buffer.byteLength(r.raw) + 1;
      if (cur.length && size + n > this.maxBody) {
        parts.push(cur);
        cur = [];
        size = PREFIX.length + SUFFIX.length;
      }
      cur.push(r);
      size += n;
    }
    if (cur.length) parts.push(cur);
    return parts;
  }

  /** Posts one batch; returns how many events the server took. */
  private async post(rows: IngestRow[]): Promise<number> {
    const body = PREFIX + rows.map((r) => r.raw).join(',') + SUFFIX;
    const { status, headers, text } = await this.request(body, rows[0].source);
    if (status >= 200 && status <= 206) {
      this.forwarded += rows.length;
      return rows.length;
    }
    if (status === 429 || status === 503) {
      const ra = Number(headers['retry-after']);
      throw new BackpressureError(Number.isFinite(ra) && ra >= 0 ? ra : 1);
    }
    const reason = serverReason(text);
    if (status === 413 || status === 400) {
      // Too big or refused: halve the batch to isolate what the server cannot take.
      if (rows.length > 1) {
        const mid = Math.ceil(rows.length / 2);
        return (await this.post(rows.slice(0, mid))) + (await this.post(rows.slice(mid)));
      }
      this.dropped++;
      this.opts.onDropped?.(
        `the server refused one event from ${rows[0].source} for good (HTTP ${status}${reason ? `: ${reason}` : ''}); it was skipped and counted`,
      );
      return 0;
    }
    if (status === 401 || status === 403) {
      throw new HttpStatusError(
        status,
        `${this.url.origin} refused the token (HTTP ${status}); check --token (it needs the ingest or admin role)`,
      );
    }
    throw new HttpStatusError(
      status,
      `${this.url.href} answered HTTP ${status}${reason ? ` (${reason})` : ''}`,
    );
  }

  private request(
    body: string,
    source: string,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const mod = this.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'X-Kaudit-Node': this.opts.node,
      'X-Kaudit-Source': source,
    };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        this.url,
        { method: 'POST', headers, agent: this.agent, timeout: this.opts.timeoutMs ?? 30_000 },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (text.length < 4096) text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${this.url.origin} within the timeout`)));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            e.code === 'ECONNREFUSED'
              ? `${this.url.origin} refused the connection (is kaudit serve running with --webhook?)`
              : `cannot reach ${this.url.origin} (${e.code ?? e.message})`,
          ),
        ),
      );
      req.end(body);
    });
  }
}

function serverReason(text: string): string {
  try {
    const v = JSON.parse(text) as { error?: unknown };
    if (typeof v.error === 'string') return v.error;
  } catch {
    /* not JSON */
  }
  return text.trim().slice(0, 200);
}
