// Events for the ClickHouse store tests: distinct by construction (auditID i, one second apart), so
// every expected count below is plain arithmetic.
import { decodeEventObject } from '../../src/event/decode.js';
import type { AuditEvent } from '../../src/event/types.js';
import { prepareRow } from '../../src/ingest/prepare.js';
import type { IngestRow } from '../../src/store/store.js';

/** 2024-05-01T00:00:00Z */
export const T0 = 1714521600;

const iso = (s: number) => new Date(s * 1000).toISOString().replace('Z', '000Z');

/** Event number `i`: verb get/list/create by i % 3, status 403 when i % 10 == 0, else 200. */
export function testEvent(i: number): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/ns${i % 5}/pods`,
    verb: ['get', 'list', 'create'][i % 3],
    user: { username: `user${i % 7}`, groups: ['system:authenticated'] },
    sourceIPs: [`10.0.0.${i % 250}`],
    objectRef: { resource: 'pods', namespace: `ns${i % 5}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: i % 10 === 0 ? 403 : 200 },
    requestReceivedTimestamp: iso(T0 + i),
    stageTimestamp: iso(T0 + i),
  } as unknown as AuditEvent;
}

/** Ingest rows for events `from` … `to - 1`. */
export function testRows(from: number, to: number, cluster = 'prod'): IngestRow[] {
  const rows: IngestRow[] = [];
  for (let i = from; i < to; i++) {
    const d = decodeEventObject(testEvent(i));
    if (typeof d === 'string') throw new Error(d);
    rows.push(prepareRow(d, cluster, 'test')!);
  }
  return rows;
}
