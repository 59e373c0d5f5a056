/**
 * The error every provider attempt fails with: a classification (`errorType`, which
 * src/agents/failures.ts puts in `error_type`), and for rate limits how long the provider asked
 * us to wait. Which classifications are worth retrying is decided in retry.ts.
 */
import type { ERROR_TYPES, ErrorType } from "../protocol/events";

/** The classifications a failed LLM attempt can have. */
export type LlmErrorType = Extract<
  ErrorType,
  | typeof ERROR_TYPES.RATE_LIMITED
  | typeof ERROR_TYPES.SERVER_ERROR
  | typeof ERROR_TYPES.NETWORK
  | typeof ERROR_TYPES.STREAM_BROKEN
  | typeof ERROR_TYPES.STALL
  | typeof ERROR_TYPES.MALFORMED
  | typeof ERROR_TYPES.AUTH
  | typeof ERROR_TYPES.CONFIG_ERROR
  | typeof ERROR_TYPES.BAD_REQUEST
  | typeof ERROR_TYPES.CONTENT_FILTER
>;

/** A failed LLM attempt, classified. */
export class LlmError extends Error {
  constructor(
    readonly errorType: LlmErrorType,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "LlmError";
  }

  /** HTTP status of the response that failed, if there was one. */
  get status(): number | undefined {
    return this.details.status;
  }

  /** How long the provider asked us to wait before the next attempt (`Retry-After`), ms. */
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}
