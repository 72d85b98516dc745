// Redaction at ingest (on by default): credentials that reach an audit log through request and
// response bodies or the request URI are replaced by a marker that says what was removed and
// carries a short hash, so equal values can still be correlated without being readable:
// `[REDACTED secret value sha256:1a2b3c4d]`.
//
// What the default profile removes (docs/audit-policy.md "Redaction"):
// - Secret `data` and `stringData` values in request and response bodies (objects, lists, merge
//   patches, JSON patches), and the copy of them inside the
//   `kubectl.kubernetes.io/last-applied-configuration` annotation;
// - ConfigMap values whose key looks secret-like (password, token, secret, api key, private key,
//   credential...), and `key = value` / `key: value` lines with such keys inside ConfigMap values;
// - TokenReview `spec.token` (request and response), TokenRequest `status.token` (response);
// - in `requestURI`: values of `--password=`/`--token=`-style arguments and bearer tokens in exec
//   commands, and `access_token`/`token` query parameters.
//
// The short hash is sha256 of the value by default. A short unkeyed hash of a low-entropy value
// (a short password) can be guessed by hashing candidates; set `hashKey` to use HMAC-SHA256 with
// a key of your own instead. Events the profile does not concern are returned as the same object
// after a few string comparisons; the input is never modified.
import { createHash, createHmac } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../cli/errors.js';
import type { AuditEvent } from '../event/types.js';

export interface RedactionProfile {
  /** Secret data/stringData values (and the copy in last-applied-configuration). */
  secretData: boolean;
  /** Case-insensitive regular expression for secret-like ConfigMap keys; null turns this off. */
  configMapKeyPattern: string | null;
  /** TokenReview spec.token. */
  tokenReviews: boolean;
  /** TokenRequest (serviceaccounts/token) status.token. */
  tokenRequests: boolean;
  /** Option names whose values are redacted in exec commands: `--password=x`, `--password x`, `-token=x`. */
  commandArguments: string[];
  /** Bearer tokens (`Bearer xyz`) in exec commands. */
  bearerTokens: boolean;
  /** Query parameters of requestURI whose values are redacted anywhere. */
  queryParameters: string[];
  /** When set, the marker hash is HMAC-SHA256 with this key (not guessable for short values). */
  hashKey?: string;
}

export const DEFAULT_REDACTION_PROFILE: Readonly<RedactionProfile> = Object.freeze({
  secretData: true,
  configMapKeyPattern:
    'passw(?:or)?d|passwd|passphrase|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credential|auth[-_.]?key',
  tokenReviews: true,
  tokenRequests: true,
  commandArguments: [
    'password',
    'passwd',
    'pass',
    'token',
    'secret',
    'api-key',
    'apikey',
    'access-key',
    'secret-key',
    'client-secret',
    'auth-token',
    'bearer-token',
  ],
  bearerTokens: true,
  queryParameters: ['access_token', 'token', 'password'],
});

export interface RedactionResult {
  event: AuditEvent;
  /** Number of values replaced. */
  redactions: number;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface Compiled {
  configMapKey: RegExp | null;
  configMapLine: RegExp | null;
  argument: RegExp | null;
  separateArgument: RegExp | null;
  bearer: RegExp | null;
  queryParameters: Set<string>;
  /** A cheap test: could this requestURI hold anything to redact? */
  uriHint: RegExp | null;
}

const compiledProfiles = new WeakMap<RedactionProfile, Compiled>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(profile: RedactionProfile): Compiled {
  let c = compiledProfiles.get(profile);
  if (c) return c;
  const names = profile.commandArguments.map(escapeRe).join('|');
  const key = profile.configMapKeyPattern;
  c = {
    configMapKey: key ? new RegExp(key, 'i') : null,
    // `some_password = value`, `token: value`, `API_KEY=value` lines inside a value.
    configMapLine: key
      ? new RegExp(
          `^(?<head>[ \\t]*[\\w.-]*(?:${key})[\\w.-]*[ \\t]*[=:][ \\t]*)(?<secret>\\S.*?)[ \\t]*$`,
          'gim',
        )
      : null,
    argument: names ? new RegExp(`(^|\\s)(--?(?:${names})(?:=|\\s+))("[^"]*"|'[^']*'|\\S+)`, 'gi') : null,
    separateArgument: names ? new RegExp(`^--?(?:${names})$`, 'i') : null,
    bearer: profile.bearerTokens ? /(\bbearer\s+)([A-Za-z0-9._~+/=-]+)/gi : null,
    queryParameters: new Set(profile.queryParameters),
    uriHint: null,
  };
  const hints = [...profile.commandArguments, ...profile.queryParameters].map(escapeRe);
  if (profile.bearerTokens) hints.push('bearer');
  if (hints.length > 0) c.uriHint = new RegExp(hints.join('|'), 'i');
  compiledProfiles.set(profile, c);
  return c;
}

class Redactor {
  count = 0;
  constructor(
    private readonly profile: RedactionProfile,
    readonly c: Compiled,
  ) {}

