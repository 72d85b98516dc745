// Slack incoming webhook: `text` (the fallback shown in notifications) and Block Kit `blocks`
// (a header with the title, a mrkdwn section with the body, a context line with rule and time).
import { postJson } from './http.js';
import { renderNotification, type ChannelTemplate } from './render.js';
import type { Channel, Notification } from './types.js';

export interface SlackOptions {
  url: string;
  template?: ChannelTemplate;
  timeoutMs: number;
}

/** Slack mrkdwn needs &, <, > escaped. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(n: Notification, tpl?: ChannelTemplate) {
  const { title, body } = renderNotification(n, tpl);
  return {
    text: slackEscape(`${title}\n${body}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(body).slice(0, 3000) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: slackEscape(
              `${n.ruleId} · ${n.severity} · ${n.status} · ${String(n.vars.fire_time ?? '')}`,
            ),
          },
        ],
      },
    ],
  };
}

export function slackChannel(name: string, o: SlackOptions): Channel {
  return {
    name,
    type: 'slack',
    async send(n) {
      await postJson(o.url, JSON.stringify(slackPayload(n, o.template)), {}, o.timeoutMs, `Slack ${name}:`);
    },
  };
}
