// Decoding of audit input into Events: JSON lines (the log backend), EventList documents, JSON
// arrays, and the wrappers of managed services (AKS diagnostic records, EKS CloudWatch exports,
// container-runtime log lines). Formats kaudit cannot read get an error that names them.
// References: ../shared/spec/k8s-audit.md §2 (Event, EventList, v1beta1/v1alpha1), §3 (legacy format).
import type { AuditEvent } from './types.js';
import { formatMicroTime, parseTimestampMicros } from './time.js';

/** A decoded event with its time (DESIGN.md `__time__` rule) in microseconds. */
export interface DecodedEvent {
  event: AuditEvent;
  timeUs: number;
}

export type DecodeOutcome = {
  events: DecodedEvent[];
  errors: string[];
  /** True when the text was exactly one Event object, decoded without any change. */
  bare?: boolean;
};

/** The apiserver's `legacy` text format: `<time> AUDIT: id="…" stage="…" …`. */
const LEGACY_LINE = /^\S+ AUDIT: id="/;
/** A container-runtime (CRI) log line: `<RFC3339 time> stdout|stderr F|P <payload>`. */
const CRI_LINE = /^(\d{4}-\d{2}-\d{2}T\S+) (stdout|stderr) ([FP]) ?(.*)$/s;

const STRING_FIELDS = ['level', 'auditID', 'stage', 'requestURI', 'verb', 'userAgent'] as const;
const OBJECT_FIELDS = ['user', 'impersonatedUser', 'objectRef', 'responseStatus', 'annotations'] as const;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Checks that an object is an audit Event and normalises older versions: v1alpha1 objectRef.apiVersion
 * "group/version" is split into apiGroup/apiVersion, and v1beta1 events without MicroTime fields get
 * requestReceivedTimestamp/stageTimestamp from `timestamp`/`metadata.creationTimestamp` (as the
 * apiserver's own conversion does). Returns the error sentence (without location) when it is not one.
 */
export function decodeEventObject(obj: unknown, listApiVersion?: string): DecodedEvent | string {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return `expected an audit Event object but found ${describe(obj)}`;
  }
  let ev = obj as AuditEvent;
  if (ev.kind !== undefined && ev.kind !== 'Event') {
    if (typeof ev.kind !== 'string') return `"kind" is ${describe(ev.kind)}; an audit Event has kind "Event"`;
    return `"kind" is "${ev.kind}", not an audit Event (kind "Event", apiVersion audit.k8s.io/v1)`;
  }
  if (
    ev.apiVersion !== undefined &&
    (typeof ev.apiVersion !== 'string' || !ev.apiVersion.startsWith('audit.k8s.io/'))
  ) {
    return `"apiVersion" is ${describe(ev.apiVersion)}; audit Events are audit.k8s.io/v1 (or v1beta1/v1alpha1)`;
  }
  for (const f of ['auditID', 'stage', 'level'] as const) {
    if (ev[f] === undefined) return `the object has no "${f}"; it is not a kube-apiserver audit Event`;
  }
  for (const f of STRING_FIELDS) {
    if (ev[f] !== undefined && typeof ev[f] !== 'string')
      return `"${f}" is ${describe(ev[f])}, expected a string`;
  }
  for (const f of OBJECT_FIELDS) {
    const v = ev[f];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      if (v === null && f !== 'user') continue;
      return `"${f}" is ${describe(v)}, expected an object`;
    }
  }
  if (ev.sourceIPs !== undefined && ev.sourceIPs !== null) {
    if (!Array.isArray(ev.sourceIPs) || ev.sourceIPs.some((ip) => typeof ip !== 'string')) {
      return `"sourceIPs" is ${describe(ev.sourceIPs)}, expected an array of strings`;
    }
  }
  const code = ev.responseStatus?.code;
  if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code))) {
    return `"responseStatus.code" is ${describe(code)}, expected an integer HTTP status`;
  }

  const version = ev.apiVersion ?? listApiVersion;
  // v1alpha1: objectRef.apiVersion holds "group/version"; split on the last "/" (k8s-audit.md §2.4).
  if (
    version === 'audit.k8s.io/v1alpha1' &&
    ev.objectRef?.apiVersion?.includes('/') &&
    !ev.objectRef.apiGroup
  ) {
    const av = ev.objectRef.apiVersion;
    const at = av.lastIndexOf('/');
    ev = { ...ev, objectRef: { ...ev.objectRef, apiGroup: av.slice(0, at), apiVersion: av.slice(at + 1) } };
  }
  // v1beta1 from 1.8 has only the second-precision fields: fill the MicroTime ones from them.
  const created = ev.metadata?.creationTimestamp;
  if ((ev.stageTimestamp == null && created) || (ev.requestReceivedTimestamp == null && ev.timestamp)) {
    const filled: AuditEvent = { ...ev };
    const stageUs = parseTimestampMicros(created);
    const recvUs = parseTimestampMicros(ev.timestamp);
    if (filled.requestReceivedTimestamp == null && recvUs !== null)
      filled.requestReceivedTimestamp = formatMicroTime(recvUs);
    if (filled.stageTimestamp == null && stageUs !== null) filled.stageTimestamp = formatMicroTime(stageUs);
    ev = filled;
  }

  // DESIGN.md: __time__ is stageTimestamp, else metadata.creationTimestamp, else
  // requestReceivedTimestamp, else timestamp.
  const timeUs =
    parseTimestampMicros(ev.stageTimestamp) ??
    parseTimestampMicros(created) ??
    parseTimestampMicros(ev.requestReceivedTimestamp) ??
    parseTimestampMicros(ev.timestamp);
  if (timeUs === null) {
    const bad = ev.stageTimestamp ?? ev.requestReceivedTimestamp ?? ev.timestamp;
    return bad === undefined || bad === null
      ? 'the event has no time (stageTimestamp, requestReceivedTimestamp or timestamp)'
      : `the event time ${JSON.stringify(bad)} is not an RFC 3339 timestamp`;
  }
  return { event: ev, timeUs };
}

