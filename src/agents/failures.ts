/**
 * How agent failures become events. A failure that is final for an agent is reported once, as an
 * `error` event naming the agent with `will_retry: false`.
 */
import { EVENT_TYPES } from "../protocol/events";
import type { RunContext } from "./run-context";

/** Thrown when a required agent failed for good: the run fails. */
export class AgentFailure extends Error {
  constructor(
    readonly agent: string,
    readonly reason: unknown,
  ) {
    super(`required agent ${agent} failed: ${errorMessage(reason)}`);
    this.name = "AgentFailure";
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A short machine-readable kind for an error (`error_type` in events). */
export function errorType(error: unknown): string {
  if (error && typeof error === "object" && "errorType" in error && typeof error.errorType === "string") {
    return error.errorType;
  }
  return "agent_error";
}

/** Records a final agent failure in the run state and the log. */
export function reportAgentFailure(ctx: RunContext, agent: string, error: unknown): void {
  const state = ctx.run.agents[agent];
  const discarded = state?.text.length ?? 0;
  ctx.run.agents[agent] = { status: "failed", text: "", model: state?.model };
  ctx.emit({
    event_type: EVENT_TYPES.ERROR,
    agent_source: agent,
    payload: {
      error: errorMessage(error),
      error_type: errorType(error),
      retry_count: 0,
      will_retry: false,
      discarded_chars: discarded,
    },
  });
}
