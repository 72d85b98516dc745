// What enabling auditing on a control-plane node takes (../shared/seeds/003_b57cda7aeb09e190.txt,
// "手动开通审计报表"): the --audit-* flags of kube-apiserver, the policy file at
// /etc/kubernetes/audit-policy.yml, and hostPath volumes so the apiserver container sees the policy
// and writes the log where the node (and kaudit's agent) can read it. Flag semantics per release:
// ../shared/spec/k8s-audit.md §3 (log backend) and §4 (webhook backend).
import { posix } from 'node:path';
import { UserError } from '../cli/errors.js';
import {
  formatFieldError,
  lintPolicy,
  loadPolicy,
  parseKubeMinor,
  readPolicySource,
  validatePolicy,
  type LintFinding,
} from '../policy/index.js';
import { checkWebhookUrl, webhookKubeconfig } from './kubeconfig.js';
import { flagValue, resolveContainerPath, type ApiserverManifest } from './manifest.js';

/** The seed document's settings: log path, policy path, 7 days, 10 files, 100 MB. */
export const SETUP_DEFAULTS = {
  policy: 'default',
  policyPath: '/etc/kubernetes/audit-policy.yml',
  logPath: '/var/log/kubernetes/kubernetes.audit',
  maxAge: 7,
  maxBackup: 10,
  maxSize: 100,
  webhookConfigPath: '/etc/kubernetes/audit-webhook.kubeconfig',
  caFile: '/etc/kubernetes/pki/kaudit-ca.crt',
  kubeVersion: '1.36',
} as const;

export interface SetupOptions {
  /** Built-in policy name or a policy file to install. */
  policy: string;
  /** Where the policy file goes (the same path on the node and in the container). */
  policyPath: string;
  logPath: string;
  maxAge: number;
  maxBackup: number;
  maxSize: number;
  compress: boolean;
  webhook?: string;
  webhookConfigPath: string;
  caFile: string;
  kubeVersion: string;
  /**
   * Options the user gave on the command line. With a manifest, an audit flag the manifest already
   * sets is kept unless the matching option was given: setup only adds what is missing.
   */
  explicit: ReadonlySet<string>;
}

export interface PlannedFlag {
  name: string;
  value: string;
  /** Which SetupOptions field decides it (for the keep-existing rule). */
  option?: keyof SetupOptions;
  why: string;
}

/** A node path the apiserver container must see, mounted as a hostPath at the same path. */
export interface PathNeed {
  path: string;
  hostType: 'File' | 'DirectoryOrCreate';
  readOnly: boolean;
  volumeName: string;
  why: string;
}

export interface FileToWrite {
  /** Path on the node. */
  path: string;
  content: string;
  mode: string;
  why: string;
}

export interface AuditPlan {
  flags: PlannedFlag[];
  paths: PathNeed[];
  files: FileToWrite[];
  notes: string[];
  policyLabel: string;
  lint: LintFinding[];
}

