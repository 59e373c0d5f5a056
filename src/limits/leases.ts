/**
 * Leases as their holders see them. A stream lease (one open SSE stream or WebSocket) and a run
 * lease (one active run) are taken by the Worker at admission (src/http/limits.ts) and then owned
 * by the session object, the one party that reliably sees a stream or a run end: it renews them
 * while they live and releases them when they end. If even the release is lost (the isolate died),
 * a lease expires on its own after its lifetime.
 */
import { logFailure } from "../log";
import { userLimitsStub } from "./user-limits-object";

/**
 * Lifetime of a run lease, ms. The session object renews it at every keepalive alarm, three times
 * per lifetime, so one late alarm does not drop a live run while a run whose object died stops
 * counting within a minute and a half.
 */
export const RUN_LEASE_MS = 90_000;

/** A lease held by the session object. */
export interface HeldLease {
  /** The lease's id at the user's limits object. */
  id: string;
  /** Renew at least this often while the lease is held, ms. */
  renewEveryMs: number;
  renew(): void;
  /** Extends the lease to last `ms` more (plus one lifetime): a paused run's, through its wait. */
  hold(ms: number): void;
  release(): void;
}

/**
 * What a session object does with the stream leases it holds (SSE streams and WebSockets): renew
 * and release them, several of one user at a time (one RPC to the user's object per batch).
 * Failures are logged, never thrown: a lease that is not renewed expires on its own.
 */
export interface StreamLeaseCalls {
  renew(userId: string, ids: readonly string[], ttlMs: number): void;
  /** Resolves once the user's object has it (or the call failed): a restarting object waits for it. */
  release(userId: string, ids: readonly string[]): Promise<void>;
}

/** The StreamLeaseCalls of the production object, on the users' limits objects. */
export function streamLeaseCalls(env: Env): StreamLeaseCalls {
  return {
    renew: (userId, ids, ttlMs) =>
      void userLimitsStub(env, userId).renewMany("stream", ids, ttlMs).catch(logFailure("stream lease renew failed")),
    release: (userId, ids) =>
      userLimitsStub(env, userId).releaseMany(ids).catch(logFailure("stream lease release failed")),
  };
}

/** The lease of run `runId` of `userId` (named by the run id). */
export function runLease(env: Env, userId: string, runId: string): HeldLease {
  const stub = () => userLimitsStub(env, userId);
  return {
    id: runId,
    renewEveryMs: RUN_LEASE_MS / 3,
    renew: () => void stub().renew("run", runId, RUN_LEASE_MS).catch(logFailure("run lease renew failed")),
    hold: (ms) =>
      void stub()
        .renew("run", runId, Math.max(0, ms) + RUN_LEASE_MS)
        .catch(logFailure("run lease renew failed")),
    release: () => void stub().release(runId).catch(logFailure("run lease release failed")),
  };
}
