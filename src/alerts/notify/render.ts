// Per-channel title and body: the channel's `template: {title, body}` or these defaults, rendered
// with the notification's variables (src/alerts/template.ts).
import { renderTemplate } from '../template.js';
import type { Notification } from './types.js';

export const DEFAULT_TITLE = '[${status_text}][${severity}] ${title}';
export const DEFAULT_BODY =
  '${desc}\n\nRule: ${alert_name} (${alert_id})\nSeverity: ${severity}\nGroup: ${group}\nTime: ${fire_time}';

export interface ChannelTemplate {
  title?: string;
  body?: string;
}

export function renderNotification(
  n: Notification,
  tpl: ChannelTemplate = {},
): { title: string; body: string } {
  return {
    title: renderTemplate(tpl.title ?? DEFAULT_TITLE, n.vars).trim(),
    body: renderTemplate(tpl.body ?? DEFAULT_BODY, n.vars).trim(),
  };
}

/** Where a URL points, without path or query (tokens live there): for error messages and logs. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
