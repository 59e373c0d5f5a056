/**
 * API error codes and their HTTP statuses: the one list, shared by the Worker and the session
 * object. Every error body on the wire is `{"error": {"code", "message"}}`.
 */

export const ERRORS = {
  bad_request: 400,
  invalid_body: 400,
  invalid_query: 400,
  invalid_resume_point: 400,
  invalid_session_id: 400,
  unauthorized: 401,
  forbidden: 403,
  /** Durable Streams: a newer epoch of this producer has written (zombie fencing); `Producer-Epoch` says which. */
  stale_producer_epoch: 403,
  not_found: 404,
  /** Durable Streams: a session read as a stream is read-only. */
  method_not_allowed: 405,
  run_active: 409,
  /** No run of the session waits for a review answer (or for this one: it was answered). */
  not_waiting: 409,
  /** A message for a run, and no run is active. */
  no_active_run: 409,
  /** The run has all the messages it takes (MAX_RUN_MESSAGES). */
  too_many_messages: 409,
  /** Durable Streams: the stream exists with another configuration, or its path is taken or blocked. */
  conflict: 409,
  /** Durable Streams: the stream is closed; `Stream-Closed` and `Stream-Next-Offset` say so. */
  stream_closed: 409,
  content_type_mismatch: 409,
  /** Durable Streams: `Stream-Seq` did not increase. */
  sequence_conflict: 409,
  /** Durable Streams: `Producer-Seq` skipped ahead; `Producer-Expected-Seq` says which comes next. */
  producer_sequence_gap: 409,
  /** Durable Streams: the stream was deleted while forks still use it. */
  gone: 410,
  payload_too_large: 413,
  /** The session stores MAX_LOG_BYTES_PER_SESSION already: a new run needs a new session. */
  session_full: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  rate_limited: 429,
  /** The user's runs have used MAX_TOKENS_PER_USER_PER_DAY today; `Retry-After` says until the next UTC midnight. */
  quota_exceeded: 429,
  not_configured: 503,
  /** A development-only configuration (the published dev secret, DEV_TOKENS) asked to serve another machine. */
  insecure_config: 503,
} as const;
export type ErrorCode = keyof typeof ERRORS;

/** A refusal carried as a value (across RPC) rather than thrown. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
}

export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

/** The JSON error body for a code and message. */
export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

/** A JSON error response. */
export function errorResponse(code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json(errorBody(code, message), { status: ERRORS[code], headers });
}
