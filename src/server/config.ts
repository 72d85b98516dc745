// The server's configuration: kaudit.yaml validated with zod, then command-line flags on top.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../cli/errors.js';
import { alertsConfigSchema, defaultAlertsConfig } from '../alerts/config.js';

export const ROLES = ['viewer', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

const tokenSchema = z.object({
  name: z.string().min(1),
  token: z.string().min(16, 'a token must be at least 16 characters'),
  role: z.enum(ROLES),
});

export const configSchema = z
  .object({
    db: z.string().optional(),
    store: z.string().optional(),
    port: z.number().int().min(0).max(65535).default(8080),
    bind: z.string().default('127.0.0.1'),
    cluster: z.string().default('default'),
    timezone: z.string().optional(),
    retention: z.string().optional(),
    tokens: z.array(tokenSchema).default([]),
    tls: z.object({ cert: z.string(), key: z.string(), clientCA: z.string().optional() }).strict().optional(),
    webhook: z
      .object({
        enabled: z.boolean().default(false),
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(12 * 1024 * 1024),
        /** Requests per second per client address (token bucket); 0 = unlimited. */
        rateLimit: z.number().nonnegative().default(200),
      })
      .strict()
      .default({ enabled: false, maxBodyBytes: 12 * 1024 * 1024, rateLimit: 200 }),
    watch: z.array(z.string()).default([]),
    startAt: z.enum(['beginning', 'end']).default('beginning'),
    policy: z.string().optional(),
    redact: z.boolean().default(true),
    queryTimeoutMs: z.number().int().positive().default(60_000),
    /** Alert rules and notification channels (docs/alerts.md). */
    alerts: alertsConfigSchema.default(defaultAlertsConfig),
  })
  .strict();

export type ServerConfig = z.infer<typeof configSchema>;

/** Reads and validates a config file; every problem is one line: path + reason. */
export function loadConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(
      `the config file ${path} cannot be read (${(e as NodeJS.ErrnoException).code}); check the path`,
    );
  }
  try {
    return parseYaml(text) ?? {};
  } catch (e) {
    throw new UserError(`the config file ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function validateConfig(raw: unknown, where: string): ServerConfig {
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UserError(`${where} is invalid — ${issues.join('; ')}; fix these keys (see docs/serve.md).`);
  }
  return r.data;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(bind: string): boolean {
  return LOOPBACK.test(bind);
}

/** Refuses a configuration that would expose the server without authentication. */
export function checkExposure(cfg: ServerConfig): void {
  if (!isLoopback(cfg.bind) && cfg.tokens.length === 0 && !cfg.tls?.clientCA) {
    throw new UserError(
      `refusing to listen on ${cfg.bind} without authentication; configure tokens in the config file (tokens: [{name, token, role}]) or bind to 127.0.0.1`,
    );
  }
}
