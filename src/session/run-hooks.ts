/**
 * What the session object does when a run ends, stays alive, stalls or its session is extended or
 * expires: keep the run's lease and the session's lease in step with them (src/limits/leases.ts,
 * src/limits/session-leases.ts), count a finished run's tokens and record its metrics, and audit.
 * Only the session object sees a detached run end, so "run finished" is audited here.
 */
import { runUsage } from "../agents/token-usage";
import { AUDIT_EVENTS, audit } from "../audit";
import { loadConfig } from "../env";
import { runLease } from "../limits/leases";
import { sessionLease } from "../limits/session-leases";
import { userLimitsStub } from "../limits/user-limits-object";
import { logFailure } from "../log";
import { type MetricsBindings, recordRunMetrics } from "./run-metrics-sink";
import type { SessionHost } from "./session-types";
import { storedBytes } from "./storage-cap";

/** The SessionHost hooks of the production object. */
export function runHooks(
  env: Env & MetricsBindings,
  defaultModel: string,
): Pick<SessionHost, "onRunEnd" | "onRunAlive" | "onRunPaused" | "onExpired" | "onRunStalled"> {
  return {
    onRunPaused(run, owner, waitMs) {
      // A paused run still counts as the user's active run; no alarm renews its lease until the wait ends.
      if (owner.userId) runLease(env, owner.userId, run.run_id).hold(waitMs);
    },
    onRunStalled(run, owner, silentMs) {
      audit(AUDIT_EVENTS.RUN_STALLED, {
        user_id: owner.userId,
        session_id: owner.sessionId,
        run_id: run.run_id,
        reason: `no event for ${Math.round(silentMs / 1000)} s; restarting the session object`,
      });
    },
    onExpired(owner) {
      audit(AUDIT_EVENTS.SESSION_EXPIRED, { user_id: owner.userId, session_id: owner.sessionId });
      if (owner.userId && owner.sessionId) {
        sessionLease(env, owner.userId, owner.sessionId, loadConfig(env).sessionTtlSeconds).release();
      }
    },
    onRunEnd(run, session) {
      // The run's lease and tokens are its starter's (an editor's, in a shared session).
      const owner = { ...session, userId: run.started_by ?? session.userId };
      audit(AUDIT_EVENTS.RUN_FINISHED, {
        user_id: owner.userId,
        session_id: owner.sessionId,
        run_id: run.run_id,
        status: run.status,
      });
      if (owner.userId) runLease(env, owner.userId, run.run_id).release();
      recordRunMetrics(env, run, owner, defaultModel);
      // Counted once the run is over, so a run that crosses the quota mid-way finishes.
      const tokens = runUsage(run.agents).total_tokens;
      if (owner.userId && tokens > 0) {
        userLimitsStub(env, owner.userId).addTokens(tokens).catch(logFailure("token count failed"));
      }
    },
    onRunAlive(run, owner) {
      const starter = run.started_by ?? owner.userId;
      if (starter) runLease(env, starter, run.run_id).renew();
    },
  };
}

/** Renews the session's lease, with what it stores, whenever its life is extended. */
export function sessionHooks(env: Env, sql: SqlStorage): Pick<SessionHost, "onActive"> {
  return {
    onActive(owner) {
      if (!owner.userId || !owner.sessionId) return;
      sessionLease(env, owner.userId, owner.sessionId, loadConfig(env).sessionTtlSeconds).renew(storedBytes(sql));
    },
  };
}