  marker(what: string, value: unknown): string {
    this.count++;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const key = this.profile.hashKey;
    const hash = key
      ? `hmac-sha256:${createHmac('sha256', key).update(text).digest('hex').slice(0, 8)}`
      : `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
    return `[REDACTED ${what} ${hash}]`;
  }

  /** Replaces every value of a string map in place. */
  mapValues(map: unknown, what: string, onlyKeys?: RegExp | null): void {
    if (!isObject(map)) return;
    for (const k of Object.keys(map)) {
      if (onlyKeys && !onlyKeys.test(k)) continue;
      if (map[k] === null || map[k] === undefined) continue;
      map[k] = this.marker(what, map[k]);
    }
  }

  secretObject(obj: unknown): void {
    if (Array.isArray(obj)) return this.secretJsonPatch(obj);
    if (!isObject(obj)) return;
    this.mapValues(obj.data, 'secret value');
    this.mapValues(obj.stringData, 'secret value');
    this.lastApplied(obj, (inner) => this.secretObject(inner));
    if (Array.isArray(obj.items)) for (const item of obj.items) this.secretObject(item);
  }

  secretJsonPatch(ops: unknown[]): void {
    for (const op of ops) {
      if (!isObject(op) || typeof op.path !== 'string' || !('value' in op)) continue;
      if (/^\/(data|stringData)(\/|$)/.test(op.path)) {
        if (/^\/(data|stringData)$/.test(op.path) && isObject(op.value))
          this.mapValues(op.value, 'secret value');
        else op.value = this.marker('secret value', op.value);
      } else if (op.path === '/metadata/annotations/' + LAST_APPLIED.replace('/', '~1')) {
        op.value = this.marker('last-applied-configuration', op.value);
      }
    }
  }

  configMapObject(obj: unknown): void {
    const keyRe = this.c.configMapKey;
    if (keyRe === null) return;
    if (Array.isArray(obj)) {
      for (const op of obj) {
        if (!isObject(op) || typeof op.path !== 'string' || !('value' in op)) continue;
        const m = /^\/(data|binaryData)\/(.+)$/.exec(op.path);
        if (m && keyRe.test(m[2].replace(/~1/g, '/').replace(/~0/g, '~')))
          op.value = this.marker('configmap value', op.value);
        else if (m && typeof op.value === 'string') op.value = this.configMapLines(op.value);
      }
      return;
    }
    if (!isObject(obj)) return;
    for (const field of ['data', 'binaryData']) {
      const map = obj[field];
      if (!isObject(map)) continue;
      for (const k of Object.keys(map)) {
        const v = map[k];
        if (v === null || v === undefined) continue;
        if (keyRe.test(k)) map[k] = this.marker('configmap value', v);
        else if (field === 'data' && typeof v === 'string') map[k] = this.configMapLines(v);
      }
    }
    this.lastApplied(obj, (inner) => this.configMapObject(inner));
    if (Array.isArray(obj.items)) for (const item of obj.items) this.configMapObject(item);
  }

  configMapLines(value: string): string {
    const re = this.c.configMapLine;
    if (re === null || !re.test(value)) return value;
    re.lastIndex = 0;
    return value.replace(
      re,
      (_m, head: string, secret: string) => `${head}${this.marker('configmap value', secret)}`,
    );
  }

  lastApplied(obj: Record<string, unknown>, redactInner: (inner: unknown) => void): void {
    const meta = obj.metadata;
    if (!isObject(meta) || !isObject(meta.annotations)) return;
    const text = meta.annotations[LAST_APPLIED];
    if (typeof text !== 'string') return;
    const before = this.count;
    try {
      const inner = JSON.parse(text) as unknown;
      redactInner(inner);
      if (this.count !== before)
        meta.annotations[LAST_APPLIED] = JSON.stringify(inner) + (text.endsWith('\n') ? '\n' : '');
    } catch {
      meta.annotations[LAST_APPLIED] = this.marker('last-applied-configuration', text);
    }
  }

  tokenAt(obj: unknown, parent: string, what: string): void {
    if (!isObject(obj)) return;
    const holder = obj[parent];
    if (isObject(holder) && typeof holder.token === 'string' && holder.token !== '') {
      holder.token = this.marker(what, holder.token);
    }
  }

  /** Redacts a command argument (decoded). */
  commandArgument(arg: string, previousWasFlag: boolean): string {
    if (previousWasFlag) return this.marker('command argument', arg);
    let out = arg;
    const argRe = this.c.argument;
    if (argRe) {
      argRe.lastIndex = 0;
      out = out.replace(
        argRe,
        (_m, lead: string, flag: string, value: string) =>
          `${lead}${flag}${this.marker('command argument', value)}`,
      );
    }
    const bearer = this.c.bearer;
    if (bearer) {
      bearer.lastIndex = 0;
      out = out.replace(
        bearer,
        (_m, head: string, token: string) => `${head}${this.marker('bearer token', token)}`,
      );
    }
    return out;
  }

  requestURI(uri: string): string {
    const q = uri.indexOf('?');
    if (q === -1) return uri;
    const parts = uri.slice(q + 1).split('&');
    let changed = false;
    let previousWasFlag = false;
    for (let i = 0; i < parts.length; i++) {
      const eq = parts[i].indexOf('=');
      const name = eq === -1 ? parts[i] : parts[i].slice(0, eq);
      if (eq === -1) continue;
      const raw = parts[i].slice(eq + 1);
      let value: string;
      try {
        value = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        continue;
      }
      let next = value;
      if (name === 'command') {
        next = this.commandArgument(value, previousWasFlag);
        previousWasFlag = this.c.separateArgument !== null && this.c.separateArgument.test(value);
      } else if (this.c.queryParameters.has(name) && value !== '') {
        next = this.marker('query parameter', value);
      }
      if (next !== value) {
        parts[i] = `${name}=${encodeQueryValue(next)}`;
        changed = true;
      }
    }
    return changed ? `${uri.slice(0, q + 1)}${parts.join('&')}` : uri;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Query encoding that keeps the marker readable (brackets and colons are legal in a query). */
function encodeQueryValue(v: string): string {
  return encodeURIComponent(v)
    .replace(/%20/g, '+')
    .replace(/%5B/gi, '[')
    .replace(/%5D/gi, ']')
    .replace(/%3A/gi, ':');
}

type BodyKind = 'secret' | 'configmap' | 'tokenreview' | 'tokenrequest' | null;

function bodyKind(event: AuditEvent, profile: RedactionProfile): BodyKind {
  const ref = event.objectRef;
  if (!ref) return null;
  const resource = ref.resource;
  // v1alpha1 events have no apiGroup and carry "group/version" in apiVersion instead.
  const core = ref.apiGroup === undefined ? !(ref.apiVersion ?? '').includes('/') : ref.apiGroup === '';
  if (resource === 'secrets') return core && profile.secretData ? 'secret' : null;
  if (resource === 'configmaps') return core && profile.configMapKeyPattern ? 'configmap' : null;
  if (resource === 'tokenreviews') return profile.tokenReviews ? 'tokenreview' : null;
  if (resource === 'serviceaccounts' && ref.subresource === 'token')
    return profile.tokenRequests ? 'tokenrequest' : null;
  return null;
}

/**
 * Redacts credentials in one event according to `profile`. Returns the same event object (and 0)
 * when nothing was redacted.
 */
export function redactEvent(
  event: AuditEvent,
  profile: RedactionProfile = DEFAULT_REDACTION_PROFILE,
): RedactionResult {
  const kind = bodyKind(event, profile);
  const uri = event.requestURI;
  const uriHint = compile(profile).uriHint;
  const uriCandidate = typeof uri === 'string' && uriHint !== null && uri.includes('?') && uriHint.test(uri);
  const hasBodies = event.requestObject !== undefined || event.responseObject !== undefined;
  if (!uriCandidate && (kind === null || !hasBodies)) return { event, redactions: 0 };

  const r = new Redactor(profile, compile(profile));
  const out: AuditEvent = { ...event };
  if (kind !== null && hasBodies) {
    const req = out.requestObject === undefined ? undefined : structuredClone(out.requestObject);
    const res = out.responseObject === undefined ? undefined : structuredClone(out.responseObject);
    if (kind === 'secret') {
      r.secretObject(req);
      r.secretObject(res);
    } else if (kind === 'configmap') {
      r.configMapObject(req);
      r.configMapObject(res);
    } else if (kind === 'tokenreview') {
      r.tokenAt(req, 'spec', 'token');
      r.tokenAt(res, 'spec', 'token');
    } else {
      r.tokenAt(res, 'status', 'token');
    }
    if (r.count > 0) {
      if (req !== undefined) out.requestObject = req;
      if (res !== undefined) out.responseObject = res;
    }
  }
  if (uriCandidate) {
    const next = r.requestURI(uri);
    if (next !== uri) out.requestURI = next;
  }
  return r.count === 0 ? { event, redactions: 0 } : { event: out, redactions: r.count };
}

/**
 * Builds a profile from configuration (e.g. a `redaction:` section of a config file): starts
 * from the default and overrides the keys given. Throws an Error naming a bad key.
 */
export function redactionProfileFrom(config: Record<string, unknown>): RedactionProfile {
  const out: RedactionProfile = { ...DEFAULT_REDACTION_PROFILE };
  for (const [k, v] of Object.entries(config)) {
    switch (k) {
      case 'secretData':
      case 'tokenReviews':
      case 'tokenRequests':
      case 'bearerTokens':
        if (typeof v !== 'boolean') throw new Error(`redaction.${k} must be true or false`);
        out[k] = v;
        break;
      case 'configMapKeyPattern':
        if (v !== null && typeof v !== 'string')
          throw new Error('redaction.configMapKeyPattern must be a regular expression or null');
        if (typeof v === 'string') {
          try {
            new RegExp(v, 'i');
          } catch (err) {
            throw new Error(
              `redaction.configMapKeyPattern is not a valid regular expression (${(err as Error).message})`,
            );
          }
        }
        out.configMapKeyPattern = v as string | null;
        break;
      case 'commandArguments':
      case 'queryParameters':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
          throw new Error(`redaction.${k} must be a list of strings`);
        out[k] = v as string[];
        break;
      case 'hashKey':
        if (typeof v !== 'string' || v === '')
          throw new Error('redaction.hashKey must be a non-empty string');
        out.hashKey = v;
        break;
      default:
        throw new Error(
          `redaction.${k} is not a redaction setting (known: ${Object.keys(DEFAULT_REDACTION_PROFILE).join(', ')}, hashKey)`,
        );
    }
  }
  return out;
}

/**
 * Reads a redaction profile file (YAML or JSON, the keys of RedactionProfile, e.g.
 * `configMapKeyPattern: "password|token"` or `hashKey: …`); unknown keys and wrong types are
 * UserErrors naming the file.
 */
export function loadRedactionProfile(text: string, fileName: string): RedactionProfile {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new UserError(
      `${fileName} is not valid YAML or JSON (${(err as Error).message.split('\n')[0]}); fix the syntax.`,
    );
  }
  if (value === null || value === undefined) return { ...DEFAULT_REDACTION_PROFILE };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${fileName} must be a mapping of redaction settings (secretData, configMapKeyPattern, …).`,
    );
  }
  try {
    return redactionProfileFrom(value as Record<string, unknown>);
  } catch (err) {
    throw new UserError(`${fileName}: ${(err as Error).message}; fix the setting.`);
  }
}
