// The `alerts:` section of the server configuration (kaudit.yaml): where user rules live, the
// notification channels by name, which channels a rule without `channels:` uses, and delivery
// retries. Secrets may be written inline, or read from the environment ({env: NAME}) or a file
// ({file: PATH}) so the config file itself can be shared.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const secret = z.union([
  z.string().min(1),
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretSpec = z.infer<typeof secret>;

const template = z.object({ title: z.string().optional(), body: z.string().optional() }).strict();

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL');

export const channelSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      url: httpUrl,
      headers: z.record(z.string(), z.string()).default({}),
      /** HMAC-SHA256 key: the body's signature goes in X-Kaudit-Signature: sha256=<hex>. */
      secret: secret.optional(),
      template: template.optional(),
      timeout: z.string().default('10s'),
    })
    .strict(),
  z
    .object({
      type: z.literal('dingtalk'),
      url: httpUrl,
      /** Signed mode ("加签"): the robot's SEC… secret. */
      secret: secret.optional(),
      /** Keyword mode: a word the robot requires in every message; added to the title when missing. */
      keyword: z.string().min(1).optional(),
      atMobiles: z.array(z.string()).default([]),
      template: template.optional(),
      timeout: z.string().default('10s'),
    })
    .strict(),
  z
    .object({
      type: z.literal('slack'),
      url: httpUrl,
      template: template.optional(),
      timeout: z.string().default('10s'),
    })
    .strict(),
  z
    .object({
      type: z.literal('email'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).optional(),
      /** Implicit TLS (port 465). Without it the connection upgrades with STARTTLS when offered. */
      secure: z.boolean().default(false),
      /** Refuse to send unless the server offers STARTTLS. */
      requireTLS: z.boolean().default(false),
      user: z.string().optional(),
      password: secret.optional(),
      from: z.string().min(1),
      to: z.array(z.string().min(1)).min(1, 'email needs at least one recipient in to:'),
      tls: z
        .object({ rejectUnauthorized: z.boolean().default(true), ca: z.string().optional() })
        .strict()
        .optional(),
      template: template.optional(),
      timeout: z.string().default('30s'),
    })
    .strict(),
  z.object({ type: z.literal('inapp'), template: template.optional() }).strict(),
]);
export type ChannelConfig = z.infer<typeof channelSchema>;

export const alertsConfigSchema = z
  .object({
    /** Run the scheduler inside kaudit serve. */
    enabled: z.boolean().default(true),
    /** Users' rule files (a directory of .yaml, or one file), loaded after the built-ins. */
    rulesDir: z.string().optional(),
    channels: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a channel name is [A-Za-z0-9_.-]+'), channelSchema)
      .default({}),
    /** Channels of rules without `channels:`; `inapp` (the message center) always exists. */
    defaultChannels: z.array(z.string().min(1)).default(['inapp']),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(4),
        backoff: z.string().default('2s'),
        maxBackoff: z.string().default('1m'),
      })
      .strict()
      .default({ attempts: 4, backoff: '2s', maxBackoff: '1m' }),
    /** Stop an evaluation's query after this long. */
    queryTimeout: z.string().default('2m'),
    /** History entries and in-app messages older than this are deleted. */
    historyRetention: z.string().default('90d'),
  })
  .strict();
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;

export function defaultAlertsConfig(): AlertsConfig {
  return alertsConfigSchema.parse({});
}

/** The secret's value; an Error naming the channel when it cannot be read. */
export function resolveSecret(spec: SecretSpec, where: string): string {
  if (typeof spec === 'string') return spec;
  if ('env' in spec) {
    const v = process.env[spec.env];
    if (!v)
      throw new Error(
        `${where}: the environment variable ${spec.env} is not set; export it or write the secret inline`,
      );
    return v;
  }
  try {
    return readFileSync(spec.file, 'utf8').trim();
  } catch (e) {
    throw new Error(
      `${where}: the secret file ${spec.file} cannot be read (${(e as NodeJS.ErrnoException).code}); check the path`,
    );
  }
}
