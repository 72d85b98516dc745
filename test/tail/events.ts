// Audit event lines for the file-source tests, shaped as kube-apiserver writes them (k8s-audit.md
// §2.2, §3: compact JSON, `kind` and `apiVersion` first, one event per line). Each line is distinct
// (its auditID and requestURI carry the sequence number), so stored count == written count exactly
// when nothing is lost or duplicated.

/** The auditID of event `seq` of writer `tag`: a UUID-shaped string. */
export function auditIdOf(tag: string, seq: number): string {
  const hex = seq.toString(16).padStart(12, '0');
  const t = Buffer.from(tag).toString('hex').padEnd(8, '0').slice(0, 8);
  return `${t}-0000-4000-8000-${hex}`;
}

/** One event line without its newline. `pad` makes it longer (to force rotations by size). */
export function eventLine(tag: string, seq: number, pad = 0): string {
  const second = 1_790_000_000 + Math.floor(seq / 10);
  const ts = new Date(second * 1000)
    .toISOString()
    .replace('.000Z', `.${String(seq % 1_000_000).padStart(6, '0')}Z`);
  const ev = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: auditIdOf(tag, seq),
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/configmaps/cm-${seq}`,
    verb: 'get',
    user: { username: 'system:serviceaccount:kube-system:writer', groups: ['system:serviceaccounts'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: `writer/${tag}${pad ? ' ' + 'x'.repeat(pad) : ''}`,
    objectRef: { resource: 'configmaps', namespace: 'default', name: `cm-${seq}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: ts,
    stageTimestamp: ts,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  };
  return JSON.stringify(ev);
}
