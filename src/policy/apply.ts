// The ingest filter: apply a policy to an already-recorded Event, as the apiserver would have
// when recording it (../shared/spec/k8s-audit.md §1.2, §2.1). Level None and omitted stages drop
// the event; a lower level strips the bodies (and webhook patch annotations) it would not have
// recorded; omitManagedFields strips
// metadata.managedFields from both bodies (list items and table rows included). The input is never
// modified: a changed event is a new object.
import type { AuditEvent } from '../event/types.js';
import { attributesFromEvent } from './attributes.js';
import type { CompiledPolicy } from './compile.js';
import { levelRank, type PolicyDecision } from './types.js';

export type PolicyAction = 'kept' | 'dropped' | 'trimmed';

export interface AppliedPolicy {
  event: AuditEvent | null;
  action: PolicyAction;
  decision: PolicyDecision;
}

const REQUEST_RANK = levelRank('Request');
const PATCH_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';
const REQUEST_RESPONSE_RANK = levelRank('RequestResponse');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj` without metadata.managedFields, or `obj` itself when it has none. */
function withoutOwnManagedFields(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = obj.metadata;
  if (!isPlainObject(meta) || !('managedFields' in meta)) return obj;
  const { managedFields: _dropped, ...rest } = meta;
  return { ...obj, metadata: rest };
}

/**
 * A body without managedFields: the object itself, the items of a list, and the objects of table
 * rows (what the apiserver strips, A:pkg/audit/request.go). Returns the same value when unchanged.
 */
export function stripManagedFields(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  let out = withoutOwnManagedFields(body);
  if (Array.isArray(body.items)) {
    let changed = false;
    const items = body.items.map((item) => {
      const next = isPlainObject(item) ? withoutOwnManagedFields(item) : item;
      if (next !== item) changed = true;
      return next;
    });
    if (changed) out = { ...out, items };
  }
  if (Array.isArray(body.rows)) {
    let changed = false;
    const rows = body.rows.map((row) => {
      if (!isPlainObject(row) || !isPlainObject(row.object)) return row;
      const object = withoutOwnManagedFields(row.object);
      if (object === row.object) return row;
      changed = true;
      return { ...row, object };
    });
    if (changed) out = { ...out, rows };
  }
  return out;
}

/** Applies an already-made decision to an event (simulate uses this with its own counters). */
export function applyDecision(event: AuditEvent, decision: PolicyDecision): AuditEvent | null {
  if (decision.level === 'None') return null;
  if (typeof event.stage === 'string' && (decision.omitStages as string[]).includes(event.stage)) return null;
  const rank = levelRank(decision.level);
  let out: AuditEvent = event;
  const edit = (): AuditEvent => (out === event ? (out = { ...event }) : out);
  if (rank < REQUEST_RANK && 'requestObject' in event) delete edit().requestObject;
  if (rank < REQUEST_RESPONSE_RANK && 'responseObject' in event) delete edit().responseObject;
  // Annotations recorded with a minimum level go below it too: the JSON patches of mutating
  // webhooks need Request (k8s-audit.md §2.1, A:pkg/admission/plugin/webhook/mutating/dispatcher.go).
  if (rank < REQUEST_RANK && event.annotations) {
    const keys = Object.keys(event.annotations).filter((k) => k.startsWith(PATCH_ANNOTATION_PREFIX));
    if (keys.length > 0) {
      const annotations = { ...event.annotations };
      for (const k of keys) delete annotations[k];
      edit().annotations = annotations;
    }
  }
  if (decision.omitManagedFields) {
    for (const key of ['requestObject', 'responseObject'] as const) {
      if (!(key in out)) continue;
      const stripped = stripManagedFields(out[key]);
      if (stripped !== out[key]) edit()[key] = stripped;
    }
  }
  // The event now holds what `decision.level` records: say so when that is lower.
  if (typeof event.level === 'string' && levelRank(event.level) > rank) edit().level = decision.level;
  return out;
}

/** Ingest filter: decides the event with `compiled` and drops or trims it accordingly. */
export function applyPolicyToEvent(event: AuditEvent, compiled: CompiledPolicy): AppliedPolicy {
  const decision = compiled.evaluate(attributesFromEvent(event));
  const out = applyDecision(event, decision);
  if (out === null) return { event: null, action: 'dropped', decision };
  return { event: out, action: out === event ? 'kept' : 'trimmed', decision };
}
