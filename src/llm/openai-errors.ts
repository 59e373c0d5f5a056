/**
 * Maps what the `openai` client throws to a classified LlmError: HTTP statuses, connection
 * failures, a body that breaks off, and chunks that are not JSON.
 */
import { APIConnectionError, APIError } from "openai";
import { ERROR_TYPES } from "../protocol/events";
import { LlmError } from "./errors";
import { retryAfterFromHeaders } from "./retry";

/** The type an HTTP status classifies as. 408/409 are retried because the openai SDK's own policy retries them. */
export function classifyStatus(status: number): LlmError["errorType"] {
  if (status === 429) return ERROR_TYPES.RATE_LIMITED;
  if (status === 401 || status === 403) return ERROR_TYPES.AUTH;
  if (status >= 500 || status === 408 || status === 409) return ERROR_TYPES.SERVER_ERROR;
  return ERROR_TYPES.BAD_REQUEST;
}

/**
 * Classifies an error the client threw. `responded` says whether the response had started: a
 * failure after that is the stream breaking off, before it the network.
 */
export function classifyOpenAiError(error: unknown, responded: boolean, now = Date.now()): LlmError {
  if (error instanceof LlmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof APIConnectionError) {
    return new LlmError(ERROR_TYPES.NETWORK, `cannot reach the model: ${message}`, { cause: error });
  }
  if (error instanceof APIError) {
    if (typeof error.status === "number") {
      return new LlmError(classifyStatus(error.status), `HTTP ${error.status}: ${message}`, {
        status: error.status,
        retryAfterMs: retryAfterFromHeaders(error.headers, now),
        cause: error,
      });
    }
    // An `error` object sent inside the stream: the provider failed mid-answer.
    return new LlmError(ERROR_TYPES.SERVER_ERROR, `the model reported an error: ${message}`, { cause: error });
  }
  // The client parses every `data:` line with JSON.parse.
  if (error instanceof SyntaxError) {
    return new LlmError(ERROR_TYPES.MALFORMED, `a stream chunk is not valid JSON: ${message}`, { cause: error });
  }
  return responded
    ? new LlmError(ERROR_TYPES.STREAM_BROKEN, `the stream broke off: ${message}`, { cause: error })
    : new LlmError(ERROR_TYPES.NETWORK, `cannot reach the model: ${message}`, { cause: error });
}