function positiveInt(n: number, flag: string, allowZero = false): void {
  if (!Number.isInteger(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UserError(
      `${flag} ${n} is not a ${allowZero ? 'non-negative' : 'positive'} whole number; give e.g. ${flag} 10.`,
    );
  }
}

function absolute(path: string, flag: string): void {
  if (!posix.isAbsolute(path)) {
    throw new UserError(
      `${flag} ${path} is not an absolute path; the apiserver resolves paths inside its container, so give one starting with /.`,
    );
  }
}

/** The path the plan uses for a flag: the user's option, else what the manifest already says, else the default. */
function chosenPath(
  opts: SetupOptions,
  option: 'policyPath' | 'logPath' | 'webhookConfigPath',
  flag: string,
  manifest?: ApiserverManifest,
): string {
  if (opts.explicit.has(option) || !manifest) return opts[option];
  const existing = flagValue(manifest, flag);
  return typeof existing === 'string' && posix.isAbsolute(existing) ? existing : opts[option];
}

/**
 * Builds the plan: flags, mounts and files. With a manifest, existing paths are reused, and a file
 * the apiserver sees through an existing mount is written at the host path behind that mount.
 */
export function planAudit(opts: SetupOptions, manifest?: ApiserverManifest): AuditPlan {
  const minor = parseKubeMinor(opts.kubeVersion);
  positiveInt(opts.maxSize, '--max-size');
  positiveInt(opts.maxBackup, '--max-backup', true);
  positiveInt(opts.maxAge, '--max-age', true);
  if (opts.compress && minor < 20) {
    throw new UserError(
      `--compress needs kube-apiserver 1.20 or later (--audit-log-compress); this is 1.${minor}, so drop --compress.`,
    );
  }
  if (opts.logPath === '-') {
    throw new UserError(
      "--log-path - sends audit events to the apiserver's stdout, which kaudit cannot follow; give a file path such as /var/log/kubernetes/kubernetes.audit.",
    );
  }
  const policyPath = chosenPath(opts, 'policyPath', 'audit-policy-file', manifest);
  const logPath = chosenPath(opts, 'logPath', 'audit-log-path', manifest);
  for (const [p, f] of [
    [policyPath, '--policy-path'],
    [logPath, '--log-path'],
    [opts.webhookConfigPath, '--webhook-config-path'],
    [opts.caFile, '--ca-file'],
  ] as const) {
    absolute(p, f);
  }
  if (posix.dirname(logPath) === '/') {
    throw new UserError(
      `--log-path ${logPath} is directly under /; put the log in its own directory (e.g. /var/log/kubernetes/) so only that directory is mounted.`,
    );
  }

  // The policy: checked for the target release first, so setup never installs one the apiserver refuses.
  const source = readPolicySource(opts.policy);
  const loaded = loadPolicy(source.text, source.label);
  const validation = validatePolicy(loaded.policy, {
    kubeVersion: opts.kubeVersion,
    loadWarnings: loaded.warnings,
  });
  if (validation.errors.length > 0) {
    throw new UserError(
      `policy ${source.label} would stop kube-apiserver 1.${minor} from starting (${validation.errors.map(formatFieldError).join('; ')}); fix it first (kaudit policy validate ${opts.policy} --kube-version 1.${minor}).`,
    );
  }
  if (loaded.policy.rules.length === 0) {
    throw new UserError(
      `policy ${source.label} has no rules; the apiserver refuses it ("loaded illegal policy with 0 rules"), so add at least one rule.`,
    );
  }
  const lint = lintPolicy(loaded.policy, { kubeVersion: opts.kubeVersion, loadWarnings: loaded.warnings });

  const notes: string[] = [];
  const flags: PlannedFlag[] = [
    {
      name: 'audit-policy-file',
      value: policyPath,
      option: 'policyPath',
      why: 'which requests are logged and at what level; without it nothing is logged',
    },
    {
      name: 'audit-log-path',
      value: logPath,
      option: 'logPath',
      why: 'the log backend: JSON lines that kaudit follows',
    },
    {
      name: 'audit-log-format',
      value: 'json',
      why: 'kaudit reads JSON events; the legacy text format has no objectRef or bodies',
    },
    {
      name: 'audit-log-maxage',
      value: String(opts.maxAge),
      option: 'maxAge',
      why: 'days a rotated file is kept',
    },
    {
      name: 'audit-log-maxbackup',
      value: String(opts.maxBackup),
      option: 'maxBackup',
      why: 'rotated files kept',
    },
    {
      name: 'audit-log-maxsize',
      value: String(opts.maxSize),
      option: 'maxSize',
      why: 'MB before the file is rotated',
    },
  ];
  if (opts.compress) {
    flags.push({ name: 'audit-log-compress', value: 'true', option: 'compress', why: 'gzip rotated files' });
  }

  const paths: PathNeed[] = [
    {
      path: policyPath,
      hostType: 'File',
      readOnly: true,
      volumeName: 'audit-policy',
      // File, not the seed's FileOrCreate: a missing policy should stop the pod with a clear mount
      // error instead of creating an empty file the apiserver then fails to parse.
      why: 'the policy file',
    },
    {
      path: posix.dirname(logPath),
      hostType: 'DirectoryOrCreate',
      readOnly: false,
      volumeName: 'k8s-audit',
      why: 'the audit log directory (rotated files are created beside the log)',
    },
  ];

  const hostPathOf = (p: string): string => {
    if (!manifest) return p;
    const r = resolveContainerPath(manifest, p);
    return r.kind === 'host' ? r.hostPath : p;
  };
  const files: FileToWrite[] = [
    {
      path: hostPathOf(policyPath),
      content: source.text,
      mode: '0600',
      why: `audit policy ${source.label}`,
    },
  ];

  if (opts.webhook) {
    const { url, notes: urlNotes } = checkWebhookUrl(opts.webhook);
    notes.push(...urlNotes);
    const configPath = chosenPath(opts, 'webhookConfigPath', 'audit-webhook-config-file', manifest);
    absolute(configPath, '--webhook-config-path');
    const https = url.protocol === 'https:';
    flags.push(
      {
        name: 'audit-webhook-config-file',
        value: configPath,
        option: 'webhookConfigPath',
        why: "kubeconfig naming kaudit's webhook URL and token",
      },
      {
        name: 'audit-webhook-mode',
        value: 'batch',
        why: 'send in batches from a buffer instead of one request per event',
      },
      {
        name: 'audit-webhook-batch-max-size',
        value: '400',
        why: 'events per POST (the apiserver default, stated so it is visible)',
      },
      // The default 30s wait delays every alert by up to half a minute; 5s keeps kaudit near live
      // while batches still fill under load.
      { name: 'audit-webhook-batch-max-wait', value: '5s', why: 'longest an event waits in the buffer' },
    );
    paths.push({
      path: configPath,
      hostType: 'File',
      readOnly: true,
      volumeName: 'audit-webhook-config',
      why: 'the webhook kubeconfig',
    });
    if (https) {
      paths.push({
        path: opts.caFile,
        hostType: 'File',
        readOnly: true,
        volumeName: 'kaudit-ca',
        why: "the CA that signed kaudit's certificate",
      });
      notes.push(
        `put the CA certificate that signed kaudit's serving certificate at ${hostPathOf(opts.caFile)}.`,
      );
    }
    files.push({
      path: hostPathOf(configPath),
      content: webhookKubeconfig({
        server: url.toString(),
        certificateAuthority: https ? opts.caFile : undefined,
      }),
      mode: '0600',
      why: 'audit webhook kubeconfig',
    });
  }

  const lintErrors = lint.filter((f) => f.severity !== 'info');
  if (lintErrors.length > 0) {
    notes.push(
      `kaudit policy lint ${opts.policy} reports ${lintErrors.length} finding(s) (${[...new Set(lintErrors.map((f) => f.code))].join(', ')}); review them before rolling out.`,
    );
  }
  return { flags, paths, files, notes, policyLabel: source.label, lint };
}

/** The hostPath volume and the volumeMount for a path need, as manifest objects. */
export function volumeFor(need: PathNeed, name = need.volumeName): { volume: object; mount: object } {
  return {
    volume: { hostPath: { path: need.path, type: need.hostType }, name },
    mount: need.readOnly ? { mountPath: need.path, name, readOnly: true } : { mountPath: need.path, name },
  };
}
