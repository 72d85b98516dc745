// What the alerts engine keeps in the store (Store document API), so a restart neither loses nor
// repeats a notification:
//   alert-state/<rule id>          last run, consecutive counts, firing groups, throttle clock, outbox
//   alert-history/<time>-<key>     one entry per notification (with each channel's outcome),
//                                  throttled alert and failed evaluation
//   message/<time>-<key>           the in-app message center
//   alert-rule-setting/<rule id>   enable/disable set from the console or API (wins over the file)
// One rule's state is ONE document, written whole: the new groups and the notifications they cause
// ("intents", in the outbox) land together or not at all. Delivery then marks each channel done in
// the same document, so a restart resends exactly the channels not yet done.
import { createHash } from 'node:crypto';
import type { DocumentStore } from '../store/store.js';
import type { Severity } from './rule.js';
import type { TemplateVars } from './template.js';

export const KIND_STATE = 'alert-state';
export const KIND_HISTORY = 'alert-history';
export const KIND_MESSAGE = 'message';
export const KIND_SETTING = 'alert-rule-setting';

export interface GroupState {
  /** Consecutive evaluations in which the group matched (§9 U-12: consecutive). */
  count: number;
  firing: boolean;
  /** Whether its firing was notified (false when throttled); a resolve is sent only then. */
  notified: boolean;
  /** When it started firing. */
  since?: number;
  lastMatched: number;
  /** The group's values, e.g. {auditID: "…"}. */
  group: Record<string, unknown>;
  /** Template variables of the firing, to render its resolve notification. */
  vars: TemplateVars;
}

export interface ChannelOutcome {
  ok: boolean;
  error?: string;
  attempts: number;
}

/** A notification decided by an evaluation and not yet delivered to every channel. */
export interface Intent {
  /** Idempotency key: rule, group, status and evaluation time. Sent to receivers as well. */
  key: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  /** The group as text (`auditID=…`), '' without groupBy. */
  group: string;
  time: number;
  vars: TemplateVars;
  channels: string[];
  /** Per channel, once it is done (delivered, or failed after every retry). */
  done: Record<string, ChannelOutcome>;
}

export interface RuleState {
  ruleId: string;
  lastRun: number | null;
  lastError: string | null;
  groups: Record<string, GroupState>;
  /** group key → when it was last notified (throttle). */
  lastNotified: Record<string, number>;
  outbox: Intent[];
}

export function emptyState(ruleId: string): RuleState {
  return { ruleId, lastRun: null, lastError: null, groups: {}, lastNotified: {}, outbox: [] };
}

export interface HistoryEntry {
  time: number;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  status: 'firing' | 'resolved' | 'throttled' | 'error';
  group: string;
  title: string;
  notifications: { channel: string; ok: boolean; error?: string }[];
  /** The idempotency key of the notification, or the error of a failed evaluation. */
  key?: string;
  error?: string;
}

export interface Message {
  id: string;
  time: number;
  ruleId: string;
  severity: Severity;
  title: string;
  body: string;
  read: boolean;
}

export interface RuleSetting {
  enabled: boolean;
}

/** Short stable hash for ids. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Ids that sort by time: zero-padded unix seconds, then a hash of the key. */
export function timeOrderedId(time: number, key: string): string {
  return `${String(Math.floor(time)).padStart(11, '0')}-${shortHash(key)}`;
}

/** Persistence of the alerts engine on top of the store's document API. */
export class AlertStateStore {
  constructor(private readonly docs: DocumentStore) {}

  async load(ruleId: string): Promise<RuleState> {
    const s = await this.docs.getDocument<RuleState>(KIND_STATE, ruleId);
    return s ? { ...emptyState(ruleId), ...s } : emptyState(ruleId);
  }

  async save(state: RuleState): Promise<void> {
    await this.docs.putDocument(KIND_STATE, state.ruleId, state);
  }

  async allStates(): Promise<Map<string, RuleState>> {
    const docs = await this.docs.listDocuments<RuleState>(KIND_STATE);
    return new Map(docs.map((d) => [d.id, d.value]));
  }

  /** Writing the same entry twice (a retried delivery) keeps one: the id derives from the key. */
  async addHistory(entry: HistoryEntry): Promise<void> {
    await this.docs.putDocument(
      KIND_HISTORY,
      timeOrderedId(entry.time, entry.key ?? JSON.stringify(entry)),
      entry,
    );
  }

  /** Newest first. */
  async history(opts: { ruleId?: string; limit?: number } = {}): Promise<HistoryEntry[]> {
    const limit = opts.limit ?? 100;
    const docs = await this.docs.listDocuments<HistoryEntry>(KIND_HISTORY);
    const entries = docs
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((d) => d.value)
      .filter((e) => !opts.ruleId || e.ruleId === opts.ruleId);
    return entries.slice(0, limit);
  }

  async addMessage(m: Omit<Message, 'id' | 'read'>, key: string): Promise<string> {
    const id = timeOrderedId(m.time, key);
    const existing = await this.docs.getDocument<Message>(KIND_MESSAGE, id);
    // A resent notification must not mark a read message unread again.
    if (!existing) await this.docs.putDocument(KIND_MESSAGE, id, { ...m, id, read: false });
    return id;
  }

  /** Newest first. */
  async messages(limit = 200): Promise<{ unread: number; messages: Message[] }> {
    const docs = await this.docs.listDocuments<Message>(KIND_MESSAGE);
    const all = docs.map((d) => d.value).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return { unread: all.filter((m) => !m.read).length, messages: all.slice(0, limit) };
  }

  /** False when there is no such message. */
  async markRead(id: string): Promise<boolean> {
    const m = await this.docs.getDocument<Message>(KIND_MESSAGE, id);
    if (!m) return false;
    if (!m.read) await this.docs.putDocument(KIND_MESSAGE, id, { ...m, read: true });
    return true;
  }

  async markAllRead(): Promise<number> {
    const docs = await this.docs.listDocuments<Message>(KIND_MESSAGE);
    let n = 0;
    for (const d of docs) {
      if (!d.value.read) {
        await this.docs.putDocument(KIND_MESSAGE, d.id, { ...d.value, read: true });
        n++;
      }
    }
    return n;
  }

  /** Deletes history entries and messages older than `before` (unix seconds); returns how many. */
  async prune(before: number): Promise<number> {
    let n = 0;
    for (const kind of [KIND_HISTORY, KIND_MESSAGE]) {
      const docs = await this.docs.listDocuments<{ time: number }>(kind);
      for (const d of docs) {
        if (
          typeof d.value.time === 'number' &&
          d.value.time < before &&
          (await this.docs.deleteDocument(kind, d.id))
        )
          n++;
      }
    }
    return n;
  }

  async settings(): Promise<Map<string, RuleSetting>> {
    const docs = await this.docs.listDocuments<RuleSetting>(KIND_SETTING);
    return new Map(docs.map((d) => [d.id, d.value]));
  }

  async setEnabled(ruleId: string, enabled: boolean): Promise<void> {
    await this.docs.putDocument(KIND_SETTING, ruleId, { enabled });
  }
}
