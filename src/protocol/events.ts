/**
 * The one definition of the event envelope streamed to clients and stored in the session log.
 * Both the server and the browser client import from here; nothing else spells an event type.
 */
import type { MemberAddedPayload, MemberRemovedPayload } from "./member-events";

export type { MemberAddedPayload, MemberRemovedPayload } from "./member-events";

import type { AwaitingInputPayload, InputPayload, UserMessagePayload } from "./interaction-events";

export * from "./interaction-events";

/** Every event type on the wire. */
export const EVENT_TYPES = {
  RUN_START: "run_start",
  AGENT_START: "agent_start",
  LLM_CHUNK: "llm_chunk",
  AGENT_COMPLETE: "agent_complete",
  PROGRESS: "progress",
  ERROR: "error",
  RUN_COMPLETE: "run_complete",
  /** A member was added to the session or their role changed (docs/sharing.md). */
  MEMBER_ADDED: "member_added",
  /** A member was removed from the session. */
  MEMBER_REMOVED: "member_removed",
  /** The run paused for a person's review of one agent's output (docs/interaction.md). */
  AWAITING_INPUT: "awaiting_input",
  /** A person answered a review: approve, revise or edit, with who did it. */
  INPUT: "input",
  /** A person added a message to a running run: agents that start after it read it. */
  USER_MESSAGE: "user_message",
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** The seed's two pipelines (`POST /novachat`, `POST /loomichat`); `GET /pipelines` lists every registered one. */
export const MODES = { NOVA3: "nova3", LOOMI: "loomi" } as const;
/** A run's pipeline: the name of a registered pipeline (src/agents/pipelines.ts). */
export type Mode = string;

/** Terminal states of a run, carried by `run_complete`. `partial` = finished without an optional agent. */
export const RUN_STATUSES = {
  COMPLETED: "completed",
  PARTIAL: "partial",
  FAILED: "failed",
  CANCELLED: "cancelled",
  /** A review went unanswered for REVIEW_TIMEOUT_SECONDS. */
  TIMED_OUT: "timed_out",
} as const;
export type RunStatus = (typeof RUN_STATUSES)[keyof typeof RUN_STATUSES];
/** A run's state: running, paused for a review (`awaiting_input`), or ended with a status. */
export type RunState = "running" | "awaiting_input" | RunStatus;

export { ERROR_TYPES, type ErrorType } from "./error-types";

/**
 * Longest text one event carries, in UTF-16 code units (`llm_chunk` content, `agent_complete`
 * text, `run_complete` content): at most 192 KiB of UTF-8, far inside a storage row (2 MB). A
 * longer text travels only as chunks; the event that sums it up gives its length and digest.
 */
export const MAX_EVENT_TEXT_CHARS = 64 * 1024;

/** Agent name used for events that belong to the run rather than one agent. */
export const SUPERVISOR = "supervisor";

/** Tokens of one or more LLM calls, as the model reported them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** A run's tokens: every attempt's, with the failed (retried) attempts' share also given apart. */
export interface RunUsage extends TokenUsage {
  total_tokens: number;
  /** Tokens of attempts that failed and were retried or given up (included in the counts above). */
  retried: TokenUsage;
}

/** An agent a run plans to run, as `run_start` announces it: enough for a UI to draw the pipeline. */
export interface PlannedAgent {
  name: string;
  /** What the agent does (the same text as its `agent_start.task_description`). */
  task: string;
  /** Agents whose output it uses: it starts after they complete. */
  uses: string[];
  /** A required agent's failure fails the run; an optional one's makes it partial. */
  required: boolean;
  /** The model its calls use (before any fallback). */
  model?: string;
  /** The sampling temperature its calls send; absent: the model's default. */
  temperature?: number;
}
export interface RunStartPayload {
  /** The pipeline's name. */
  mode: Mode;
  /** The run's default model (the request's `model`, else the configured one). */
  model: string;
  /** Every agent the run plans to run, in the order they start. */
  agents: PlannedAgent[];
  /** The run's options as validated (what the run was asked to use; per-agent results are in `agents`). */
  options?: Record<string, unknown>;
}
export interface AgentStartPayload {
  status: "started";
  task_description: string;
  model: string;
  /** 2 and up: a revision asked for by a review; its text replaces the earlier attempt's. Absent: 1. */
  attempt?: number;
}
export interface LlmChunkPayload {
  content: string;
  content_type: "text";
  is_complete: boolean;
}
export interface AgentCompletePayload {
  status: "completed";
  summary: string;
  /**
   * The agent's whole final text, when it has at most MAX_EVENT_TEXT_CHARS characters; absent for
   * a longer one, which a client has only from the chunks. Equals what a client reconstructs.
   */
  text?: string;
  /** Length of the final text (UTF-16 code units, as JavaScript counts them). */
  chars: number;
  /** `textDigest` (src/protocol/text-digest.ts) of the final text: verifies a rebuilt text without `text`. */
  digest: string;
  model: string;
  /**
   * Tokens of the attempt that produced the text, as the model reported them (estimated when it
   * did not). These three are absent only in events logged before token accounting existed.
   */
  prompt_tokens?: number;
  completion_tokens?: number;
  /** Tokens of this agent's failed attempts before it (paid for, not in the two counts above). */
  retried?: TokenUsage;
}
export interface ProgressPayload {
  completed_steps: number;
  total_steps: number;
  percent: number;
  stage: string;
}
export interface ErrorPayload {
  error: string;
  /** One of ERROR_TYPES. */
  error_type: string;
  /** Retries of this agent made before the failed attempt (0 = its first attempt failed). */
  retry_count: number;
  /** Another attempt of this agent follows. */
  will_retry: boolean;
  /**
   * Characters at the end of this agent's streamed text that the failed attempt produced and the
   * client must drop. Absent or 0 when nothing streamed is discarded.
   */
  discarded_chars?: number;
  /** Model of the attempt that failed, when the failure belongs to one LLM attempt. */
  model?: string;
  /** With `error_type: "fallback"`: the model the next (last) attempt uses. */
  fallback_model?: string;
}
export interface AgentSummary {
  /** `cancelled`: the run was cancelled while the agent worked. A finished run has no agent `pending` or `running`. */
  status: "pending" | "running" | "completed" | "failed" | "skipped" | "cancelled";
  chars: number;
  model?: string;
}
export interface RunCompletePayload {
  status: RunStatus;
  /**
   * Final content of the run (the last agent's text, or the last agents' joined); empty when
   * failed or cancelled early. Absent when longer than MAX_EVENT_TEXT_CHARS: it is then the
   * completed agents' texts that `content_chars` and `content_digest` identify.
   */
  content?: string;
  content_chars: number;
  content_digest: string;
  agents: Record<string, AgentSummary>;
  /** Tokens of every agent's attempts, failed ones included (absent in events logged before token accounting). */
  usage?: RunUsage;
}

/** Payload type of each event type. */
export interface PayloadMap {
  run_start: RunStartPayload;
  agent_start: AgentStartPayload;
  llm_chunk: LlmChunkPayload;
  agent_complete: AgentCompletePayload;
  progress: ProgressPayload;
  error: ErrorPayload;
  run_complete: RunCompletePayload;
  member_added: MemberAddedPayload;
  member_removed: MemberRemovedPayload;
  awaiting_input: AwaitingInputPayload;
  input: InputPayload;
  user_message: UserMessagePayload;
}

/** An event before the log gives it an id: what producers emit. */
export type EventDraft<T extends EventType = EventType> = {
  [K in T]: {
    event_type: K;
    agent_source: string;
    payload: PayloadMap[K];
  };
}[T];

/** A stored, delivered event: the JSON in each SSE `data:` line. */
export type StreamEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: number;
    run_id: string;
    event_type: K;
    agent_source: string;
    timestamp: string;
    payload: PayloadMap[K];
  };
}[T];
