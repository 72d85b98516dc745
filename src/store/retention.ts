// Retention by receive time (`__tag__:__receive_time__`, as in SLS): whole day partitions whose
// every event was received before now − retention are dropped, giving the disk space back.
import { parseDuration } from '../cli/flags.js';
import type { Store } from './store.js';

/** The managed service's default retention (k8s audit on SLS: 30 days). */
export const DEFAULT_RETENTION = '30d';
export const RETENTION_SETTING = 'retention';

export interface SettingsStore extends Store {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

/** Seconds of retention configured for the store (0 = keep everything). */
export async function configuredRetention(store: SettingsStore): Promise<{ text: string; seconds: number }> {
  const text = (await store.getSetting(RETENTION_SETTING)) ?? DEFAULT_RETENTION;
  return { text, seconds: parseDuration(text, 'retention') };
}

/** Records a new retention (validated) for the store. */
export async function setRetention(store: SettingsStore, text: string): Promise<number> {
  const seconds = parseDuration(text, '--retention');
  await store.setSetting(RETENTION_SETTING, text);
  return seconds;
}

/** Applies the retention now; returns what was dropped. */
export async function applyRetention(store: SettingsStore, seconds: number, now = Date.now() / 1000) {
  if (seconds <= 0) return { partitions: [] as string[], events: 0, bytes: 0 };
  return store.prune(Math.floor(now) - seconds);
}
