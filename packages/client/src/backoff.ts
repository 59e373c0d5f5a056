/** Reconnection delays: exponential backoff with jitter, bounded in size and count. */

export interface BackoffOptions {
  /** First delay, ms; when unset, the server's `retry:` hint, else DEFAULT_INITIAL_DELAY_MS. */
  initialMs?: number;
  /** Longest delay between two attempts, ms. */
  maxMs: number;
  /** Growth of the delay per consecutive failed attempt. */
  factor: number;
  /** Share of each delay (0..1) taken off at random, so many clients do not reconnect in lockstep. */
  jitter: number;
  /** Consecutive failed attempts (none delivering an event) after which the client gives up. */
  maxAttempts: number;
}

/** First reconnection delay when neither the app nor the server chose one, ms. */
export const DEFAULT_INITIAL_DELAY_MS = 1000;

/** Defaults: 1 s, 2 s, 4 s ... capped at 15 s, about 75 s of trying before giving up. */
export const DEFAULT_BACKOFF: BackoffOptions = { maxMs: 15_000, factor: 2, jitter: 0.2, maxAttempts: 8 };

/**
 * Delay before reconnection attempt `attempt` (1-based). `hintMs` is the server's `retry:` field;
 * `retryAfterMs` (from a 429/503 `Retry-After`) is a floor.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  hintMs?: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const base = options.initialMs ?? hintMs ?? DEFAULT_INITIAL_DELAY_MS;
  const raw = Math.min(options.maxMs, base * options.factor ** Math.max(0, attempt - 1));
  const delay = Math.round(raw * (1 - options.jitter * random()));
  return Math.max(delay, retryAfterMs ?? 0);
}
