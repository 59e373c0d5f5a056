/**
 * Maps what the `openai` client throws to a classified LlmError: HTTP statuses, connection
 * failures, a body that breaks off, and chunks that are not JSON. An answer that says the
 * configuration is wrong (401/403: the key; 404: the URL or the model) names the URL called and
 * the settings to check, since the operator reading it has only the event to go on.
 */
import { APIConnectionError, APIError } from "openai";
import { ERROR_TYPES } from "../protocol/events";
import { LlmError } from "./errors";
import { retryAfterFromHeaders } from "./retry";

/** What an attempt called, for messages that say where to look. */
export interface AttemptTarget {
  /** The chat completions URL (see completionsUrl). */
  url: string;
  model: string;
}

/** The type an HTTP status classifies as. 408/409 are retried because the openai SDK's own policy retries them. */
export function classifyStatus(status: number): LlmError["errorType"] {
  if (status === 429) return ERROR_TYPES.RATE_LIMITED;
  if (status === 401 || status === 403) return ERROR_TYPES.AUTH;
  if (status === 404) return ERROR_TYPES.CONFIG_ERROR;
  if (status >= 500 || status === 408 || status === 409) return ERROR_TYPES.SERVER_ERROR;
  return ERROR_TYPES.BAD_REQUEST;
}

/**
 * The chat completions URL the client calls under `baseUrl`, fit to show in an event: without
 * credentials, query or fragment.
 */
export function completionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/chat/completions`;
  return url.href;
}

/** The message of an HTTP failure: for a configuration error, the URL called and what to check. */
function statusMessage(status: number, message: string, target: AttemptTarget | undefined): string {
  if (!target) return `HTTP ${status}: ${message}`;
  // The client's message repeats the status ("404 page not found"), or says there was no body.
  const detail = message
    .replace(new RegExp(`^${status}\\s*`), "")
    .replace(/^status code \(no body\)$/, "")
    .trim();
  const answered = `the endpoint ${target.url} answered ${status}${detail ? ` (${detail})` : ""}`;
  if (status === 404) {
    return `${answered}: check OPENAI_BASE_URL (it usually ends in /v1) and LLM_MODEL (model "${target.model}")`;
  }
  if (status === 401 || status === 403) {
    return `${answered}: check OPENAI_API_KEY, and that OPENAI_BASE_URL is the provider it belongs to`;
  }
  return `HTTP ${status}: ${message}`;
}

/**
 * Classifies an error the client threw. `responded` says whether the response had started: a
 * failure after that is the stream breaking off, before it the network. `target` (what was
 * called) lets a configuration error say where to look.
 */
export function classifyOpenAiError(
  error: unknown,
  responded: boolean,
  target?: AttemptTarget,
  now = Date.now(),
): LlmError {
  if (error instanceof LlmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof APIConnectionError) {
    return new LlmError(ERROR_TYPES.NETWORK, `cannot reach the model: ${message}`, { cause: error });
  }
  if (error instanceof APIError) {
    if (typeof error.status === "number") {
      return new LlmError(classifyStatus(error.status), statusMessage(error.status, message, target), {
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
