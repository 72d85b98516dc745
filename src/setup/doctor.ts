// `kaudit doctor`: checks auditing on one control-plane node and says what to fix. The manifest
// tells where the policy, log and webhook config live inside the apiserver container; the volumes
// map those to node paths, which are then read: the policy is validated and linted like `kaudit
// policy`, the log is decoded and its age measured, the rotation flags are judged with the
// semantics of the apiserver's release (../shared/spec/k8s-audit.md §1.3, §3, §4).
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../cli/errors.js';
import {
  DEFAULT_KUBE_VERSION,
  formatFieldError,
  lintPolicy,
  loadPolicy,
  parseKubeMinor,
  validatePolicy,
} from '../policy/index.js';
import { fail, ok, warn, type Check } from './check.js';
import { readWebhookKubeconfig, TOKEN_PLACEHOLDER } from './kubeconfig.js';
import { growthRate, inspectLog, logChecks } from './logfile.js';
import {
  auditFlags,
  flagValue,
  imageKubeVersion,
  parseApiserverManifest,
  resolveContainerPath,
  type ApiserverManifest,
} from './manifest.js';
import { diskChecks, effectiveRotation, rotationChecks } from './rotation.js';

export const DEFAULT_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';

export interface DoctorInput {
  /** Path of the manifest on the node (read under `root`). */
  manifest?: string;
  /** Policy file to check instead of the one the manifest names. */
  policy?: string;
  /** Log file to check instead of the one the manifest names. */
  log?: string;
  kubeVersion?: string;
  /** Where the node's filesystem is mounted (`/host` in a pod); node paths are read below it. */
  root?: string;
  nowMs?: number;
}

export interface DoctorReport {
  kubeVersion: string;
  kubeVersionFrom: 'option' | 'image' | 'default';
  checks: Check[];
}

function onNode(root: string | undefined, path: string): string {
  return root ? join(root, path) : path;
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied; run doctor as root)';
  if (code === 'EISDIR' || code === 'ENOTFILE') return 'is not a regular file';
  return `cannot be read (${code ?? String(err)})`;
}

function logFix(code: string | undefined): string {
  if (code === 'ENOENT') {
    return 'check that kube-apiserver runs with this --audit-log-path and a policy (it creates the file at start)';
  }
  if (code === 'EACCES' || code === 'EPERM') return 'run doctor as root on the node';
  return 'give the audit log file itself (--log FILE)';
}

interface ManifestFacts {
  checks: Check[];
  policyHost?: string;
  logHost?: string;
  webhookHost?: string;
}

/** A path the apiserver needs: is it mounted from the node, writable if it must be? */
function mountCheck(
  m: ApiserverManifest,
  id: string,
  path: string,
  what: string,
  needsWrite: boolean,
  setupHint: string,
): { check: Check; hostPath?: string } {
  const r = resolveContainerPath(m, path);
  if (r.kind === 'unmounted') {
    return {
      check: fail(
        id,
        `${what} ${path} is not in any volumeMount of the kube-apiserver container${needsWrite ? ': the log stays inside the container, is lost when it restarts, and no agent on the node can read it' : ': the apiserver cannot read it and will not start'}`,
        `add a hostPath volume and a volumeMount for ${path} (${setupHint})`,
      ),
    };
  }
  if (r.kind === 'missing-volume') {
    return {
      check: fail(
        id,
        `${what} ${path} is mounted from volume ${r.mount.name}, which spec.volumes does not define: the pod is invalid`,
        `add a hostPath volume named ${r.mount.name} (${setupHint})`,
      ),
    };
  }
  if (r.kind === 'not-hostpath') {
    return {
      check: fail(
        id,
        `${what} ${path} comes from volume ${r.volume.name}, which is not a hostPath (a static pod cannot use ConfigMaps or Secrets)`,
        `mount it from a hostPath of the node (${setupHint})`,
      ),
    };
  }
  if (needsWrite && r.mount.readOnly) {
    return {
      check: fail(
        id,
        `${what} ${path} is mounted read-only (volume ${r.volume.name}): the apiserver cannot write the log`,
        `remove readOnly: true from the ${r.mount.mountPath} volumeMount`,
      ),
      hostPath: r.hostPath,
    };
  }
  return {
    check: ok(
      id,
      `${what} ${path} is mounted from the node (hostPath ${r.volume.hostPath!.path}, volume ${r.volume.name})`,
    ),
    hostPath: r.hostPath,
  };
}

