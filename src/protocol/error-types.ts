/**
 * `error_type` values of `error` events. The first group classifies a failed LLM attempt (see
 * src/llm/errors.ts: which ones are retried); the rest are emitted by the run machinery itself.
 */
export const ERROR_TYPES = {
  /** HTTP 429 from the provider; retried, honouring `Retry-After`. */
  RATE_LIMITED: "rate_limited",
  /** HTTP 5xx (and 408/409), or an error object inside the stream; retried. */
  SERVER_ERROR: "server_error",
  /** The request never got a response (DNS, connect, reset before headers); retried. */
  NETWORK: "network",
  /** The response stream broke off before the model finished; retried. */
  STREAM_BROKEN: "stream_broken",
  /** No chunk for LLM_IDLE_TIMEOUT_MS; the attempt is aborted and retried. */
  STALL: "stall",
  /** A chunk that is not a valid `chat.completion.chunk`; retried. */
  MALFORMED: "malformed",
  /** HTTP 401/403 or no API key: a configuration error (OPENAI_API_KEY), never retried. */
  AUTH: "auth",
  /**
   * HTTP 404: no such endpoint or model, a configuration error (OPENAI_BASE_URL, LLM_MODEL); the
   * message names the URL called. Never retried.
   */
  CONFIG_ERROR: "config_error",
  /** HTTP 400 and other 4xx: the request itself is wrong, never retried. */
  BAD_REQUEST: "bad_request",
  /** The provider stopped with `finish_reason: "content_filter"`: never retried. */
  CONTENT_FILTER: "content_filter",
  /** Retries are exhausted; one more attempt follows on `fallback_model` (degraded mode). */
  FALLBACK: "fallback",
  /** The session object restarted while the agent ran; the agent restarts from scratch. */
  INTERRUPTED: "interrupted",
  /** The run was interrupted by restarts too often and is given up. */
  RESUME_LIMIT: "resume_limit",
  /**
   * A failure nothing classified: a bug. (A required agent failing the run is reported by the
   * supervisor with that agent's own `error_type`.)
   */
  AGENT_ERROR: "agent_error",
} as const;
export type ErrorType = (typeof ERROR_TYPES)[keyof typeof ERROR_TYPES];