/** Unwraps one parsed JSON value into events, following the wrappers kaudit understands. */
export function decodeJsonValue(value: unknown, out: DecodeOutcome, depth = 0): void {
  if (depth > 3) {
    out.errors.push('the record nests wrappers too deeply to be an audit Event');
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) decodeJsonValue(item, out, depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // EventList (items may lack kind/apiVersion).
    if (Array.isArray(o.items) && (o.kind === 'EventList' || o.kind === undefined)) {
      const listVersion = typeof o.apiVersion === 'string' ? o.apiVersion : undefined;
      for (const item of o.items) pushEvent(decodeEventObject(item, listVersion), out);
      return;
    }
    // Azure diagnostic settings export: {"records":[{"category":"kube-audit","properties":{"log":"…"}}]}.
    if (Array.isArray(o.records)) {
      for (const r of o.records) decodeJsonValue(r, out, depth + 1);
      return;
    }
    const props = o.properties as Record<string, unknown> | undefined;
    if (props && typeof props === 'object' && 'log' in props) {
      decodeEmbedded(props.log, 'AKS diagnostic record properties.log', out, depth);
      return;
    }
    // EKS: CloudWatch Logs Insights / export rows carry the event in @message.
    if ('@message' in o) {
      decodeEmbedded(o['@message'], 'CloudWatch @message', out, depth);
      return;
    }
    if ('protoPayload' in o) {
      out.errors.push(
        'this is a GKE Cloud Audit Logs entry (protoPayload), not a kube-apiserver audit Event; GKE does not export the apiserver Event format, so kaudit cannot import it',
      );
      return;
    }
  }
  const r = decodeEventObject(value);
  if (depth === 0 && typeof r !== 'string' && r.event === value) out.bare = true;
  pushEvent(r, out);
}

function decodeEmbedded(inner: unknown, what: string, out: DecodeOutcome, depth: number): void {
  if (typeof inner === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(inner);
    } catch {
      out.errors.push(`${what} is not JSON`);
      return;
    }
    decodeJsonValue(parsed, out, depth + 1);
  } else decodeJsonValue(inner, out, depth + 1);
}

function pushEvent(r: DecodedEvent | string, out: DecodeOutcome): void {
  if (typeof r === 'string') out.errors.push(r);
  else out.events.push(r);
}

/**
 * Decodes one line of input text (already without its newline). Handles container-runtime wrapping
 * of complete lines; partial CRI lines (`P`) are joined by the reader before calling this.
 */
export function decodeLine(line: string): DecodeOutcome {
  const out: DecodeOutcome = { events: [], errors: [] };
  let text = line;
  const first = text.charCodeAt(0);
  if (first !== 123 /* { */ && first !== 91 /* [ */) {
    const cri = CRI_LINE.exec(text);
    if (cri) text = cri[4];
    else if (LEGACY_LINE.test(text)) {
      out.errors.push(
        'this is the apiserver\'s "legacy" text audit format, which has no level, objectRef or bodies; set --audit-log-format=json on the apiserver and import the JSON log',
      );
      return out;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const trimmed = text.trimEnd();
    const why =
      trimmed.length === 0
        ? 'the line is empty'
        : trimmed.startsWith('{') && !trimmed.endsWith('}')
          ? 'the JSON is truncated (the line ends before the object closes)'
          : `it is not JSON (${(e as Error).message})`;
    out.errors.push(why);
    return out;
  }
  decodeJsonValue(value, out);
  return out;
}

/** Splits a CRI line into its flag and payload, or null when the line is not CRI-wrapped. */
export function splitCriLine(line: string): { partial: boolean; payload: string } | null {
  const c = line.charCodeAt(0);
  if (c === 123 || c === 91) return null;
  const m = CRI_LINE.exec(line);
  return m ? { partial: m[3] === 'P', payload: m[4] } : null;
}
