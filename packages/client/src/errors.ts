/**
 * What can go wrong while following a run, as error classes with a machine-readable `code`, and
 * which of them the client retries by itself.
 */

/** Kinds of client failure. */
export type ClientErrorCode =
  /** The server answered with an HTTP error status. */
  | "http"
  /** The connection failed, broke off, went silent, or ended before the run's last event. */
  | "network"
  /** The server sent something the protocol does not allow (bad JSON, missing ids). */
  | "protocol"
  /** The text rebuilt from the stream differs from the server's final text. */
  | "integrity"
  /** Reconnecting failed too many times in a row. */
  | "gave_up"
  /** The server is idle and has no more events, yet the run never completed. */
  | "incomplete"
  /** The app closed the stream. */
  | "closed"
  /** The caller's access to the session ended (removed from it, or its share link revoked): final. */
  | "revoked";

export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ClientError";
  }
}

/** A non-success HTTP answer; `apiCode` is the `error.code` of the service's JSON error body. */
export class HttpError extends ClientError {
  constructor(
    readonly status: number,
    message: string,
    readonly apiCode?: string,
    /** From `Retry-After`, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super("http", message);
    this.name = "HttpError";
  }
}

/** One difference found by the integrity check. */
export interface IntegrityMismatch {
  /** The agent concerned, or undefined for the run's final content. */
  agent?: string;
  /** What was compared. */
  check: "agent_complete_text" | "agent_complete_digest" | "summary_chars" | "run_content";
  expected: string | number;
  actual: string | number;
}

/** The reconstructed texts do not match what the server announced as final. */
export class IntegrityError extends ClientError {
  constructor(readonly mismatches: IntegrityMismatch[]) {
    const where = mismatches.map((m) => `${m.check}${m.agent ? `(${m.agent})` : ""}`).join(", ");
    super("integrity", `reconstructed run differs from the server's final text: ${where}`);
    this.name = "IntegrityError";
  }
}

/** HTTP statuses worth retrying: timeouts, rate limits and server-side failures. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True when trying again later may succeed. */
export function isRetryable(error: ClientError): boolean {
  // A daily token quota frees only at the next UTC midnight: no client should wait that out.
  if (error instanceof HttpError && error.apiCode === "quota_exceeded") return false;
  if (error instanceof HttpError) return RETRYABLE_STATUS.has(error.status);
  // A protocol error would come back identically on replay, so it is final.
  return error.code === "network";
}

/** Wraps anything thrown into a ClientError; unknown failures (fetch's TypeError) count as network errors. */
export function toClientError(error: unknown): ClientError {
  if (error instanceof ClientError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ClientError("network", message || "connection failed", { cause: error });
}
