// `kaudit migrate`: copies every stored event from one store to another (DuckDB → ClickHouse, or
// back), in batches read in (`_time_us`, `_id`) order with a keyset cursor, so memory stays at one
// batch whatever the store's size. Exactly once: the target skips identities it already has, so
// running the copy again (or after an interruption) adds nothing.
//
// Into ClickHouse the rows go as they are stored (every column, the receive time kept, so retention
// counts from the original receipt). Into DuckDB they go through its ingest (the rows are rebuilt
// from the original Event by the same SQL), and the receive time becomes the time of the copy.
import { ALL_COLUMNS } from '../../event/columns.js';
import type { IngestRow, QueryResult, Store } from '../store.js';
import { EVENTS_RELATION } from '../store.js';
import { ClickHouseStore } from './index.js';
import { idFromHex, idHex } from './rows.js';

export interface CopyProgress {
  /** Events read from the source so far. */
  read: number;
  /** Of those, new in the target. */
  stored: number;
  /** Events in the source when the copy started. */
  total: number;
}

export interface CopySummary {
  read: number;
  stored: number;
  duplicates: number;
  seconds: number;
}

export interface CopyOptions {
  /** Events per batch (default 20,000). */
  batchRows?: number;
  onProgress?: (p: CopyProgress) => void;
}

type Target = Pick<Store, 'ingest' | 'kind'> | ClickHouseStore;

function identity(v: unknown): bigint {
  return typeof v === 'string' ? idFromHex(v) : BigInt(v as number | bigint);
}

function quoteFor(store: Store, name: string): string {
  return store.kind === 'clickhouse'
    ? '`' + name.replace(/`/g, '\\`') + '`'
    : '"' + name.replace(/"/g, '""') + '"';
}

/** The keyset condition after the last row read: backend-native `_id` comparison (hex or 128-bit). */
function after(source: Store, last: { timeUs: number; id: bigint } | null): string {
  if (!last) return '';
  const id = source.kind === 'clickhouse' ? `'${idHex(last.id)}'` : `${last.id}::UHUGEINT`;
  return `WHERE _time_us > ${last.timeUs} OR (_time_us = ${last.timeUs} AND _id > ${id})`;
}

export async function copyEvents(
  source: Store,
  target: Target,
  opts: CopyOptions = {},
): Promise<CopySummary> {
  const started = Date.now();
  const batchRows = opts.batchRows ?? 20_000;
  const total = Number((await source.querySql(`SELECT count(*) FROM ${EVENTS_RELATION}`)).rows[0][0]);
  const columns = ALL_COLUMNS.map((c) => c.name);
  const select = columns.map((c) => quoteFor(source, c)).join(', ');
  const at = Object.fromEntries(columns.map((c, i) => [c, i]));
  let last: { timeUs: number; id: bigint } | null = null;
  let read = 0;
  let stored = 0;
  opts.onProgress?.({ read, stored, total });
  const readAfter = (cursor: typeof last): Promise<QueryResult> =>
    source.querySql(
      `SELECT ${select} FROM ${EVENTS_RELATION} ${after(source, cursor)} ORDER BY _time_us, _id LIMIT ${batchRows}`,
    );
  let next: Promise<QueryResult> | null = readAfter(null);
  while (next) {
    const page: QueryResult = await next;
    if (page.rows.length === 0) break;
    const lastRow = page.rows[page.rows.length - 1];
    last = { timeUs: Number(lastRow[at._time_us]), id: identity(lastRow[at._id]) };
    // The next page is read while this one is written: source and target work at the same time.
    next = page.rows.length < batchRows ? null : readAfter(last);
    next?.catch(() => {}); // awaited in the next round; never an unhandled rejection meanwhile
    read += page.rows.length;
    if (target instanceof ClickHouseStore) {
      const rows = page.rows.map((r) => {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) {
          const v = r[i];
          o[columns[i]] = columns[i] === '_id' ? idHex(identity(v)) : typeof v === 'bigint' ? Number(v) : v;
        }
        return o;
      });
      stored += (await target.copyRows(rows)).stored;
    } else {
      const rows: IngestRow[] = page.rows.map((r) => ({
        id: identity(r[at._id]),
        cluster: String(r[at.cluster]),
        time: Number(r[at.__time__]),
        timeUs: Number(r[at._time_us]),
        source: String(r[at.__source__]),
        raw: String(r[at._raw]),
      }));
      stored += (await target.ingest(rows)).stored;
    }
    opts.onProgress?.({ read, stored, total });
  }
  return { read, stored, duplicates: read - stored, seconds: (Date.now() - started) / 1000 };
}
