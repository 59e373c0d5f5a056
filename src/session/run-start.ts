/**
 * Starting a run: the checks that may refuse it, then what it writes (its record and its
 * `run_start`, a new session's metadata, the session's activity) in one transaction. The checks
 * come first, so a refused request writes nothing.
 */
import { findPipeline, planFor } from "../agents/pipelines";
import type { ModelDefaults } from "../agents/run-options";
import { newRunRecord, type RunRecord } from "../agents/run-record";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES, SUPERVISOR } from "../protocol/events";
import type { Role } from "../protocol/roles";
import { ACTIONS, authorize } from "./access";
import type { SessionStore } from "./session-store";
import type { StartInput, Stores } from "./session-types";

/**
 * Why `input` may not start a run in the session, where the starter has `existing.role` (no
 * `existing`: no such session yet, which only a start that may create it creates).
 */
export function refuseStart(
  input: StartInput,
  existing: { role: Role | undefined } | undefined,
  active?: { run_id: string },
): Failure | undefined {
  if (!existing && !input.create) return failure("not_found", "session not found");
  const refused = existing && authorize(existing.role, ACTIONS.START_RUN);
  if (refused) return refused;
  if (active) return failure("run_active", `run ${active.run_id} is still active in this session`);
  if (!findPipeline(input.mode)) return failure("not_found", `no pipeline named ${JSON.stringify(input.mode)}`);
  return undefined;
}

/** What the session lends a run start. */
export interface RunStartContext {
  now: number;
  /** The operator's models: what the plan's agents run on unless the options say otherwise. */
  models: ModelDefaults;
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
  const record = { ...newRunRecord(input, log.head + 1, context.now), started_by: input.userId };
  const runStart = {
    event_type: EVENT_TYPES.RUN_START,
    agent_source: SUPERVISOR,
    payload: {
      mode: input.mode,
      model: typeof input.options.model === "string" ? input.options.model : context.models.defaultModel,
      agents: planFor(input.mode, input.message, input.options, context.models),
      options: input.options,
    },
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
