/**
 * What an agent pipeline gets from the session: a way to emit events for its run, the model to
 * call, the run's checkpoint state and the cancel signal. Pipelines never touch storage directly.
 */

import type { LlmProvider } from "../llm/provider";
import type { RetryPolicy } from "../llm/retry";
import type { EventDraft, RunStatus } from "../protocol/events";
import type { ChatTurn } from "./history-budget";
import type { AgentSettings, ModelDefaults } from "./run-options";
import type { RunRecord } from "./run-record";

export interface RunContext {
  readonly run: RunRecord;
  readonly signal: AbortSignal;
  readonly llm: LlmProvider;
  /** How failed LLM attempts are retried (and the fallback model). */
  readonly retry: RetryPolicy;
  /** The operator's models (LLM_MODEL, LLM_MODEL_<AGENT>): what an agent runs on unless the run's options say otherwise. */
  readonly models: ModelDefaults;
  emit(draft: EventDraft): void;
  /**
   * Persists the run's state (after an agent finishes) so a restart resumes from here. Writes the
   * events emitted so far in the same storage batch, so the log never lags the checkpoint.
   */
  checkpoint(): void;
  /**
   * Earlier Loomi turns of the session, newest first, read lazily: a caller that stops early
   * reads no older ones (see history-budget.ts).
   */
  history(): Iterable<ChatTurn>;
  /** Most characters of earlier turns one upstream request may carry (LOOMI_HISTORY_CHARS). */
  readonly historyChars: number;
}

/** A role in a pipeline: one LLM call with its own prompt. */
export interface AgentSpec {
  name: string;
  /** Shown in `agent_start` as `task_description`. */
  task: string;
  /** The role prompt. */
  system: string;
  /** A failure of a required agent fails the run; an optional one only makes it partial. */
  required: boolean;
  /** Model and sampling settings of its calls (run-options.ts). */
  settings: AgentSettings;
}

/** How a run's body ended: with a status and content, or paused for a review of agent `awaiting`. */
export type PipelineOutcome = { status: RunStatus; content: string } | { awaiting: string };

/** A run's body: what the agents do, and how the run ended. */
export type Pipeline = (ctx: RunContext) => Promise<PipelineOutcome>;
