/**
 * Resuming a run after the session object restarted mid-run (eviction, crash, deploy). The run's
 * checkpoint says which agents finished; the log says which ones had started and how much of
 * their text clients have seen. Each agent cut off gets an `interrupted` error that discards its
 * logged text, so the restarted agent's output replaces it exactly; finished agents are not redone.
 */

import type { RunRecord } from "../agents/run-record";
import { ERROR_TYPES, EVENT_TYPES, type EventDraft, type StreamEvent } from "../protocol/events";
import { reconstructTexts } from "../protocol/reconstruct";
import type { EventLog } from "./event-log";
import type { EventWriter } from "./event-writer";
import type { SessionStore } from "./session-store";

/**
 * Restarts a run survives. One more fails it: a run that keeps dying with its object may be what
 * kills it, and each restart costs the user a wait.
 */
export const MAX_RUN_RESUMES = 3;

/** Thrown into a run resumed once too often: it fails with this as its error. */
export class ResumeLimitError extends Error {
  readonly errorType = ERROR_TYPES.RESUME_LIMIT;
  constructor(resumes: number) {
    super(`the session restarted ${resumes} times during this run (at most ${MAX_RUN_RESUMES} are resumed)`);
    this.name = "ResumeLimitError";
  }
}

/** An agent that had started but not finished when the object stopped. */
export interface InterruptedAgent {
  agent: string;
  /** Its text as clients reconstruct it from the log: what the interrupted event discards. */
  discarded: number;
  /** Failed attempts of it already in the log (informational `retry_count`). */
  failedAttempts: number;
}

export interface RecoveryPlan {
  interrupted: InterruptedAgent[];
  /** The run has now been resumed more than MAX_RUN_RESUMES times: fail it instead. */
  giveUp: boolean;
}

/** Plans the resume of `run` from its checkpoint and its logged events (pure). */
export function planRecovery(
  run: RunRecord,
  events: readonly StreamEvent[],
  maxResumes = MAX_RUN_RESUMES,
): RecoveryPlan {
  const started = new Set<string>();
  /** Per agent, the newest attempt whose agent_start is logged. */
  const announced = new Map<string, number>();
  const failedAttempts = new Map<string, number>();
  for (const event of events) {
    if (event.event_type === EVENT_TYPES.AGENT_START) {
      started.add(event.agent_source);
      announced.set(event.agent_source, event.payload.attempt ?? 1);
    }
    if (event.event_type === EVENT_TYPES.ERROR && event.payload.error_type !== ERROR_TYPES.FALLBACK) {
      failedAttempts.set(event.agent_source, (failedAttempts.get(event.agent_source) ?? 0) + 1);
    }
  }
  // The checkpoint is committed together with the log, so it is the truth about what finished.
  for (const [agent, state] of Object.entries(run.agents)) {
    if (state.status === "running") started.add(agent);
  }
  const texts = reconstructTexts(events);
  const interrupted = [...started]
    .filter((agent) => {
      const state = run.agents[agent];
      // A revision a review asked for whose agent_start is not logged yet has not started: it stays pending.
      if (state?.status === "pending" && (state.attempt ?? 1) > (announced.get(agent) ?? 0)) return false;
      return state?.status !== "completed" && state?.status !== "failed";
    })
    .map((agent) => ({
      agent,
      discarded: texts[agent]?.length ?? 0,
      failedAttempts: failedAttempts.get(agent) ?? 0,
    }));
  return { interrupted, giveUp: run.resumes + 1 > maxResumes };
}

export interface RecoveryDeps {
  /** The run's logged events, in order. */
  events(): StreamEvent[];
  emit(draft: EventDraft): void;
  /** Writes the emitted events and the run record in one storage commit. */
  commit(): void;
}

/**
 * Prepares an unfinished run to run again: counts the resume, reports every interrupted agent and
 * marks it to restart (or failed, when giving up), and commits. Returns the error the run must
 * fail with when it was resumed too often, else undefined (run the pipeline; it skips finished agents).
 */
export function recoverRun(run: RunRecord, deps: RecoveryDeps): ResumeLimitError | undefined {
  const plan = planRecovery(run, deps.events());
  run.resumes += 1;
  for (const { agent, discarded, failedAttempts } of plan.interrupted) {
    const { model, attempt, revision, retried } = run.agents[agent] ?? {};
    deps.emit({
      event_type: EVENT_TYPES.ERROR,
      agent_source: agent,
      payload: {
        error: plan.giveUp
          ? `${agent} was interrupted by a session restart; the run is given up`
          : `${agent} was interrupted by a session restart; it starts again`,
        error_type: ERROR_TYPES.INTERRUPTED,
        retry_count: failedAttempts,
        will_retry: !plan.giveUp,
        discarded_chars: discarded,
        ...(model ? { model } : {}),
      },
    });
    // `running` with no text tells the agent runner to restart it without a second agent_start
    // (a revision a review asked for stays one: same attempt, same feedback).
    const kept = { ...(attempt ? { attempt } : {}), ...(revision ? { revision, retried } : {}) };
    run.agents[agent] = { status: plan.giveUp ? "failed" : "running", text: "", model, ...kept };
  }
  deps.commit();
  return plan.giveUp ? new ResumeLimitError(run.resumes) : undefined;
}

/**
 * Finds the run the previous instance left `running` and prepares it to run again; undefined when
 * there is none. The caller launches it (with `failWith` when it must fail instead).
 */
export function prepareResume(parts: {
  store: SessionStore;
  log: EventLog;
  writer: EventWriter;
}): { record: RunRecord; failWith: Error | undefined } | undefined {
  const { store, log, writer } = parts;
  const record = store.findUnfinishedRun();
  if (!record) return undefined;
  const failWith = recoverRun(record, {
    events: () => log.readRun(record.run_id).map((row) => JSON.parse(row.json) as StreamEvent),
    emit: (draft) => writer.emit(record.run_id, draft),
    commit: () => writer.commit(() => store.saveRun(record)),
  });
  return { record, failWith };
}
