// Request attributes for policy evaluation: from an audit Event (re-evaluating a logged request,
// ../shared/spec/k8s-audit.md §1.2 "Re-evaluating a policy against logged events") or from the
// attribute objects `kaudit policy eval` accepts.
import { UserError } from '../cli/errors.js';
import type { AuditEvent } from '../event/types.js';
import type { RequestAttributes } from './types.js';

/** The URL path of a requestURI: everything before `?` (and before `#`, which clients never send). */
export function pathOfRequestURI(uri: string | undefined): string {
  if (!uri) return '';
  const q = uri.indexOf('?');
  return q === -1 ? uri : uri.slice(0, q);
}

/**
 * Attributes the apiserver evaluated the policy with, as far as the Event records them. The user
 * is the authenticated caller (`user`), never `impersonatedUser`; an empty `user` object means
 * no user info. v1alpha1 events carry "group/version" in objectRef.apiVersion and no apiGroup.
 */
export function attributesFromEvent(event: AuditEvent): RequestAttributes {
  const u = event.user;
  const hasUser =
    u !== undefined &&
    u !== null &&
    (u.username !== undefined || (u.groups ?? []).length > 0 || u.uid !== undefined);
  const ref = event.objectRef;
  let apiGroup = ref?.apiGroup ?? '';
  let apiVersion = ref?.apiVersion ?? '';
  if (ref && ref.apiGroup === undefined && apiVersion.includes('/')) {
    const cut = apiVersion.lastIndexOf('/');
    apiGroup = apiVersion.slice(0, cut);
    apiVersion = apiVersion.slice(cut + 1);
  }
  return {
    user: hasUser ? (u?.username ?? '') : null,
    groups: hasUser ? (u?.groups ?? []) : [],
    verb: event.verb ?? '',
    namespace: ref?.namespace ?? '',
    apiGroup,
    apiVersion,
    resource: ref?.resource ?? '',
    subresource: ref?.subresource ?? '',
    name: ref?.name ?? '',
    path: pathOfRequestURI(event.requestURI),
    isResourceRequest: ref !== undefined && ref !== null,
  };
}

const ATTRIBUTE_FIELDS = [
  'user',
  'groups',
  'verb',
  'namespace',
  'apiGroup',
  'apiVersion',
  'resource',
  'subresource',
  'name',
  'path',
  'isResourceRequest',
] as const;

/** True when the object looks like an audit Event rather than an attribute object. */
export function isAuditEventLike(value: Record<string, unknown>): boolean {
  return 'stage' in value || 'auditID' in value;
}

/**
 * Turns one `--request` object into attributes. `where` names it in errors ("request 2").
 * Attribute objects need `user` (a name, or null for no user info) and `verb`, plus `resource`
 * for resource requests or `path` for non-resource ones.
 */
export function attributesFromInput(value: unknown, where: string): RequestAttributes {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${where} is not a JSON object; give request attributes {"user":…,"verb":…,…} or an audit Event.`,
    );
  }
  const obj = value as Record<string, unknown>;
  if (isAuditEventLike(obj)) {
    if (typeof obj.verb !== 'string' || obj.verb === '') {
      throw new UserError(`${where} is an audit Event without a verb; the policy needs the verb to decide.`);
    }
    return attributesFromEvent(obj as AuditEvent);
  }
  for (const key of Object.keys(obj)) {
    if (!(ATTRIBUTE_FIELDS as readonly string[]).includes(key)) {
      throw new UserError(
        `${where} has an unknown field "${key}"; attributes are ${ATTRIBUTE_FIELDS.join(', ')} (or pass a whole audit Event).`,
      );
    }
  }
  if (!('user' in obj)) {
    throw new UserError(
      `${where} has no "user"; give the authenticated user name, or null for a request without user info.`,
    );
  }
  const str = (key: string, fallback = ''): string => {
    const v = obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string')
      throw new UserError(`${where}: "${key}" must be a string, not ${JSON.stringify(v)}.`);
    return v;
  };
  const user = obj.user === null ? null : str('user');
  const groupsValue = obj.groups ?? [];
  if (!Array.isArray(groupsValue) || groupsValue.some((g) => typeof g !== 'string')) {
    throw new UserError(`${where}: "groups" must be a list of strings, e.g. ["system:authenticated"].`);
  }
  const verb = str('verb');
  if (verb === '')
    throw new UserError(`${where} has no "verb"; give the request verb, e.g. "get" or "list".`);
  let isResourceRequest: boolean;
  if (obj.isResourceRequest === undefined || obj.isResourceRequest === null) {
    if (typeof obj.resource === 'string' && obj.resource !== '') isResourceRequest = true;
    else if (typeof obj.path === 'string' && obj.path !== '') isResourceRequest = false;
    else {
      throw new UserError(
        `${where} has neither "resource" nor "path"; give a resource (e.g. "pods") or a non-resource path (e.g. "/healthz").`,
      );
    }
  } else if (typeof obj.isResourceRequest === 'boolean') {
    isResourceRequest = obj.isResourceRequest;
  } else {
    throw new UserError(`${where}: "isResourceRequest" must be true or false.`);
  }
  const attrs: RequestAttributes = {
    user,
    groups: user === null ? [] : (groupsValue as string[]),
    verb,
    namespace: str('namespace'),
    apiGroup: str('apiGroup'),
    apiVersion: str('apiVersion'),
    resource: str('resource'),
    subresource: str('subresource'),
    name: str('name'),
    path: pathOfRequestURI(str('path')),
    isResourceRequest,
  };
  if (isResourceRequest && attrs.resource === '') {
    throw new UserError(`${where} is a resource request without "resource"; give e.g. "resource":"pods".`);
  }
  if (!isResourceRequest && attrs.path === '') {
    throw new UserError(`${where} is a non-resource request without "path"; give e.g. "path":"/healthz".`);
  }
  return attrs;
}

/**
 * Splits `--request` text into request values: one JSON object, a JSON array of them, or JSON
 * lines. Errors name the line.
 */
export function parseRequestText(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new UserError(`${source} is empty; give a JSON request object, an array of them, or JSON lines.`);
  }
  try {
    const v = JSON.parse(trimmed) as unknown;
    return Array.isArray(v) ? v : [v];
  } catch {
    // Not a single JSON value: try JSON lines.
  }
  const out: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new UserError(
        `${source} line ${i + 1} is not valid JSON (${reason}); give one JSON request per line.`,
      );
    }
  }
  return out;
}
