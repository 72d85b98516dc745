// Validation of a loaded Policy with the apiserver's rules and field paths
// (../shared/spec/k8s-audit.md §1.3–1.4, A:pkg/apis/audit/validation/validation.go), for a given
// apiserver release: policy apiVersion (only v1 since 1.24), group "*" (1.36+), zero rules.
import { UserError } from '../cli/errors.js';
import type { PolicyWarning } from './load.js';
import { LEVELS, STAGES, type Policy } from './types.js';

export const DEFAULT_KUBE_VERSION = '1.36';

export type FieldErrorType = 'Required value' | 'Unsupported value' | 'Invalid value' | 'Forbidden';

export interface PolicyFieldError {
  field: string;
  type: FieldErrorType;
  /** The offending value (printed quoted for strings, JSON for lists), absent for Required. */
  value?: unknown;
  detail: string;
}

export interface ValidateOptions {
  /** Apiserver release to answer for, e.g. "1.36" or "v1.30.2". */
  kubeVersion?: string;
  /** Turn unknown and duplicate fields (warnings of loadPolicy) into errors. */
  strict?: boolean;
  /** The warnings loadPolicy returned for this policy (needed for `strict`). */
  loadWarnings?: PolicyWarning[];
  /** Skip the apiVersion check (eval, lint and simulate read old policies with a warning). */
  ignoreApiVersion?: boolean;
}

export interface ValidationResult {
  errors: PolicyFieldError[];
  warnings: PolicyWarning[];
}

/** Parses "1.36", "v1.30.2" into the minor number (the major is always 1). */
export function parseKubeMinor(version: string): number {
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(version.trim());
  if (!m) {
    throw new UserError(
      `--kube-version "${version}" is not a Kubernetes release; write it like 1.36 or v1.30.2.`,
    );
  }
  return Number(m[1]);
}

