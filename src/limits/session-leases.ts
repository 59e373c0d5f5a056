/**
 * Session leases as their holders see them. The Worker takes one, named by the session id, when a
 * run start creates a session (src/http/limits.ts); from then on the session object keeps it in
 * step with the session: renewed whenever the session's expiry moves out (any activity) and at
 * every keepalive of a run, released when the session expires. A `DELETE` releases it in the
 * Worker once the object has deleted the session. If a release is lost, the lease still lapses a
 * little after the session would have expired.
 */
import { logFailure } from "../log";
import { userLimitsStub } from "./user-limits-object";

/**
 * How long a session lease outlives the session's own expiry, ms. The expiry alarm deletes the
 * session and releases the lease; a failing alarm is retried with backoff (up to six retries
 * within about two minutes), so five minutes keep the lease counted until the deletion is done.
 */
export const SESSION_LEASE_GRACE_MS = 5 * 60_000;

/** Lifetime of a session lease from its last renewal, ms: the session's idle TTL plus the grace. */
export function sessionLeaseMs(sessionTtlSeconds: number): number {
  return sessionTtlSeconds * 1000 + SESSION_LEASE_GRACE_MS;
}

/** The lease of a live session, held by its object. */
export interface SessionLease {
  /** Extends it by a full lifetime and reports the session's stored bytes (shown by GET /usage). */
  renew(bytes: number): void;
  release(): void;
}

/** The lease of session `sessionId` of `userId`, renewed for `sessionLeaseMs(sessionTtlSeconds)` at a time. */
export function sessionLease(env: Env, userId: string, sessionId: string, sessionTtlSeconds: number): SessionLease {
  const stub = () => userLimitsStub(env, userId);
  const ttlMs = sessionLeaseMs(sessionTtlSeconds);
  return {
    renew: (bytes) =>
      void stub().renew("session", sessionId, ttlMs, bytes).catch(logFailure("session lease renew failed")),
    release: () => void stub().release(sessionId).catch(logFailure("session lease release failed")),
  };
}
