// What a notification channel receives and offers.
import type { Severity } from '../rule.js';
import type { TemplateVars } from '../template.js';

export interface Notification {
  /** Idempotency key (same on a resend after a restart). */
  key: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  group: string;
  /** unix seconds of the evaluation that decided it. */
  time: number;
  /** Everything templates may use (result columns, built-ins, labels, annotations). */
  vars: TemplateVars;
}

export interface Channel {
  readonly name: string;
  readonly type: 'webhook' | 'dingtalk' | 'slack' | 'email' | 'inapp';
  /** Delivers once; throws an Error whose message is safe to show (no secrets). */
  send(n: Notification): Promise<void>;
}
