// Generic webhook: the notification as JSON, the configured headers, and with a secret an
// HMAC-SHA256 of the exact body bytes in `X-Kaudit-Signature: sha256=<hex>` (the scheme GitHub
// uses for its webhooks), so the receiver can check who sent it. `X-Kaudit-Idempotency-Key`
// repeats the key so a receiver can drop the rare duplicate after a crash mid-delivery.
import { createHmac } from 'node:crypto';
import { postJson } from './http.js';
import { renderNotification, type ChannelTemplate } from './render.js';
import type { Channel, Notification } from './types.js';

export interface WebhookOptions {
  url: string;
  headers: Record<string, string>;
  secret?: string;
  template?: ChannelTemplate;
  timeoutMs: number;
}

export function webhookPayload(n: Notification, tpl?: ChannelTemplate): Record<string, unknown> {
  const { title, body } = renderNotification(n, tpl);
  const v = n.vars;
  return {
    version: 1,
    key: n.key,
    status: n.status,
    ruleId: n.ruleId,
    ruleName: n.ruleName,
    severity: n.severity,
    group: n.group,
    time: n.time,
    title,
    body,
    labels: v.labels ?? {},
    annotations: v.annotations ?? {},
    count: v.__count__ ?? null,
    row: v.row ?? {},
  };
}

export function signBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

export function webhookChannel(name: string, o: WebhookOptions): Channel {
  return {
    name,
    type: 'webhook',
    async send(n) {
      const body = JSON.stringify(webhookPayload(n, o.template));
      const headers: Record<string, string> = { ...o.headers, 'X-Kaudit-Idempotency-Key': n.key };
      if (o.secret) headers['X-Kaudit-Signature'] = signBody(body, o.secret);
      await postJson(o.url, body, headers, o.timeoutMs, `webhook ${name}:`);
    },
  };
}
