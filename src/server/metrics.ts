// Prometheus metrics of the server (`GET /metrics`).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kaudit_process_' });
  const labelNames = ['source'] as const;
  return {
    registry,
    received: new Counter({
      name: 'kaudit_events_received_total',
      help: 'Events received, per source kind',
      labelNames,
      registers: [registry],
    }),
    stored: new Counter({
      name: 'kaudit_events_stored_total',
      help: 'Events stored (new), per source kind',
      labelNames,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'kaudit_events_deduplicated_total',
      help: 'Events already stored (collapsed by identity), per source kind',
      labelNames,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'kaudit_events_rejected_total',
      help: 'Input records rejected, per source kind and reason class',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
    webhookRequests: new Counter({
      name: 'kaudit_webhook_requests_total',
      help: 'Webhook requests by status code',
      labelNames: ['code'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'kaudit_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'code'],
      registers: [registry],
    }),
    newestEventAge: new Gauge({
      name: 'kaudit_newest_event_age_seconds',
      help: 'Age of the newest stored event (lag)',
      registers: [registry],
    }),
    newestEventTime: new Gauge({
      name: 'kaudit_newest_event_timestamp_seconds',
      help: 'Event time (__time__) of the newest stored event',
      registers: [registry],
    }),
    storeBytes: new Gauge({
      name: 'kaudit_store_size_bytes',
      help: 'Bytes on disk of the store files',
      registers: [registry],
    }),
    queuedRows: new Gauge({
      name: 'kaudit_ingest_queue_rows',
      help: 'Rows waiting to be written',
      registers: [registry],
    }),
    checkpoint: new Gauge({
      name: 'kaudit_checkpoint_offset_bytes',
      help: 'Committed read position per followed file',
      labelNames: ['file'],
      registers: [registry],
    }),
    storeRecreated: new Counter({
      name: 'kaudit_store_recreated_total',
      help: 'Times the store file was found deleted and recreated',
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'kaudit_ingest_batch_seconds',
      help: 'Time to make a batch durable',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queryLatency: new Histogram({
      name: 'kaudit_query_duration_seconds',
      help: 'API query latency',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
