import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/lib/retry-after";
import { LlmError } from "../../src/llm/errors";
import { backoffMs, decideRetry, isRetryable, type RetryPolicy, retryAfterFromHeaders } from "../../src/llm/retry";
import { ERROR_TYPES } from "../../src/protocol/events";

const policy: RetryPolicy = { maxRetries: 3, baseMs: 1000, factor: 2, maxDelayMs: 30_000, fallbackModel: "" };
const serverError = new LlmError(ERROR_TYPES.SERVER_ERROR, "HTTP 500");
const NOW = Date.parse("2026-05-01T12:00:00Z");

describe("backoffMs", () => {
  it("doubles from the base, with the jitter spanning the upper half of each step", () => {
    expect([1, 2, 3, 4].map((retry) => backoffMs(policy, retry, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((retry) => backoffMs(policy, retry, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(policy, 2, () => 0.5)).toBe(1500);
  });

  it("never exceeds maxDelayMs", () => {
    expect(backoffMs({ ...policy, maxDelayMs: 3000 }, 10, () => 1)).toBe(3000);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds, fractional seconds and HTTP dates", () => {
    expect(parseRetryAfter("2", NOW)).toBe(2000);
    expect(parseRetryAfter(" 1.5 ", NOW)).toBe(1500);
    expect(parseRetryAfter("Fri, 01 May 2026 12:00:07 GMT", NOW)).toBe(7000);
    expect(parseRetryAfter("Fri, 01 May 2026 11:00:00 GMT", NOW)).toBe(0);
  });

  it("ignores absent and unreadable values", () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter("", NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("-3", NOW)).toBeUndefined();
  });

  it("prefers OpenAI's retry-after-ms header", () => {
    expect(retryAfterFromHeaders(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
    expect(retryAfterFromHeaders(new Headers({ "retry-after": "9" }), NOW)).toBe(9000);
    expect(retryAfterFromHeaders(new Headers(), NOW)).toBeUndefined();
    expect(retryAfterFromHeaders(undefined, NOW)).toBeUndefined();
  });
});

describe("decideRetry", () => {
  it("retries retryable failures up to maxRetries, then gives up without a fallback", () => {
    const decisions = [0, 1, 2, 3].map((n) => decideRetry(policy, serverError, n, false, () => 1));
    expect(decisions).toEqual([
      { action: "retry", delayMs: 1000 },
      { action: "retry", delayMs: 2000 },
      { action: "retry", delayMs: 4000 },
      { action: "give_up" },
    ]);
  });

  it("tries the fallback model once after the retries, and gives up when it fails too", () => {
    const withFallback = { ...policy, fallbackModel: "small" };
    expect(decideRetry(withFallback, serverError, 3, false, () => 1)).toEqual({
      action: "fallback",
      model: "small",
      delayMs: 8000,
    });
    expect(decideRetry(withFallback, serverError, 4, true)).toEqual({ action: "give_up" });
  });

  it("waits what Retry-After asked instead of the backoff, bounded by maxDelayMs", () => {
    const limited = new LlmError(ERROR_TYPES.RATE_LIMITED, "HTTP 429", { status: 429, retryAfterMs: 5000 });
    expect(decideRetry(policy, limited, 0, false, () => 1)).toEqual({ action: "retry", delayMs: 5000 });
    expect(decideRetry({ ...policy, maxDelayMs: 2000 }, limited, 0, false)).toEqual({ action: "retry", delayMs: 2000 });
  });

  it("never retries what another attempt cannot fix, nor unclassified errors", () => {
    const final = [
      ERROR_TYPES.AUTH,
      ERROR_TYPES.CONFIG_ERROR,
      ERROR_TYPES.BAD_REQUEST,
      ERROR_TYPES.CONTENT_FILTER,
    ] as const;
    for (const type of final) {
      const error = new LlmError(type, type);
      expect(isRetryable(error)).toBe(false);
      expect(decideRetry({ ...policy, fallbackModel: "small" }, error, 0, false)).toEqual({ action: "give_up" });
    }
    expect(isRetryable(new TypeError("bug"))).toBe(false);
    for (const type of [
      ERROR_TYPES.RATE_LIMITED,
      ERROR_TYPES.SERVER_ERROR,
      ERROR_TYPES.NETWORK,
      ERROR_TYPES.STREAM_BROKEN,
      ERROR_TYPES.STALL,
      ERROR_TYPES.MALFORMED,
    ] as const) {
      expect(isRetryable(new LlmError(type, type))).toBe(true);
    }
  });

  it("with maxRetries 0 goes straight to the fallback", () => {
    expect(decideRetry({ ...policy, maxRetries: 0, fallbackModel: "small" }, serverError, 0, false, () => 0)).toEqual({
      action: "fallback",
      model: "small",
      delayMs: 500,
    });
  });
});
