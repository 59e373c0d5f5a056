/**
 * Runs one generation inside the session: builds its context, executes the mode's pipeline, turns
 * the outcome (done, partial, failed, cancelled) into the terminal `run_complete`, and saves the
 * record. Knows nothing of HTTP or readers.
 */

import { errorMessage, errorType } from "../agents/failures";
import { finalAgentStates } from "../agents/final-states";
import { pipelineFor } from "../agents/pipelines";
import type { Pipeline, RunContext } from "../agents/run-context";
import type { RunRecord } from "../agents/run-record";
import type { Config } from "../env";
import type { LlmProvider } from "../llm/provider";
import { retryPolicy } from "../llm/retry";
import { modelFor } from "../llm/select-provider";
import {
  type AgentSummary,
  EVENT_TYPES,
  type EventDraft,
  MODES,
  RUN_STATUSES,
  type RunStatus,
  SUPERVISOR,
} from "../protocol/events";
import type { SessionStore } from "./session-store";

/** The reason given to the abort signal when a user cancels. */
export class RunCancelled extends Error {
  constructor() {
    super("run cancelled");
    this.name = "RunCancelled";
  }
}

export interface RunDeps {
  store: SessionStore;
  llm: LlmProvider;
  /** Model overrides and the retry policy. */
  config: Config;
  emit(runId: string, draft: EventDraft): void;
  /** Writes every event emitted so far to the log now (a checkpoint commits them with the run state). */
  flush(): void;
  /** Id of the newest logged event (the terminal one, right after it is emitted). */
  head(): number;
  now(): number;
  /** End the run at once as failed with this error, without running it (a run resumed too often). */
  failWith?: Error;
  /** Runs this instead of the mode's pipeline (the bench's synthetic source). */
  pipeline?: Pipeline;
}

export class ActiveRun {
  readonly record: RunRecord;
  readonly done: Promise<void>;
  #abort = new AbortController();
  #detached = false;

  constructor(record: RunRecord, deps: RunDeps) {
    this.record = record;
    this.done = this.#execute(deps);
  }

  cancel(): void {
    this.#abort.abort(new RunCancelled());
  }

  /** Cancels the run and cuts it off from storage: its session is being deleted. */
  detach(): void {
    this.#detached = true;
    this.cancel();
  }

  async #execute(deps: RunDeps): Promise<void> {
    const run = this.record;
    const emit = (draft: EventDraft) => {
      if (!this.#detached) deps.emit(run.run_id, draft);
    };
    const save = () => {
      if (this.#detached) return;
      // Same synchronous turn, so one storage commit: the log never lags (or leads) the checkpoint.
      deps.flush();
      deps.store.saveRun(run);
    };
    const ctx: RunContext = {
      run,
      signal: this.#abort.signal,
      llm: deps.llm,
      retry: retryPolicy(deps.config),
      modelFor: (agent) => modelFor(deps.config, deps.llm, agent),
      emit,
      checkpoint: save,
      history: () => deps.store.newestTurns(),
      historyChars: deps.config.loomiHistoryChars,
    };
    let status: RunStatus;
    try {
      if (deps.failWith) throw deps.failWith;
      const pipeline = deps.pipeline ?? pipelineFor(run.mode);
      const result = await pipeline(ctx);
      status = result.status;
      run.content = result.content;
      if (run.mode === MODES.LOOMI && !this.#detached) {
        deps.store.addTurn(run.run_id, "user", run.message);
        deps.store.addTurn(run.run_id, "assistant", result.content);
      }
    } catch (error) {
      if (this.#abort.signal.aborted) {
        status = RUN_STATUSES.CANCELLED;
      } else {
        status = RUN_STATUSES.FAILED;
        emit({
          event_type: EVENT_TYPES.ERROR,
          agent_source: SUPERVISOR,
          payload: { error: errorMessage(error), error_type: errorType(error), retry_count: 0, will_retry: false },
        });
      }
    }
    const agents: Record<string, AgentSummary> = {};
    run.agents = finalAgentStates(run.agents, status);
    for (const [name, state] of Object.entries(run.agents)) {
      agents[name] = { status: state.status, chars: state.text.length, model: state.model };
    }
    emit({
      event_type: EVENT_TYPES.RUN_COMPLETE,
      agent_source: SUPERVISOR,
      payload: { status, content: status === RUN_STATUSES.CANCELLED ? "" : run.content, agents },
    });
    run.status = status;
    run.finished_at = new Date(deps.now()).toISOString();
    run.end_event_id = deps.head();
    save();
  }
}
