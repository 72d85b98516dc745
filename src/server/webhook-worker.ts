// A worker thread of the webhook parser pool (webhook-pool.ts): JSON parsing, decoding, identity
// hashing and the ingest transforms of EventList bodies, off the server's main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { ingestTransforms } from '../cli/transforms.js';
import { BadBodyError, parseWebhookBody, type ParsedBody } from './webhook.js';

export interface WebhookWorkerData {
  policy?: string;
  redact: boolean;
}

export interface WebhookJob {
  id: number;
  body: string;
  cluster: string;
  source: string;
}

export type WebhookAnswer =
  | { id: number; type: 'parsed'; parsed: ParsedBody }
  | { id: number; type: 'bad-body'; message: string }
  | { id: number; type: 'failed'; message: string };

async function run(data: WebhookWorkerData): Promise<void> {
  const port = parentPort!;
  const transforms = await ingestTransforms({ policy: data.policy, redact: data.redact, quiet: true });
  port.on('message', (job: WebhookJob) => {
    let answer: WebhookAnswer;
    try {
      const parsed = parseWebhookBody(job.body, job.cluster, job.source, transforms);
      answer = { id: job.id, type: 'parsed', parsed };
    } catch (e) {
      answer =
        e instanceof BadBodyError
          ? { id: job.id, type: 'bad-body', message: e.message }
          : { id: job.id, type: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(answer);
  });
  port.postMessage('ready');
}

if (parentPort && workerData) void run(workerData as WebhookWorkerData);
