/**
 * The session object's side of the per-user run limit: a run's lease (named by its run id, taken
 * by the Worker before the run starts) is renewed at every keepalive of the run and released when
 * the run ends, whatever the ending. Also where "run finished" is audited: only the session object
 * sees a detached run end.
 */
import { AUDIT_EVENTS, audit } from "../audit";
import { KEEPALIVE_MS, type SessionHost } from "../session/session";
import { userLimitsStub } from "./user-limits-object";

/**
 * Lifetime of a run lease, ms: three keepalives, so one late alarm does not drop a live run, while
 * a run whose object died stops counting within a minute and a half.
 */
export const RUN_LEASE_MS = 3 * KEEPALIVE_MS;

function report(what: string) {
  return (error: unknown) => console.error(JSON.stringify({ level: "error", msg: what, error: String(error) }));
}

/** The SessionHost hooks that keep a run's lease in step with the run. */
export function runLeaseHooks(env: Env): Pick<SessionHost, "onRunEnd" | "onRunAlive" | "onExpired" | "onRunStalled"> {
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
      if (!owner.userId) return;
      userLimitsStub(env, owner.userId).release(run.run_id).catch(report("run lease release failed"));
    },
    onRunAlive(run, owner) {
      if (!owner.userId) return;
      userLimitsStub(env, owner.userId).renew("run", run.run_id, RUN_LEASE_MS).catch(report("run lease renew failed"));
    },
  };
}