function manifestChecks(m: ApiserverManifest, minor: number): ManifestFacts {
  const checks: Check[] = [];
  const setup = `kaudit setup apiserver --manifest ${m.label} prints the change`;
  const facts: ManifestFacts = { checks };
  // Every volumeMount must name a volume, or the kubelet refuses the pod.
  const orphans = m.mounts.filter((mt) => !m.volumes.some((v) => v.name === mt.name)).map((mt) => mt.name);
  checks.push(
    orphans.length
      ? fail(
          'manifest.volumes',
          `volumeMount(s) ${orphans.join(', ')} name no volume in spec.volumes: the kubelet will not start the pod`,
          `add the missing volume(s) or remove the mount(s) (${setup})`,
        )
      : ok('manifest.volumes', `${m.mounts.length} volumeMount(s), each backed by a volume`),
  );

  const policy = flagValue(m, 'audit-policy-file');
  if (!policy) {
    checks.push(
      fail(
        'manifest.policy-flag',
        'kube-apiserver has no --audit-policy-file: without a policy it writes no audit events at all',
        `add --audit-policy-file=/etc/kubernetes/audit-policy.yml (${setup})`,
      ),
    );
  } else {
    checks.push(ok('manifest.policy-flag', `--audit-policy-file=${policy}`));
    const r = mountCheck(m, 'manifest.policy-mount', policy, 'the policy file', false, setup);
    checks.push(r.check);
    facts.policyHost = r.hostPath;
  }

  const log = flagValue(m, 'audit-log-path');
  const webhook = flagValue(m, 'audit-webhook-config-file');
  if (!log && !webhook) {
    checks.push(
      fail(
        'manifest.backend',
        'neither --audit-log-path nor --audit-webhook-config-file is set: audit events go nowhere',
        `add --audit-log-path=/var/log/kubernetes/kubernetes.audit (${setup})`,
      ),
    );
  } else if (log === '-') {
    checks.push(
      warn(
        'manifest.backend',
        "--audit-log-path=- writes audit events to the apiserver's stdout, mixed with its own logs",
        'write them to a file: --audit-log-path=/var/log/kubernetes/kubernetes.audit',
      ),
    );
  } else {
    checks.push(
      ok(
        'manifest.backend',
        [log ? `log file ${log}` : '', webhook ? `webhook ${webhook}` : ''].filter(Boolean).join(' and '),
      ),
    );
  }
  if (log && log !== '-') {
    const r = mountCheck(m, 'manifest.log-mount', posix.dirname(log), 'the log directory', true, setup);
    checks.push(r.check);
    if (r.hostPath) facts.logHost = posix.join(r.hostPath, posix.basename(log));
    const format = flagValue(m, 'audit-log-format');
    if (format === 'legacy') {
      checks.push(
        fail(
          'manifest.log-format',
          '--audit-log-format=legacy writes text lines without level, objectRef or bodies, which kaudit cannot import',
          'set --audit-log-format=json',
        ),
      );
    }
    if (flagValue(m, 'audit-log-mode') === 'batch') {
      checks.push(
        warn(
          'manifest.log-mode',
          '--audit-log-mode=batch drops events when its buffer is full ("audit buffer queue blocked")',
          'remove --audit-log-mode (blocking is the default) unless the log disk is too slow for it',
        ),
      );
    }
    checks.push(...rotationChecks(effectiveRotation(auditFlags(m), minor), minor));
  }
  if (webhook) {
    const r = mountCheck(m, 'manifest.webhook-mount', webhook, 'the webhook kubeconfig', false, setup);
    checks.push(r.check);
    facts.webhookHost = r.hostPath;
  }
  return facts;
}