/** field.Error format: `<path>: <Type>: <value>: <detail>` (value omitted for Required). */
export function formatFieldError(e: PolicyFieldError): string {
  if (e.value === undefined) return `${e.field}: ${e.type}: ${e.detail}`;
  const v = typeof e.value === 'string' ? JSON.stringify(e.value) : JSON.stringify(e.value);
  return `${e.field}: ${e.type}: ${v}: ${e.detail}`;
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const STAGE_DETAIL = `allowed stages are ${STAGES.join(',')}`;

function validateOmitStages(stages: string[] | undefined, path: string, out: PolicyFieldError[]): void {
  (stages ?? []).forEach((s, j) => {
    if (!(STAGES as readonly string[]).includes(s)) {
      out.push({ field: `${path}[${j}]`, type: 'Invalid value', value: s, detail: STAGE_DETAIL });
    }
  });
}

/** Checks a policy as kube-apiserver `kubeVersion` would when loading it. */
export function validatePolicy(policy: Policy, options: ValidateOptions = {}): ValidationResult {
  const minor = parseKubeMinor(options.kubeVersion ?? DEFAULT_KUBE_VERSION);
  const errors: PolicyFieldError[] = [];
  const warnings: PolicyWarning[] = [];

  if (!options.ignoreApiVersion && policy.apiVersion !== 'audit.k8s.io/v1') {
    if (minor >= 24) {
      errors.push({
        field: 'apiVersion',
        type: 'Invalid value',
        value: policy.apiVersion,
        detail: `no kind "Policy" is registered for version "${policy.apiVersion}" in kube-apiserver 1.${minor} (only audit.k8s.io/v1 since 1.24); change apiVersion to audit.k8s.io/v1, the rules are identical`,
      });
    }
  }
  if (policy.apiVersion === 'audit.k8s.io/v1' && minor < 12) {
    errors.push({
      field: 'apiVersion',
      type: 'Invalid value',
      value: policy.apiVersion,
      detail: `audit.k8s.io/v1 is served from Kubernetes 1.12; use audit.k8s.io/v1beta1 for 1.${minor}`,
    });
  }

  policy.rules.forEach((rule, i) => {
    const p = `rules[${i}]`;
    // 1. level
    if (rule.level === undefined || rule.level === '') {
      errors.push({ field: `${p}.level`, type: 'Required value', detail: 'a level is required' });
    } else if (!(LEVELS as readonly string[]).includes(rule.level)) {
      errors.push({
        field: `${p}.level`,
        type: 'Unsupported value',
        value: rule.level,
        detail: `supported values: ${LEVELS.map((l) => `"${l}"`).join(', ')}`,
      });
    }
    // 2. nonResourceURLs
    (rule.nonResourceURLs ?? []).forEach((url, j) => {
      if (url === '*') return;
      if (!url.startsWith('/')) {
        errors.push({
          field: `${p}.nonResourceURLs[${j}]`,
          type: 'Invalid value',
          value: url,
          detail: "non-resource URL rules must begin with a '/' character",
        });
      }
      if (url.slice(0, -1).includes('*')) {
        errors.push({
          field: `${p}.nonResourceURLs[${j}]`,
          type: 'Invalid value',
          value: url,
          detail: "non-resource URL wildcards '*' must be the final character of the rule",
        });
      }
    });
    // 3. resources (the apiserver's path has no entry index)
    for (const gr of rule.resources ?? []) {
      const group = gr.group ?? '';
      if (group === '*') {
        if (minor < 36) {
          errors.push({
            field: `${p}.resources.group`,
            type: 'Invalid value',
            value: group,
            detail: `group "*" (every group) is accepted from Kubernetes 1.36; kube-apiserver 1.${minor} rejects it, so list the groups instead`,
          });
        }
      } else if (group !== '' && (group.length > 253 || !DNS1123_SUBDOMAIN.test(group))) {
        errors.push({
          field: `${p}.resources.group`,
          type: 'Invalid value',
          value: group,
          detail: group.includes('/')
            ? 'a group is a lowercase DNS-1123 subdomain without a version (write "apps", not "apps/v1")'
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
        });
      }
      if ((gr.resourceNames ?? []).length > 0 && (gr.resources ?? []).length === 0) {
        errors.push({
          field: `${p}.resources.resourceNames`,
          type: 'Invalid value',
          value: gr.resourceNames,
          detail: 'using resourceNames requires at least one resource',
        });
      }
    }
    // 4. omitStages
    validateOmitStages(rule.omitStages, `${p}.omitStages`, errors);
    // 5. mixing resource and non-resource selectors
    if (
      (rule.nonResourceURLs ?? []).length > 0 &&
      ((rule.resources ?? []).length > 0 || (rule.namespaces ?? []).length > 0)
    ) {
      errors.push({
        field: `${p}.nonResourceURLs`,
        type: 'Invalid value',
        value: rule.nonResourceURLs,
        detail: 'rules cannot apply to both regular resources and non-resource URLs',
      });
    }
  });
  validateOmitStages(policy.omitStages, 'omitStages', errors);

  if (policy.rules.length === 0) {
    errors.push({
      field: 'rules',
      type: 'Required value',
      detail: 'loaded illegal policy with 0 rules (the apiserver refuses a policy without rules)',
    });
  }

  // omitManagedFields arrived in 1.23: older apiservers drop the unknown field silently.
  if (minor < 23) {
    const fields = [
      ...(policy.omitManagedFields !== undefined ? ['omitManagedFields'] : []),
      ...policy.rules.flatMap((r, i) =>
        r.omitManagedFields !== undefined ? [`rules[${i}].omitManagedFields`] : [],
      ),
    ];
    for (const field of fields) {
      warnings.push({
        code: 'not-in-release',
        field,
        where: 'policy',
        message: `kube-apiserver 1.${minor} does not know omitManagedFields (added in 1.23) and ignores it, so managedFields stay in the bodies.`,
      });
    }
  }
  for (const w of options.loadWarnings ?? []) {
    if (options.strict && (w.code === 'unknown-field' || w.code === 'duplicate-field')) {
      errors.push({
        field: w.field,
        type: 'Forbidden',
        detail: `${w.message} (${w.where}; an error because of --strict)`,
      });
    } else if (w.code !== 'old-version' || options.ignoreApiVersion || minor < 24) {
      warnings.push(w);
    }
  }
  return { errors, warnings };
}
