// Turns a decoded event into the row ingest stores: identity (taken before any policy trimming or
// redaction, DESIGN.md), then the optional policy filter and redaction, then the raw JSON text.
import type { DecodedEvent } from '../event/decode.js';
import { eventIdentity } from '../event/identity.js';
import type { AuditEvent } from '../event/types.js';
import type { IngestRow } from '../store/store.js';

/** Optional transformations applied after identity: policy filter at ingest, then redaction. */
export interface EventTransforms {
  /** Returns null to drop the event; 'trimmed' when it changed it. */
  policy?: (event: AuditEvent) => { event: AuditEvent | null; action: 'kept' | 'dropped' | 'trimmed' };
  redact?: (event: AuditEvent) => { event: AuditEvent; redactions: number };
}

export interface TransformCounts {
  policyDropped: number;
  policyTrimmed: number;
  redactions: number;
}

export function newTransformCounts(): TransformCounts {
  return { policyDropped: 0, policyTrimmed: 0, redactions: 0 };
}

/** Builds the ingest row, or null when the policy drops the event. */
export function prepareRow(
  decoded: DecodedEvent & { text?: string },
  cluster: string,
  source: string,
  transforms: EventTransforms = {},
  counts: TransformCounts = newTransformCounts(),
): IngestRow | null {
  const id = eventIdentity(decoded.event, cluster);
  let event = decoded.event;
  if (transforms.policy) {
    const r = transforms.policy(event);
    if (r.event === null) {
      counts.policyDropped++;
      return null;
    }
    if (r.action === 'trimmed') counts.policyTrimmed++;
    event = r.event;
  }
  if (transforms.redact) {
    const r = transforms.redact(event);
    counts.redactions += r.redactions;
    event = r.event;
  }
  return {
    id,
    cluster,
    time: Math.floor(decoded.timeUs / 1_000_000),
    timeUs: decoded.timeUs,
    source,
    // The input line already is the event's JSON when nothing changed it.
    raw: event === decoded.event && decoded.text !== undefined ? decoded.text : JSON.stringify(event),
  };
}
