// The in-app message center: each notification becomes a message in the store (kind `message`),
// read in the console and through GET /api/v1/messages. Resending after a restart keeps one message.
import type { AlertStateStore } from '../state.js';
import { renderNotification, type ChannelTemplate } from './render.js';
import type { Channel } from './types.js';

export function inAppChannel(name: string, state: AlertStateStore, template?: ChannelTemplate): Channel {
  return {
    name,
    type: 'inapp',
    async send(n) {
      const { title, body } = renderNotification(n, template);
      await state.addMessage({ time: n.time, ruleId: n.ruleId, severity: n.severity, title, body }, n.key);
    },
  };
}
