// The audit policy engine (issue 4): load, validate, evaluate exactly like kube-apiserver, lint,
// simulate, filter and redact at ingest. Other parts of kaudit import from here.
export { loadPolicy, type LoadedPolicy, type PolicyWarning } from './load.js';
export {
  validatePolicy,
  formatFieldError,
  parseKubeMinor,
  DEFAULT_KUBE_VERSION,
  type PolicyFieldError,
  type ValidateOptions,
  type ValidationResult,
} from './validate.js';
export { compilePolicy, type CompiledPolicy } from './compile.js';
export { evaluateReference } from './reference.js';
export { attributesFromEvent, attributesFromInput, parseRequestText } from './attributes.js';
export { lintPolicy, type LintFinding, type LintSeverity } from './lint.js';
export {
  simulatePolicy,
  type SimulationReport,
  type SimulationRecord,
  type SimulateOptions,
} from './simulate.js';
export { applyPolicyToEvent, applyDecision, stripManagedFields, type PolicyAction } from './apply.js';
export {
  redactEvent,
  redactionProfileFrom,
  loadRedactionProfile,
  DEFAULT_REDACTION_PROFILE,
  type RedactionProfile,
} from './redact.js';
export { BUILTIN_POLICIES, builtinPolicyText, loadPolicyArgument, readPolicySource } from './builtin.js';
export { parseByteSize, formatBytes } from './bytes.js';
export type { Policy, PolicyRule, GroupResources, RequestAttributes, PolicyDecision } from './types.js';

import { UserError } from '../cli/errors.js';
import { loadPolicyArgument } from './builtin.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import type { PolicyWarning } from './load.js';
import { formatFieldError, validatePolicy } from './validate.js';

/**
 * Loads a policy argument (built-in name or path) for use (eval, simulate, import --policy):
 * older apiVersions are accepted with a warning, structural errors refuse the policy with the
 * apiserver's messages. Returns the compiled policy and the warnings to show.
 */
export function loadCompiledPolicy(arg: string): {
  compiled: CompiledPolicy;
  warnings: PolicyWarning[];
  label: string;
} {
  const { policy, warnings, label } = loadPolicyArgument(arg);
  const v = validatePolicy(policy, { loadWarnings: warnings, ignoreApiVersion: true });
  if (v.errors.length > 0) {
    throw new UserError(
      `policy ${label} is invalid (${v.errors.map(formatFieldError).join('; ')}); fix it (kaudit policy validate ${arg} lists every error).`,
    );
  }
  return { compiled: compilePolicy(policy), warnings: v.warnings, label };
}
