// The kubeconfig kube-apiserver reads for its audit webhook (--audit-webhook-config-file,
// ../shared/spec/k8s-audit.md §4): the current context's cluster.server is the POST target (path
// included), certificate-authority verifies kaudit's TLS certificate, user.token is sent as
// `Authorization: Bearer` (DESIGN.md "HTTP": every webhook post is authenticated).
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { UserError } from '../cli/errors.js';

/** Written into generated kubeconfigs; doctor fails while it is still there. */
export const TOKEN_PLACEHOLDER = 'REPLACE-WITH-A-KAUDIT-WEBHOOK-TOKEN';

/** Checks a `--webhook URL` argument; returns the URL and notes for the user. */
export function checkWebhookUrl(text: string): { url: URL; notes: string[] } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `--webhook ${text} is not a URL; give kaudit's webhook address, e.g. https://kaudit.example.com:8080/audit/webhook/prod.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`--webhook ${text} uses ${url.protocol}; the apiserver posts over https (or http).`);
  }
  if (url.username || url.password) {
    throw new UserError(
      `--webhook ${url.host}: credentials in the URL would be stored in the kubeconfig's server field; put the token in users[0].user.token instead.`,
    );
  }
  const notes: string[] = [];
  if (!/^\/audit\/webhook(\/[^/]+)?\/?$/.test(url.pathname)) {
    notes.push(
      `the webhook path is ${url.pathname}; kaudit receives audit events at /audit/webhook or /audit/webhook/<cluster>.`,
    );
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    notes.push(
      'the webhook URL is plain http to another host: the bearer token and every audit event cross the network unencrypted; use https.',
    );
  }
  return { url, notes };
}

export interface WebhookKubeconfigOptions {
  server: string;
  /** CA bundle (a path on the node, as the apiserver sees it) for an https server. */
  certificateAuthority?: string;
}

/** The webhook kubeconfig text: one cluster (kaudit), one user (a bearer token), one context. */
export function webhookKubeconfig(opts: WebhookKubeconfigOptions): string {
  const cluster: Record<string, string> = { server: opts.server };
  if (opts.certificateAuthority && opts.server.startsWith('https:')) {
    cluster['certificate-authority'] = opts.certificateAuthority;
  }
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kaudit', cluster }],
    users: [{ name: 'kube-apiserver', user: { token: TOKEN_PLACEHOLDER } }],
    contexts: [{ name: 'kaudit', context: { cluster: 'kaudit', user: 'kube-apiserver' } }],
    'current-context': 'kaudit',
  };
  return (
    '# Audit webhook for kube-apiserver (--audit-webhook-config-file), written by `kaudit setup apiserver`.\n' +
    `# Replace ${TOKEN_PLACEHOLDER} with a kaudit token (see docs/deploy.md) and keep this file mode 0600.\n` +
    stringify(config, { lineWidth: 0 })
  );
}

export interface WebhookKubeconfigInfo {
  server?: string;
  token?: string;
  hasClientCertificate: boolean;
  certificateAuthority?: string;
  insecure: boolean;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/**
 * Reads what the apiserver takes from a webhook kubeconfig: the current context's cluster and user
 * (the first ones when current-context is unset). Throws UserError when it is not a kubeconfig.
 */
export function readWebhookKubeconfig(text: string, label: string): WebhookKubeconfigInfo {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new UserError(
      `${label} is not a YAML kubeconfig; regenerate it with kaudit setup apiserver --webhook URL.`,
    );
  }
  const cfg = asRecord(doc.toJS()) ?? {};
  const list = (k: string) => (Array.isArray(cfg[k]) ? (cfg[k] as unknown[]).map(asRecord) : []);
  const clusters = list('clusters');
  const users = list('users');
  const contexts = list('contexts');
  const current = typeof cfg['current-context'] === 'string' ? cfg['current-context'] : undefined;
  const ctx = asRecord((contexts.find((c) => c?.name === current) ?? contexts[0])?.context);
  const byName = (l: (Record<string, unknown> | undefined)[], name: unknown) =>
    l.find((x) => x?.name === name) ?? (name === undefined ? l[0] : undefined);
  const cluster = asRecord(byName(clusters, ctx?.cluster)?.cluster);
  const user = asRecord(byName(users, ctx?.user)?.user);
  if (!isSeq(doc.get('clusters')) || !cluster) {
    throw new UserError(`${label} has no clusters[].cluster entry; it is not a webhook kubeconfig.`);
  }
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    server: s(cluster.server),
    token: s(user?.token),
    hasClientCertificate:
      typeof user?.['client-certificate'] === 'string' ||
      typeof user?.['client-certificate-data'] === 'string',
    certificateAuthority:
      s(cluster['certificate-authority']) ??
      (cluster['certificate-authority-data'] ? '(inline data)' : undefined),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}
