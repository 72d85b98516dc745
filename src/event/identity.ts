// Identity of an event (DESIGN.md "Identity of an event"): a hash of the canonical decoded Event
// (keys sorted at every level; top-level `kind`, `apiVersion` and `metadata` left out) plus the
// cluster. Webhook retries, re-imports and the same event seen through two paths collapse to one
// row; events that only share an auditID stay separate.
import { createHash } from 'node:crypto';
import type { AuditEvent } from './types.js';

const TOP_LEVEL_IGNORED = new Set(['kind', 'apiVersion', 'metadata']);

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify turns undefined into undefined; such keys are skipped by the caller.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      out += canonical(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += quotedKey(k) + canonical(v);
  }
  return out + '}';
}

// Keys repeat across events (a few hundred distinct names): quote each once.
const KEY_CACHE = new Map<string, string>();
function quotedKey(k: string): string {
  let q = KEY_CACHE.get(k);
  if (q === undefined) {
    q = JSON.stringify(k) + ':';
    if (KEY_CACHE.size < 100_000) KEY_CACHE.set(k, q);
  }
  return q;
}

/** The canonical text the identity hashes (exported for tests and documentation). */
export function canonicalEventText(event: AuditEvent): string {
  const keys = Object.keys(event)
    .filter((k) => !TOP_LEVEL_IGNORED.has(k) && event[k] !== undefined)
    .sort();
  let out = '{';
  keys.forEach((k, i) => {
    if (i) out += ',';
    out += JSON.stringify(k) + ':' + canonical(event[k]);
  });
  return out + '}';
}

/** 128-bit identity (first 16 bytes of SHA-256 over cluster + NUL + canonical Event), as a bigint. */
export function eventIdentity(event: AuditEvent, cluster: string): bigint {
  const digest = createHash('sha256').update(cluster).update('\0').update(canonicalEventText(event)).digest();
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}
