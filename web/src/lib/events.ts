// The log list groups the stages of one request: the apiserver logs RequestReceived,
// ResponseStarted (long-running requests) and ResponseComplete/Panic under one auditID
// (k8s-audit.md), and a reader wants them as one request with its stages inside.

export type AuditEventLike = Record<string, unknown> & {
  auditID?: unknown;
  stage?: unknown;
  __time__?: unknown;
};

export interface RequestGroup {
  auditID: string;
  /** The stages in the order the apiserver emits them. */
  events: AuditEventLike[];
}

const STAGE_ORDER: Record<string, number> = {
  RequestReceived: 0,
  ResponseStarted: 1,
  ResponseComplete: 2,
  Panic: 3,
};

/**
 * Groups events by auditID, keeping the order of each group's first event in the list (the list
 * comes newest first). Events without an auditID stay alone.
 */
export function groupByRequest(events: AuditEventLike[]): RequestGroup[] {
  const groups: RequestGroup[] = [];
  const byId = new Map<string, RequestGroup>();
  events.forEach((ev, i) => {
    const id = typeof ev.auditID === 'string' && ev.auditID ? ev.auditID : null;
    if (id === null) {
      groups.push({ auditID: `(no auditID #${i + 1})`, events: [ev] });
      return;
    }
    let g = byId.get(id);
    if (!g) {
      g = { auditID: id, events: [] };
      byId.set(id, g);
      groups.push(g);
    }
    g.events.push(ev);
  });
  for (const g of groups) {
    g.events.sort((a, b) => (STAGE_ORDER[String(a.stage)] ?? 9) - (STAGE_ORDER[String(b.stage)] ?? 9));
  }
  return groups;
}

/** A value at a dotted path of an event (`user.username`), as the row catalogue names fields. */
export function fieldValue(ev: Record<string, unknown>, path: string): unknown {
  let cur: unknown = ev;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** One line summary of a request for the collapsed log list. */
export function summary(ev: AuditEventLike): string {
  const user = fieldValue(ev, 'user.username');
  const verb = ev.verb;
  const ref = ev.objectRef as Record<string, unknown> | undefined;
  const what = ref
    ? [ref.resource, ref.subresource].filter(Boolean).join('/') +
      (ref.namespace || ref.name ? ` ${[ref.namespace, ref.name].filter(Boolean).join('/')}` : '')
    : String(ev.requestURI ?? '');
  const code = fieldValue(ev, 'responseStatus.code');
  return `${String(user ?? '?')} ${String(verb ?? '?')} ${what}${code !== undefined ? ` → ${String(code)}` : ''}`;
}
