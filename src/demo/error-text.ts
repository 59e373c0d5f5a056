/**
 * Error events in words a person reads: each `error_type` of src/protocol/events.ts as a sentence,
 * and what happens next (another attempt, or none). The raw code and message stay available as
 * `detail`, for a developer who opens it; the page never leads with them.
 */
import { ERROR_TYPES, type ErrorPayload, type ErrorType } from "../protocol/events";
import { agentLabel } from "./labels";

/** What each error type means, as a sentence about the agent's attempt. */
const SENTENCES = {
  [ERROR_TYPES.RATE_LIMITED]: "The model provider asked us to slow down (rate limit).",
  [ERROR_TYPES.SERVER_ERROR]: "The model provider had a server error.",
  [ERROR_TYPES.NETWORK]: "The model provider could not be reached.",
  [ERROR_TYPES.STREAM_BROKEN]: "The model's answer broke off midway.",
  [ERROR_TYPES.STALL]: "The model stopped sending text and timed out.",
  [ERROR_TYPES.MALFORMED]: "The model sent data that could not be read.",
  [ERROR_TYPES.AUTH]: "The model provider refused the service's credentials.",
  [ERROR_TYPES.CONFIG_ERROR]: "The model's address or name is wrong in the service's configuration.",
  [ERROR_TYPES.BAD_REQUEST]: "The model provider rejected the request.",
  [ERROR_TYPES.CONTENT_FILTER]: "The model provider's content filter stopped the answer.",
  [ERROR_TYPES.FALLBACK]: "Retries ran out, so one last attempt uses the fallback model.",
  [ERROR_TYPES.INTERRUPTED]: "The server restarted while this agent was working.",
  [ERROR_TYPES.RESUME_LIMIT]: "The server was interrupted too often, so the run was given up.",
  [ERROR_TYPES.AGENT_ERROR]: "Something went wrong inside the agent.",
} satisfies Record<ErrorType, string>;

const UNKNOWN = "Something went wrong.";

function isErrorType(type: string): type is ErrorType {
  return Object.hasOwn(SENTENCES, type);
}

/** The sentence for an error type (a type this page does not know reads as a generic failure). */
export function errorSentence(type: string): string {
  return isErrorType(type) ? SENTENCES[type] : UNKNOWN;
}

/** The raw code and message, for the collapsed details under a readable note. */
export function errorDetail(error: Pick<ErrorPayload, "error_type" | "error">): string {
  return `${error.error_type} · ${error.error}`;
}

/** An agent's error event as one readable line: what happened, then what happens next. */
export function describeAgentError(error: ErrorPayload): string {
  const what =
    error.error_type === ERROR_TYPES.FALLBACK && error.fallback_model
      ? `Retries ran out, so one last attempt uses the fallback model ${error.fallback_model}.`
      : errorSentence(error.error_type);
  const discarded = error.discarded_chars
    ? ` The ${error.discarded_chars} characters it had streamed are discarded.`
    : "";
  if (error.error_type === ERROR_TYPES.FALLBACK) return what;
  const next = error.will_retry ? `Retrying (attempt ${error.retry_count + 2}).` : "No more attempts.";
  return `${what}${discarded} ${next}`;
}

/**
 * A run-level (supervisor) error as a sentence. `failedRequired` names the required agent whose
 * failure stopped the run, when there is one: the event's own message says it only in code.
 */
export function describeRunError(error: ErrorPayload, failedRequired?: string): string {
  if (failedRequired) {
    // The supervisor's error carries the agent's own classification; agent_error says nothing more.
    const why = error.error_type === ERROR_TYPES.AGENT_ERROR ? "" : ` ${errorSentence(error.error_type)}`;
    return `The run stopped: the required agent ${agentLabel(failedRequired)} failed.${why}`;
  }
  if (error.error_type === ERROR_TYPES.AGENT_ERROR) return "The run stopped: something went wrong in the pipeline.";
  return `The run stopped: ${errorSentence(error.error_type).replace(/^./, (c) => c.toLowerCase())}`;
}
