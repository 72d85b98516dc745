// Types of the kube-apiserver audit Event (audit.k8s.io/v1, with the older v1beta1/v1alpha1
// extras), as described in ../shared/spec/k8s-audit.md §2. Every field is optional on input:
// decoding checks what it needs and keeps unknown fields untouched.

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface ResponseStatus {
  metadata?: Record<string, unknown>;
  status?: string;
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code?: number;
}

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: Level | string;
  auditID?: string;
  stage?: Stage | string;
  requestURI?: string;
  verb?: string;
  user?: UserInfo;
  impersonatedUser?: UserInfo;
  authenticationMetadata?: Record<string, unknown>;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string | null;
  stageTimestamp?: string | null;
  annotations?: Record<string, string>;
  /** v1beta1/v1alpha1 only: ObjectMeta whose creationTimestamp is the stage time (seconds). */
  metadata?: { creationTimestamp?: string; [k: string]: unknown };
  /** v1beta1/v1alpha1 only: request-received time (seconds). */
  timestamp?: string;
  [unknown: string]: unknown;
}

export interface EventList {
  kind?: 'EventList' | string;
  apiVersion?: string;
  metadata?: Record<string, unknown>;
  items: AuditEvent[];
}
