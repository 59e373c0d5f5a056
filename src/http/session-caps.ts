/**
 * The Worker's side of the caps on sessions: the session lease a creating run start asks for
 * (admitted with the run, src/http/limits.ts), its release once a session is deleted, and the
 * audit of a start refused because its session stores too much (src/session/storage-cap.ts).
 */
import type { Context } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import type { Config } from "../env";
import { sessionLeaseMs } from "../limits/session-leases";
import { LIMITS, type RunRequest } from "../limits/user-limits";
import { userLimitsStub } from "../limits/user-limits-object";
import { logError } from "../log";
import type { Failure } from "../protocol/errors";
import type { AppEnv } from "./app-env";

/** The lease a run start that creates session `sessionId` takes, counted against MAX_SESSIONS_PER_USER. */
export function newSessionLease(config: Config, sessionId: string): NonNullable<RunRequest["newSession"]> {
  return { id: sessionId, max: config.maxSessionsPerUser, ttlMs: sessionLeaseMs(config.sessionTtlSeconds) };
}

/**
 * Gives back the lease of a session its object has just deleted. Awaited, so the `204` means the
 * slot is free; if the call fails the delete still stands and the lease lapses on its own.
 */
export async function releaseDeletedSession(c: Context<AppEnv>, sessionId: string): Promise<void> {
  try {
    await userLimitsStub(c.env, c.get("userId")).release(sessionId);
  } catch (error) {
    logError("session lease release failed", error);
  }
}

/** Audits a run start the session refused because it stores its limit already. */
export function auditRefusedStart(c: Context<AppEnv>, refusal: Failure, sessionId: string): void {
  if (refusal.code !== "session_full") return;
  audit(AUDIT_EVENTS.LIMIT_HIT, {
    user_id: c.get("userId"),
    session_id: sessionId,
    limit: LIMITS.LOG_BYTES_PER_SESSION,
  });
}
