// DingTalk custom robot (自定义机器人): a `markdown` message. Security settings of the robot:
// - keyword mode: the message must contain one of the configured words; with `keyword:` set it is
//   prepended to the title when the rendered title lacks it;
// - signed mode (加签): `timestamp` (ms) + "\n" + secret is signed with HMAC-SHA256 keyed by the
//   secret, Base64-encoded, URL-encoded, and sent as `&timestamp=…&sign=…` on the robot URL
//   (DingTalk open platform, "自定义机器人安全设置").
// DingTalk answers HTTP 200 with {errcode, errmsg}; errcode ≠ 0 is a failure (e.g. 310000 keyword
// or signature mismatch).
import { createHmac } from 'node:crypto';
import { postJson } from './http.js';
import { renderNotification, safeOrigin, type ChannelTemplate } from './render.js';
import type { Channel, Notification } from './types.js';

export interface DingTalkOptions {
  url: string;
  secret?: string;
  keyword?: string;
  atMobiles: string[];
  template?: ChannelTemplate;
  timeoutMs: number;
}

export function dingTalkSign(timestampMs: number, secret: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

export function dingTalkUrl(url: string, secret: string | undefined, nowMs: number): string {
  if (!secret) return url;
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}timestamp=${nowMs}&sign=${dingTalkSign(nowMs, secret)}`;
}

export function dingTalkPayload(
  n: Notification,
  o: Pick<DingTalkOptions, 'keyword' | 'atMobiles' | 'template'>,
) {
  const rendered = renderNotification(n, o.template);
  const body = rendered.body;
  let title = rendered.title;
  if (o.keyword && !title.includes(o.keyword) && !body.includes(o.keyword)) title = `${o.keyword} ${title}`;
  // DingTalk markdown: two trailing spaces or a blank line break a line; use blank lines.
  const text = `### ${title}\n\n${body.split('\n').join('\n\n')}${o.atMobiles.length ? '\n\n' + o.atMobiles.map((m) => `@${m}`).join(' ') : ''}`;
  return {
    msgtype: 'markdown',
    markdown: { title, text },
    at: { atMobiles: o.atMobiles, isAtAll: false },
  };
}

export function dingTalkChannel(name: string, o: DingTalkOptions, now: () => number = Date.now): Channel {
  return {
    name,
    type: 'dingtalk',
    async send(n) {
      const body = JSON.stringify(dingTalkPayload(n, o));
      const res = await postJson(
        dingTalkUrl(o.url, o.secret, now()),
        body,
        {},
        o.timeoutMs,
        `DingTalk ${name}:`,
      );
      let answer: { errcode?: number; errmsg?: string } = {};
      try {
        answer = JSON.parse(res.text) as typeof answer;
      } catch {
        // a proxy or a test receiver may answer without JSON; HTTP 2xx is then success
      }
      if (typeof answer.errcode === 'number' && answer.errcode !== 0) {
        throw new Error(
          `DingTalk ${name}: ${safeOrigin(o.url)} refused the message: errcode ${answer.errcode} (${answer.errmsg ?? ''}); check the robot's keyword or secret`,
        );
      }
    },
  };
}
