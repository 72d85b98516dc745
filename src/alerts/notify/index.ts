// The configured channels by name (plus `inapp`, which always exists), built once from the
// `alerts.channels` config. A channel whose secret cannot be read is reported, not fatal: rules
// naming it record the failure in their history.
import { durationSeconds } from '../schedule.js';
import type { AlertStateStore } from '../state.js';
import { resolveSecret, type AlertsConfig } from '../config.js';
import { dingTalkChannel } from './dingtalk.js';
import { emailChannel } from './email.js';
import { inAppChannel } from './inapp.js';
import type { RetryPolicy } from './retry.js';
import { slackChannel } from './slack.js';
import type { Channel } from './types.js';
import { webhookChannel } from './webhook.js';

export interface ChannelSet {
  channels: Map<string, Channel>;
  /** Channels that could not be built, with the reason. */
  broken: Map<string, string>;
  defaults: string[];
  retry: RetryPolicy;
}

export function buildChannels(cfg: AlertsConfig, state: AlertStateStore): ChannelSet {
  const channels = new Map<string, Channel>();
  const broken = new Map<string, string>();
  channels.set('inapp', inAppChannel('inapp', state));
  for (const [name, c] of Object.entries(cfg.channels)) {
    try {
      const where = `alerts.channels.${name}`;
      switch (c.type) {
        case 'webhook':
          channels.set(
            name,
            webhookChannel(name, {
              url: c.url,
              headers: c.headers,
              ...(c.secret ? { secret: resolveSecret(c.secret, where) } : {}),
              ...(c.template ? { template: c.template } : {}),
              timeoutMs: durationSeconds(c.timeout, `${where}.timeout`) * 1000,
            }),
          );
          break;
        case 'dingtalk':
          channels.set(
            name,
            dingTalkChannel(name, {
              url: c.url,
              ...(c.secret ? { secret: resolveSecret(c.secret, where) } : {}),
              ...(c.keyword ? { keyword: c.keyword } : {}),
              atMobiles: c.atMobiles,
              ...(c.template ? { template: c.template } : {}),
              timeoutMs: durationSeconds(c.timeout, `${where}.timeout`) * 1000,
            }),
          );
          break;
        case 'slack':
          channels.set(
            name,
            slackChannel(name, {
              url: c.url,
              ...(c.template ? { template: c.template } : {}),
              timeoutMs: durationSeconds(c.timeout, `${where}.timeout`) * 1000,
            }),
          );
          break;
        case 'email':
          channels.set(
            name,
            emailChannel(name, {
              host: c.host,
              ...(c.port ? { port: c.port } : {}),
              secure: c.secure,
              requireTLS: c.requireTLS,
              ...(c.user ? { user: c.user } : {}),
              ...(c.password ? { password: resolveSecret(c.password, where) } : {}),
              from: c.from,
              to: c.to,
              ...(c.tls ? { tls: c.tls } : {}),
              ...(c.template ? { template: c.template } : {}),
              timeoutMs: durationSeconds(c.timeout, `${where}.timeout`) * 1000,
            }),
          );
          break;
        case 'inapp':
          channels.set(name, inAppChannel(name, state, c.template));
          break;
      }
    } catch (e) {
      broken.set(name, (e as Error).message);
    }
  }
  return {
    channels,
    broken,
    defaults: cfg.defaultChannels,
    retry: {
      attempts: cfg.retry.attempts,
      backoffMs: durationSeconds(cfg.retry.backoff, 'alerts.retry.backoff') * 1000,
      maxBackoffMs: durationSeconds(cfg.retry.maxBackoff, 'alerts.retry.maxBackoff') * 1000,
    },
  };
}
