// Types of an audit Policy (audit.k8s.io/v1, same rules in v1beta1/v1alpha1) and of the request
// attributes the policy is evaluated against. Field names follow ../shared/spec/k8s-audit.md §1.1.
import { LEVELS, STAGES, type Level, type Stage } from '../event/types.js';

export { LEVELS, STAGES, type Level, type Stage };

/** The audit.k8s.io API versions a policy file may declare; only v1 is served since Kubernetes 1.24. */
export const POLICY_API_VERSIONS = [
  'audit.k8s.io/v1',
  'audit.k8s.io/v1beta1',
  'audit.k8s.io/v1alpha1',
] as const;
export type PolicyApiVersion = (typeof POLICY_API_VERSIONS)[number];

export interface GroupResources {
  /** API group; absent or `""` means the core group, `"*"` (Kubernetes 1.36+) every group. */
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  /** One of LEVELS once validated; kept as text so validation can report the bad value. */
  level: string;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
  /** Tri-state: undefined inherits the policy value. */
  omitManagedFields?: boolean;
}

export interface Policy {
  apiVersion: string;
  kind: string;
  rules: PolicyRule[];
  omitStages?: string[];
  omitManagedFields?: boolean;
}

/**
 * What the apiserver knows about a request when it evaluates the policy (the authorizer
 * attributes of A:pkg/audit/policy/checker.go). `user: null` means no user info (failed
 * authentication): rules constraining users or userGroups never match it.
 */
export interface RequestAttributes {
  user: string | null;
  groups: string[];
  verb: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** URL path without the query string. */
  path: string;
  isResourceRequest: boolean;
}

export interface PolicyDecision {
  level: Level;
  /** Union of the policy and the rule omitStages, in stage order. */
  omitStages: Stage[];
  omitManagedFields: boolean;
  /** 0-based index of the deciding rule, or null when no rule matched (level None). */
  rule: number | null;
}

/** Numeric rank of a level, for "above/below" comparisons (None < Metadata < Request < RequestResponse). */
export function levelRank(level: string): number {
  return LEVELS.indexOf(level as Level);
}
