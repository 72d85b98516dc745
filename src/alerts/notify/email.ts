// Email over SMTP with nodemailer: implicit TLS (`secure: true`, port 465) or plain SMTP upgraded
// with STARTTLS (offered by the server; `requireTLS: true` refuses to send without it); a text and
// an HTML part.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { renderNotification, type ChannelTemplate } from './render.js';
import type { Channel, Notification } from './types.js';

export interface EmailOptions {
  host: string;
  port?: number;
  secure: boolean;
  requireTLS: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  tls?: { rejectUnauthorized: boolean; ca?: string };
  template?: ChannelTemplate;
  timeoutMs: number;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function emailContent(
  n: Notification,
  tpl?: ChannelTemplate,
): { subject: string; text: string; html: string } {
  const { title, body } = renderNotification(n, tpl);
  const rows: [string, string][] = [
    ['Rule', `${n.ruleName} (${n.ruleId})`],
    ['Severity', n.severity],
    ['Status', n.status],
    ['Group', n.group || '—'],
    ['Time', String(n.vars.fire_time ?? '')],
  ];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(title)}</h2>`,
    `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table></body></html>',
  ].join('\n');
  return { subject: title, text: body, html };
}

export function emailChannel(name: string, o: EmailOptions): Channel {
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port ?? (o.secure ? 465 : 587),
    secure: o.secure,
    requireTLS: o.requireTLS,
    ...(o.user ? { auth: { user: o.user, pass: o.password ?? '' } } : {}),
    tls: {
      rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
      ...(o.tls?.ca ? { ca: readFileSync(o.tls.ca) } : {}),
    },
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
  });
  return {
    name,
    type: 'email',
    async send(n) {
      const c = emailContent(n, o.template);
      try {
        await transport.sendMail({
          from: o.from,
          to: o.to.join(', '),
          subject: c.subject,
          text: c.text,
          html: c.html,
          headers: { 'X-Kaudit-Idempotency-Key': n.key },
        });
      } catch (e) {
        // nodemailer's messages name the server and the SMTP reply, never the password.
        throw new Error(`email ${name}: sending through ${o.host} failed (${(e as Error).message})`);
      }
    },
  };
}
