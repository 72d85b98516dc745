// Delivery retries: exponential backoff (backoff, 2×backoff, 4×… capped at maxBackoff), a bounded
// number of attempts; the outcome says how many attempts it took and the last error.
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export interface RetryOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The wait before attempt `n` (n ≥ 2). */
export function backoffDelay(policy: RetryPolicy, n: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (n - 2));
}

export async function withRetries(
  fn: () => Promise<void>,
  policy: RetryPolicy,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<RetryOutcome> {
  let error = '';
  for (let n = 1; n <= policy.attempts; n++) {
    if (n > 1) await wait(backoffDelay(policy, n));
    try {
      await fn();
      return { ok: true, attempts: n };
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  return { ok: false, attempts: policy.attempts, error };
}
