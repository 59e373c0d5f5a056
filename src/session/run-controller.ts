/**
 * Runs one generation inside the session: builds its context, executes the mode's pipeline, turns
 * the outcome (done, partial, failed, cancelled) into the terminal `run_complete`, and commits it
 * with the record. Knows nothing of HTTP or readers. A checkpoint that cannot be stored stops the
 * run where it is: `done` rejects with the storage error, and the session restarts its object so
 * the next instance resumes from what storage holds.
 */

import { errorMessage, errorType } from "../agents/failures";
import { finalAgentStates } from "../agents/final-states";
import { isConversational, pipelineFor } from "../agents/pipelines";
import type { Pipeline, PipelineOutcome, RunContext } from "../agents/run-context";
import type { ModelDefaults } from "../agents/run-options";
import type { RunRecord } from "../agents/run-record";
import { runUsage } from "../agents/token-usage";
import type { Config } from "../env";
import type { LlmProvider } from "../llm/provider";
import { retryPolicy } from "../llm/retry";
import {
  type AgentSummary,
  EVENT_TYPES,
  type EventDraft,
  RUN_STATUSES,
  type RunStatus,
  SUPERVISOR,
} from "../protocol/events";
import { inlineText, textDigest } from "../protocol/text-digest";
import type { EventWriter } from "./event-writer";
import { awaitingDraft } from "./review-answers";
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
  /**
   * Where the run's events go: `emit` queues one; `commit(write)` writes every event emitted so
   * far, then `write`'s writes, in one storage transaction (a checkpoint); `emitAndCommit` does
   * both for the terminal event.
   */
  events: Pick<EventWriter, "emit" | "commit" | "emitAndCommit">;
  /** Id of the newest logged event (inside the terminal commit's write: the terminal event's). */
  head(): number;
  now(): number;
  /** End the run at once as failed with this error, without running it (a run resumed too often). */
  failWith?: Error;
  /** Runs this instead of the mode's pipeline (the bench's synthetic source). */
  pipeline?: Pipeline;
  /** End the run at once with this status, without running it (a paused run cancelled or timed out). */
  endAs?: RunStatus;
}

/** How a run's execution stopped: it ended (`run_complete` logged), or it paused for a review. */
export type RunOutcome = "ended" | "paused";

/** The operator's models (LLM_MODEL through the provider's default, LLM_MODEL_<AGENT>), as runs resolve them. */
export function modelDefaults(config: Config, llm: LlmProvider): ModelDefaults {
  return { defaultModel: llm.defaultModel, agentModels: config.llmAgentModels };
}

export class ActiveRun {
  readonly record: RunRecord;
  /** Settles when the run ended or paused; rejects with the storage error that stopped it, if one did. */
  readonly done: Promise<RunOutcome>;
  #abort = new AbortController();
  #detached = false;
  #broken: { error: unknown } | undefined;

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

  /** False once the run is cut off from storage (deleted session, or a commit that failed). */
  #writes(): boolean {
    return !this.#detached && this.#broken === undefined;
  }

  /** Runs a commit; if it fails, nothing more of this run is written, and its agents are stopped. */
  #commit(commit: () => void): void {
    if (!this.#writes()) return;
    try {
      commit();
    } catch (error) {
      this.#broken = { error };
      this.#abort.abort(error);
      throw error;
    }
  }

  async #execute(deps: RunDeps): Promise<RunOutcome> {
    const run = this.record;
    const emit = (draft: EventDraft) => {
      if (this.#writes()) deps.events.emit(run.run_id, draft);
    };
    const ctx: RunContext = {
      run,
      signal: this.#abort.signal,
      llm: deps.llm,
      retry: retryPolicy(deps.config),
      models: modelDefaults(deps.config, deps.llm),
      emit,
      checkpoint: () => this.#commit(() => deps.events.commit(() => deps.store.saveRun(run))),
      history: () => deps.store.newestTurns(),
      historyChars: deps.config.loomiHistoryChars,
    };
    let status: RunStatus;
    let answered = false;
    let awaiting: string | undefined;
    try {
      if (deps.failWith) throw deps.failWith;
      const result: PipelineOutcome = deps.endAs
        ? { status: deps.endAs, content: "" }
        : await (deps.pipeline ?? pipelineFor(run.mode))(ctx);
      if ("awaiting" in result) {
        awaiting = result.awaiting;
        status = RUN_STATUSES.COMPLETED;
      } else {
        status = result.status;
        run.content = result.content;
        answered = deps.endAs === undefined;
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
    // A pipeline may swallow a failed checkpoint (an optional agent's): the run stops all the same.
    if (this.#broken) throw this.#broken.error;
    if (awaiting !== undefined) return this.#pause(deps, awaiting);
    const agents: Record<string, AgentSummary> = {};
    run.agents = finalAgentStates(run.agents, status);
    for (const [name, state] of Object.entries(run.agents)) {
      agents[name] = { status: state.status, chars: state.text.length, model: state.model };
    }
    const content = status === RUN_STATUSES.CANCELLED ? "" : run.content;
    const terminal: EventDraft = {
      event_type: EVENT_TYPES.RUN_COMPLETE,
      agent_source: SUPERVISOR,
      // Like agent_complete: a long content is only identified, the agents' chunks carry it.
      payload: {
        status,
        content: inlineText(content),
        content_chars: content.length,
        content_digest: textDigest(content),
        agents,
        usage: runUsage(run.agents),
      },
    };
    run.status = status;
    run.finished_at = new Date(deps.now()).toISOString();
    // The terminal event, the conversation's new turns and the final record: all stored, or none.
    this.#commit(() =>
      deps.events.emitAndCommit(run.run_id, terminal, () => {
        if (answered && isConversational(run.mode)) {
          deps.store.addTurn(run.run_id, "user", run.message);
          deps.store.addTurn(run.run_id, "assistant", run.content);
        }
        run.end_event_id = deps.head();
        deps.store.saveRun(run);
      }),
    );
    return "ended";
  }

  /** Pauses the run for a review of `agent`: its `awaiting_input` and the checkpoint that holds the wait. */
  #pause(deps: RunDeps, agent: string): RunOutcome {
    const run = this.record;
    const draft = awaitingDraft(run, agent, deps.now(), deps.config.reviewTimeoutSeconds * 1000);
    const { attempt, expires_at } = draft.payload;
    run.status = "awaiting_input";
    this.#commit(() =>
      deps.events.emitAndCommit(run.run_id, draft, () => {
        run.wait = { agent, attempt, event_id: deps.head(), expires_at };
        deps.store.saveRun(run);
      }),
    );
    return "paused";
  }
}