/** Validation and lint of a policy file, summarised in two lines. */
export function policyChecks(text: string, label: string, kubeVersion: string): Check[] {
  let loaded;
  try {
    loaded = loadPolicy(text, label);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return [
      fail(
        'policy.valid',
        err.message.replace(/;[^;]*$/, ''),
        `fix the policy file (kaudit policy validate ${label})`,
      ),
    ];
  }
  const v = validatePolicy(loaded.policy, { kubeVersion, loadWarnings: loaded.warnings });
  const checks: Check[] = [];
  const minor = parseKubeMinor(kubeVersion);
  if (v.errors.length > 0) {
    checks.push(
      fail(
        'policy.valid',
        `${label}: ${v.errors.length} error(s), kube-apiserver 1.${minor} refuses to start with it (first: ${formatFieldError(v.errors[0])})`,
        `kaudit policy validate ${label} --kube-version 1.${minor} lists every error`,
      ),
    );
  } else if (loaded.policy.rules.length === 0) {
    checks.push(
      fail(
        'policy.valid',
        `${label} has no rules; the apiserver refuses it`,
        'add rules, or start from kaudit policy show default',
      ),
    );
  } else if (v.warnings.length > 0) {
    checks.push(
      warn(
        'policy.valid',
        `${label}: valid, with ${v.warnings.length} warning(s) (first: ${v.warnings[0].message})`,
        `kaudit policy validate ${label} shows each one`,
      ),
    );
  } else {
    checks.push(
      ok(
        'policy.valid',
        `${label}: valid for kube-apiserver 1.${minor} (${loaded.policy.rules.length} rules)`,
      ),
    );
  }
  const findings = lintPolicy(loaded.policy, { kubeVersion, loadWarnings: loaded.warnings });
  const by = (s: string) => findings.filter((f) => f.severity === s);
  const codes = (list: typeof findings) => [...new Set(list.map((f) => f.code))].join(', ');
  const summary = `${by('error').length} error(s), ${by('warning').length} warning(s), ${by('info').length} note(s)`;
  if (by('error').length > 0) {
    checks.push(
      fail(
        'policy.lint',
        `lint: ${summary} (${codes(by('error'))})`,
        `kaudit policy lint ${label} explains each finding and its fix`,
      ),
    );
  } else if (by('warning').length > 0) {
    checks.push(
      warn(
        'policy.lint',
        `lint: ${summary} (${codes(by('warning'))})`,
        `kaudit policy lint ${label} explains each finding and its fix`,
      ),
    );
  } else {
    checks.push(ok('policy.lint', `lint: ${summary}`));
  }
  return checks;
}

