// The webhook receiver's body handling: the apiserver's EventList (v1 or v1beta1, items without
// kind/apiVersion) → ingest rows. Malformed bodies are refused whole with the reason, so the
// apiserver's retry can bring a good copy; a bad item inside a good list is rejected alone.
import { decodeJsonValue, type DecodeOutcome } from '../event/decode.js';
import type { EventTransforms, TransformCounts } from '../ingest/prepare.js';
import { newTransformCounts, prepareRow } from '../ingest/prepare.js';
import type { IngestRow, RejectRecord } from '../store/store.js';

export class BadBodyError extends Error {}

export interface ParsedBody {
  rows: IngestRow[];
  received: number;
  rejects: RejectRecord[];
}

export function parseWebhookBody(
  body: string,
  cluster: string,
  source: string,
  transforms: EventTransforms = {},
  counts: TransformCounts = newTransformCounts(),
): ParsedBody {
  if (body.trim() === '') throw new BadBodyError('the body is empty; send an audit EventList as JSON');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new BadBodyError(`the body is not JSON (${(e as Error).message}); send an audit EventList`);
  }
  if (value === null || typeof value !== 'object') {
    throw new BadBodyError('the body is not an audit EventList (expected {"kind":"EventList","items":[…]})');
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.items) && !Array.isArray(value) && v.auditID === undefined) {
    throw new BadBodyError('the body is not an audit EventList: it has no "items" array');
  }
  const out: DecodeOutcome = { events: [], errors: [] };
  decodeJsonValue(value, out);
  const rows: IngestRow[] = [];
  for (const e of out.events) {
    const row = prepareRow(e, cluster, source, transforms, counts);
    if (row) rows.push(row);
  }
  const rejects = out.errors.map((reason, i) => ({ source, line: i + 1, reason, raw: '' }));
  return { rows, received: out.events.length, rejects };
}
