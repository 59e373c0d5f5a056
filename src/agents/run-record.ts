/**
 * A run's record: what the session stores about one run and what its agents read and update as
 * they go (per-agent status and text). Defined here, beside the agents that fill it in; the
 * session stores it (src/session/session-store.ts).
 */
import type { AgentSummary, Mode, RunState, TokenUsage } from "../protocol/events";

/** Per-agent state kept in a run's checkpoint. */
export interface AgentState {
  status: AgentSummary["status"];
  text: string;
  model?: string;
  /** Tokens of the attempt that succeeded (as the model reported them, else estimated). */
  usage?: TokenUsage;
  /** Tokens of its failed attempts (retried or given up): paid for, counted apart. */
  retried?: TokenUsage;
  /** Retries made (a fallback attempt included). */
  retries?: number;
  /** Its last attempt ran on LLM_FALLBACK_MODEL. */
  fallback?: boolean;
  /** ms from its start to its first token (of any attempt). */
  first_token_ms?: number;
  /** Which run of the agent this is: 2 and up after a review asked for a revision. Absent: 1. */
  attempt?: number;
  /** A review asked for a revision: the answer to revise and the feedback (kept until the revision completes). */
  revision?: { previous: string; feedback: string };
}

/** The review a paused run waits for (docs/interaction.md). */
export interface ReviewWait {
  /** The agent whose output is under review. */
  agent: string;
  /** Its attempt under review. */
  attempt: number;
  /** Id of the `awaiting_input` event that announced the wait: the answer's `wait_id`. */
  event_id: number;
  /** When the wait ends the run as `timed_out` (ISO 8601). */
  expires_at: string;
}

/** A run as stored. */
export interface RunRecord {
  run_id: string;
  mode: Mode;
  status: RunState;
  message: string;
  options: Record<string, unknown>;
  started_at: string;
  finished_at: string | null;
  first_event_id: number;
  end_event_id: number | null;
  agents: Record<string, AgentState>;
  content: string;
  /** How many times this run was resumed after its object restarted mid-run. */
  resumes: number;
  /** Who started it (an editor may, in a shared session): their limits hold its lease and pay its tokens. */
  started_by?: string;
  /** The review the run waits for while its status is `awaiting_input`. */
  wait?: ReviewWait;
  /** Agents whose review was answered by approve or edit: they do not pause the run again. */
  reviewed?: string[];
  /** What people added to the run while it ran (`user_message`), in order: each agent reads those logged before it starts. */
  messages?: string[];
}

/** Whether `run` has ended (a paused run has not: it is saved again when it goes on). */
export function hasEnded(run: Pick<RunRecord, "status">): boolean {
  return run.status !== "running" && run.status !== "awaiting_input";
}

/** A new run's record, before its first event (`run_start`, id `firstEventId`) is written. */
export function newRunRecord(
  input: { runId?: string; mode: Mode; message: string; options: Record<string, unknown> },
  firstEventId: number,
  now: number,
): RunRecord {
  return {
    run_id: input.runId ?? crypto.randomUUID(),
    mode: input.mode,
    status: "running",
    message: input.message,
    options: input.options,
    started_at: new Date(now).toISOString(),
    finished_at: null,
    first_event_id: firstEventId,
    end_event_id: null,
    agents: {},
    content: "",
    resumes: 0,
  };
}
