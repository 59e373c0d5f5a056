/**
 * `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP date. One parser for the service
 * (reading an upstream model's answer) and the client library (reading this service's 429/503).
 */

/** Parses a `Retry-After` value into ms from `now`; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Date.parse reads "-3" as a year: an HTTP date always names its month.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
