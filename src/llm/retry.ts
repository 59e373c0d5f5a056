/**
 * Retry policy for LLM attempts, as pure functions: which failures are worth another attempt,
 * how long to wait (exponential backoff with jitter, or what `Retry-After` asks), and how to read
 * `Retry-After`. The loop that applies it lives in src/agents/agent-runner.ts.
 */

import type { Config } from "../env";
import { parseRetryAfter } from "../lib/retry-after";
import { ERROR_TYPES } from "../protocol/events";
import { LlmError } from "./errors";

/** The retry settings of one run (from Config). */
export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  factor: number;
  maxDelayMs: number;
  /** Model tried once after the retries are exhausted; empty = none. */
  fallbackModel: string;
}

/** The policy the configuration asks for. */
export function retryPolicy(config: Config): RetryPolicy {
  return {
    maxRetries: Math.floor(config.llmMaxRetries),
    baseMs: config.llmRetryBaseMs,
    factor: config.llmRetryFactor,
    maxDelayMs: config.llmRetryMaxMs,
    fallbackModel: config.llmFallbackModel,
  };
}

/** Failures another attempt cannot fix: the request, the configuration or the content is the problem. */
const FINAL: ReadonlySet<string> = new Set([
  ERROR_TYPES.AUTH,
  ERROR_TYPES.CONFIG_ERROR,
  ERROR_TYPES.BAD_REQUEST,
  ERROR_TYPES.CONTENT_FILTER,
]);

/**
 * Whether another attempt may succeed. Classified provider errors decide by their type; anything
 * unclassified (a bug in our own code) is not retried, since repeating it would fail the same way.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof LlmError && !FINAL.has(error.errorType);
}

/**
 * Backoff before retry number `retry` (1 = the first retry): `base * factor^(retry-1)`, capped,
 * with "equal jitter" (a random half of it on top of the other half) so parallel agents that
 * failed together do not retry in lockstep, yet never retry at once.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const exponential = policy.baseMs * policy.factor ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped / 2 + (random() * capped) / 2);
}

/**
 * Reads how long a response asks us to wait: OpenAI's `retry-after-ms` first (more precise),
 * then the standard `Retry-After`.
 */
export function retryAfterFromHeaders(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  return parseRetryAfter(headers.get("retry-after"), now);
}

/** What to do after attempt number `retriesSoFar` (0 = the first attempt) failed. */
export type RetryDecision =
  | { action: "retry"; delayMs: number }
  | { action: "fallback"; model: string; delayMs: number }
  | { action: "give_up" };

/**
 * Decides the next step after a failed attempt: retry with backoff while retries remain, then
 * the fallback model once (if set and not already tried), else give up. A `Retry-After` replaces
 * the backoff (bounded by `maxDelayMs`).
 */
export function decideRetry(
  policy: RetryPolicy,
  error: unknown,
  retriesSoFar: number,
  onFallback: boolean,
  random: () => number = Math.random,
): RetryDecision {
  if (!isRetryable(error) || onFallback) return { action: "give_up" };
  const next = retriesSoFar + 1;
  const asked = error instanceof LlmError ? error.retryAfterMs : undefined;
  const delayMs = asked !== undefined ? Math.min(asked, policy.maxDelayMs) : backoffMs(policy, next, random);
  if (retriesSoFar < policy.maxRetries) return { action: "retry", delayMs };
  if (policy.fallbackModel) return { action: "fallback", model: policy.fallbackModel, delayMs };
  return { action: "give_up" };
}
