/**
 * The Worker's side of the per-user limits: admission at the user's object (429 with Retry-After
 * when refused). A stream lease (an SSE stream or a WebSocket) is then handed to the session
 * object, which holds it while the connection lives (src/session/lease-registry.ts) and releases
 * it when it ends; if even the release is lost (the isolate died), the lease expires on its own.
 */
import type { Context } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import type { Config } from "../env";
import { RUN_LEASE_MS } from "../limits/leases";
import { type Admission, LIMITS, type LimitName } from "../limits/user-limits";
import { userLimitsStub } from "../limits/user-limits-object";
import { logFailure } from "../log";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { newSessionLease } from "./session-caps";

const DESCRIPTIONS: Record<LimitName, string> = {
  [LIMITS.STREAMS_PER_USER]: "open event streams for this user",
  [LIMITS.STREAMS_PER_SESSION]: "open event streams on this session",
  [LIMITS.RUNS_PER_USER]: "active runs for this user",
  [LIMITS.RUN_RATE]: "run starts in a short time for this user",
  [LIMITS.SESSIONS_PER_USER]: "live sessions for this user",
  [LIMITS.LOG_BYTES_PER_SESSION]: "bytes stored in this session",
  [LIMITS.TOKENS_PER_DAY]: "tokens used today (UTC) by this user's runs",
  [LIMITS.DURABLE_STREAMS_PER_USER]: "Durable Streams for this user",
  [LIMITS.STREAM_APPEND_RATE]: "Durable Streams appends in a short time for this user",
};

/** Runs `work` past the response when the platform allows (waitUntil), logging any failure. */
function background(c: Context<AppEnv>, work: Promise<unknown>): void {
  const logged = work.catch(logFailure("lease call failed"));
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    // No execution context (the app called directly): the promise still runs.
  }
}

/** Audits a refusal and throws the 429. */
export function refuse(c: Context<AppEnv>, refusal: Exclude<Admission, { ok: true }>, sessionId?: string): never {
  audit(AUDIT_EVENTS.LIMIT_HIT, { user_id: c.get("userId"), session_id: sessionId, limit: refusal.limit });
  if (refusal.limit === LIMITS.TOKENS_PER_DAY) {
    throw new ApiError(
      "quota_exceeded",
      `daily token quota used up (${refusal.max} ${DESCRIPTIONS[refusal.limit]}); it resets at the next UTC midnight, in ${refusal.retryAfterSeconds} s`,
      { "Retry-After": String(refusal.retryAfterSeconds) },
    );
  }
  throw new ApiError(
    "rate_limited",
    `too many ${DESCRIPTIONS[refusal.limit]} (limit ${refusal.max}); retry after ${refusal.retryAfterSeconds} s`,
    { "Retry-After": String(refusal.retryAfterSeconds) },
  );
}

/** Takes a stream lease for the user, or throws 429. Returns the lease id. */
export async function admitStream(c: Context<AppEnv>, config: Config, sessionId?: string): Promise<string> {
  const leaseId = crypto.randomUUID();
  const stub = userLimitsStub(c.env, c.get("userId"));
  const admission = await stub.acquire("stream", leaseId, config.maxStreamsPerUser, config.streamLeaseSeconds * 1000);
  if (!admission.ok) refuse(c, admission, sessionId);
  return leaseId;
}

/**
 * Rate check, then the lease of the session the start creates (`newSessionId`, when it creates
 * one), then the run lease (named `runId`) for the user, or throws 429.
 */
export async function admitRun(
  c: Context<AppEnv>,
  config: Config,
  runId: string,
  sessionId?: string,
  newSessionId?: string,
): Promise<void> {
  const admission = await userLimitsStub(c.env, c.get("userId")).startRun({
    runId,
    maxRuns: config.maxRunsPerUser,
    ttlMs: RUN_LEASE_MS,
    rate: { perMinute: config.runRatePerMinute, burst: config.runBurst },
    newSession: newSessionId === undefined ? undefined : newSessionLease(config, newSessionId),
    maxTokensPerDay: config.maxTokensPerUserPerDay,
  });
  if (!admission.ok) refuse(c, admission, sessionId);
}

/** Gives a lease back (in the background: the answer does not wait for it). */
export function releaseLease(c: Context<AppEnv>, leaseId: string): void {
  background(c, userLimitsStub(c.env, c.get("userId")).release(leaseId));
}

/**
 * Opens an event stream or a WebSocket under the stream lease `leaseId`. The session object owns
 * the lease once it has the request (it alone reliably sees the connection end); the Worker gives
 * it back only when the object could not be reached at all.
 */
export async function openLeasedStream(
  c: Context<AppEnv>,
  leaseId: string,
  open: (leaseId: string) => Promise<Response>,
): Promise<Response> {
  try {
    return await open(leaseId);
  } catch (error) {
    releaseLease(c, leaseId);
    throw error;
  }
}
