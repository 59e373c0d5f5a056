/**
 * What the session object does when a run ends, stays alive, stalls or its session expires:
 * keep the run's lease in step with the run (src/limits/leases.ts) and audit. Only the session
 * object sees a detached run end, so "run finished" is audited here.
 */
import { AUDIT_EVENTS, audit } from "../audit";
import { runLease } from "../limits/leases";
import type { SessionHost } from "./session-types";

/** The SessionHost hooks of the production object. */
export function runHooks(env: Env): Pick<SessionHost, "onRunEnd" | "onRunAlive" | "onExpired" | "onRunStalled"> {
  return {
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
    },
    onRunEnd(run, owner) {
      audit(AUDIT_EVENTS.RUN_FINISHED, {
        user_id: owner.userId,
        session_id: owner.sessionId,
        run_id: run.run_id,
        status: run.status,
      });
      if (owner.userId) runLease(env, owner.userId, run.run_id).release();
    },
    onRunAlive(run, owner) {
      if (owner.userId) runLease(env, owner.userId, run.run_id).renew();
    },
  };
}
