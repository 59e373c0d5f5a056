/**
 * A token bucket as a pure function: `burst` tokens at most, refilled at `perMinute`; each
 * run-starting request takes one. State is two numbers, so it stores anywhere.
 */

export interface Bucket {
  /** Tokens left (fractional while refilling). */
  tokens: number;
  /** When `tokens` was computed, ms since the epoch. */
  at: number;
}

export interface Rate {
  perMinute: number;
  burst: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

/** Takes one token from `bucket` (a full bucket when there is none yet) at time `now`. */
export function takeToken(bucket: Bucket | undefined, now: number, rate: Rate): Take {
  const perMs = rate.perMinute / 60_000;
  const start = bucket ?? { tokens: rate.burst, at: now };
  const elapsed = Math.max(0, now - start.at);
  const tokens = Math.min(rate.burst, start.tokens + elapsed * perMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  const refilled = { tokens, at: now };
  // A zero rate never refills: say "a minute" rather than Infinity.
  const retryAfterMs = perMs > 0 ? Math.ceil((1 - tokens) / perMs) : 60_000;
  return { ok: false, bucket: refilled, retryAfterMs };
}
