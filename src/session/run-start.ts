/**
 * Starting a run: the checks that may refuse it, then what it writes (its record and its
 * `run_start`, a new session's metadata, the session's activity) in one transaction. The checks
 * come first, so a refused request writes nothing.
 */
import { planFor } from "../agents/pipelines";
import { newRunRecord, type RunRecord } from "../agents/run-record";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES, SUPERVISOR } from "../protocol/events";
import type { SessionStore } from "./session-store";
import type { StartInput, Stores } from "./session-types";

/** Why `input` may not start a run in a session owned by `owner` (undefined: no such session yet). */
export function refuseStart(input: StartInput, owner: string | undefined, activeRunId?: string): Failure | undefined {
  if (owner === undefined ? !input.create : owner !== input.userId) return failure("not_found", "session not found");
  if (activeRunId !== undefined) return failure("run_active", `run ${activeRunId} is still active in this session`);
  return undefined;
}

/** What the session lends a run start. */
export interface RunStartContext {
  now: number;
  /** Model named in `run_start`. */
  model: string;
  /** Records the session's activity and sets its alarm (session-lifetime.ts), inside the transaction. */
  touch(store: SessionStore): void;
}

/**
 * Writes a run's start in `stores` (`fresh`: a new session, whose metadata goes with it); returns
 * the stores and the run's record, whose `first_event_id` is its `run_start`'s id.
 */
export function startRunIn(
  stores: Stores,
  input: StartInput,
  fresh: boolean,
  context: RunStartContext,
): { stores: Stores; record: RunRecord } {
  const { store, log, writer } = stores;
  // Nothing should be pending between runs; if something is, it goes first so the ids are exact.
  writer.flush();
  const record = newRunRecord(input, log.head + 1, context.now);
  const runStart = {
    event_type: EVENT_TYPES.RUN_START,
    agent_source: SUPERVISOR,
    payload: { mode: input.mode, model: context.model, agents: planFor(input.mode, input.message) },
  };
  writer.emitAndCommit(record.run_id, runStart, () => {
    if (fresh) {
      store.setMeta("session_id", input.sessionId);
      store.setMeta("owner", input.userId);
      store.setMeta("created_at", new Date(context.now).toISOString());
    }
    store.insertRun(record);
    context.touch(store);
  });
  return { stores, record };
}