function webhookChecks(text: string, label: string): Check[] {
  let info;
  try {
    info = readWebhookKubeconfig(text, label);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return [fail('webhook.config', err.message, 'regenerate it: kaudit setup apiserver --webhook URL')];
  }
  const checks: Check[] = [];
  if (!info.server) {
    return [
      fail(
        'webhook.config',
        `${label} has no cluster.server URL`,
        "set clusters[0].cluster.server to kaudit's /audit/webhook URL",
      ),
    ];
  }
  if (info.token === TOKEN_PLACEHOLDER || (!info.token && !info.hasClientCertificate)) {
    checks.push(
      fail(
        'webhook.auth',
        info.token === TOKEN_PLACEHOLDER
          ? `${label} still holds the token placeholder: kaudit will answer 401 to every batch`
          : `${label} has no token or client certificate: kaudit will answer 401 to every batch`,
        'put a kaudit token in users[0].user.token (docs/deploy.md)',
      ),
    );
  } else {
    checks.push(
      ok(
        'webhook.auth',
        `${label} authenticates with ${info.token ? 'a bearer token' : 'a client certificate'}`,
      ),
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(info.server);
  } catch {
    checks.push(
      fail(
        'webhook.config',
        `${label}: server ${info.server} is not a URL`,
        "set it to kaudit's https://HOST:8080/audit/webhook/<cluster>",
      ),
    );
    return checks;
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    checks.push(
      warn(
        'webhook.config',
        `${label} posts to ${url.host} over plain http: tokens and events cross the network unencrypted`,
        'serve kaudit with TLS and use an https URL',
      ),
    );
  } else if (info.insecure) {
    checks.push(
      warn(
        'webhook.config',
        `${label} sets insecure-skip-tls-verify: anyone on the path can read the audit events`,
        "set certificate-authority to the CA of kaudit's certificate",
      ),
    );
  } else if (!/^\/audit\/webhook(\/[^/]+)?\/?$/.test(url.pathname)) {
    checks.push(
      warn(
        'webhook.config',
        `${label} posts to ${url.pathname}, not kaudit's /audit/webhook[/<cluster>]`,
        'fix the path of cluster.server',
      ),
    );
  } else {
    checks.push(ok('webhook.config', `posts to ${url.origin}${url.pathname}`));
  }
  return checks;
}

/** Runs every check that the given inputs allow. Throws UserError only when there is nothing to check. */
export function runDoctor(input: DoctorInput): DoctorReport {
  const checks: Check[] = [];
  const nowMs = input.nowMs ?? Date.now();
  let manifest: ApiserverManifest | undefined;
  let facts: ManifestFacts | undefined;
  const manifestPath = input.manifest ?? (input.policy || input.log ? undefined : DEFAULT_MANIFEST);
  if (manifestPath) {
    let text: string | undefined;
    try {
      text = readFileSync(onNode(input.root, manifestPath), 'utf8');
    } catch (err) {
      if (!input.manifest) {
        throw new UserError(
          `nothing to check: ${input.root ? onNode(input.root, DEFAULT_MANIFEST) : DEFAULT_MANIFEST} ${fsReason(err)}${input.root ? '' : ' on this machine'}; run doctor on a control-plane node, or give --manifest, --policy or --log.`,
        );
      }
      checks.push(
        fail(
          'manifest.read',
          `${manifestPath} ${fsReason(err)}`,
          'give the kube-apiserver static pod manifest with --manifest FILE',
        ),
      );
    }
    if (text !== undefined) {
      try {
        manifest = parseApiserverManifest(text, manifestPath);
        checks.push(ok('manifest.read', `${manifestPath}: kube-apiserver ${manifest.image ?? '(no image)'}`));
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        checks.push(
          fail(
            'manifest.read',
            err.message.replace(/;[^;]*$/, ''),
            'give the kube-apiserver static pod manifest with --manifest FILE',
          ),
        );
      }
    }
  }
  const fromImage = manifest ? imageKubeVersion(manifest) : undefined;
  const kubeVersion = input.kubeVersion ?? fromImage ?? DEFAULT_KUBE_VERSION;
  const minor = parseKubeMinor(kubeVersion);
  if (manifest) {
    facts = manifestChecks(manifest, minor);
    checks.push(...facts.checks);
  }

  const policyPath = input.policy ?? facts?.policyHost;
  if (policyPath) {
    const label = input.policy ?? policyPath;
    try {
      const text = readFileSync(input.policy ? policyPath : onNode(input.root, policyPath), 'utf8');
      checks.push(...policyChecks(text, label, kubeVersion));
    } catch (err) {
      checks.push(
        fail(
          'policy.file',
          `policy file ${label} ${fsReason(err)}`,
          'write the policy there (kaudit setup apiserver prints it) or fix --audit-policy-file',
        ),
      );
    }
  }

  if (facts?.webhookHost) {
    try {
      checks.push(
        ...webhookChecks(readFileSync(onNode(input.root, facts.webhookHost), 'utf8'), facts.webhookHost),
      );
    } catch (err) {
      checks.push(
        fail(
          'webhook.config',
          `webhook kubeconfig ${facts.webhookHost} ${fsReason(err)}`,
          'write it there (kaudit setup apiserver --webhook URL prints it)',
        ),
      );
    }
  }

  const logPath = input.log ?? facts?.logHost;
  if (logPath) {
    const label = input.log ?? logPath;
    try {
      const insp = inspectLog(input.log ? logPath : onNode(input.root, logPath));
      insp.path = label;
      checks.push(...logChecks(insp, nowMs));
      if (manifest && insp.freeBytes !== undefined) {
        const rotation = effectiveRotation(auditFlags(manifest), minor);
        const used = insp.size + insp.backups.reduce((n, b) => n + b.size, 0);
        checks.push(
          ...diskChecks(rotation, {
            freeBytes: insp.freeBytes,
            usedBytes: used,
            bytesPerSecond: growthRate(insp, rotation.maxSizeMB),
          }),
        );
      }
    } catch (err) {
      checks.push(
        fail('log.file', `audit log ${label} ${fsReason(err)}`, logFix((err as NodeJS.ErrnoException).code)),
      );
    }
  }
  return {
    kubeVersion,
    kubeVersionFrom: input.kubeVersion ? 'option' : fromImage ? 'image' : 'default',
    checks,
  };
}
