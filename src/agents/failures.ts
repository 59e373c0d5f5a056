/**
 * How agent failures become events. A failure that is final for an agent is reported once, as an
 * `error` event naming the agent with `will_retry: false`, and checkpointed, so a restart does not
 * run the agent again.
 */
import { ERROR_TYPES, EVENT_TYPES, type EventDraft } from "../protocol/events";
import type { RunContext } from "./run-context";

/**
 * Thrown when a required agent failed for good: the run fails, classified as the agent's failure
 * was (a wrong URL fails the run as `config_error`, not as an unclassified `agent_error`).
 */
export class AgentFailure extends Error {
  readonly errorType: string;
  constructor(
    readonly agent: string,
    readonly reason: unknown,
  ) {
    super(`required agent ${agent} failed: ${errorMessage(reason)}`);
    this.name = "AgentFailure";
    this.errorType = errorType(reason);
  }
}

/**
 * Longest error message an `error` event carries: an upstream failure may quote a whole response
 * body, and no event may grow without bound (each is one storage row).
 */
export const MAX_ERROR_MESSAGE_CHARS = 2000;

/** An error's message, cut to MAX_ERROR_MESSAGE_CHARS. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return message;
  let cut = MAX_ERROR_MESSAGE_CHARS - 1;
  const last = message.charCodeAt(cut - 1);
  // Not between the two halves of a surrogate pair.
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${message.slice(0, cut)}…`;
}

/** A short machine-readable kind for an error (`error_type` in events). */
export function errorType(error: unknown): string {
  if (error && typeof error === "object" && "errorType" in error && typeof error.errorType === "string") {
    return error.errorType;
  }
  return ERROR_TYPES.AGENT_ERROR;
}

/**
 * Records a final agent failure in the run state and the log; `retryCount` = retries made before
 * the last attempt. Reporting an agent already failed does nothing, so the agent runner (which
 * reports at once) and the pipelines (which report every rejected agent) never double-report.
 */
export function reportAgentFailure(ctx: RunContext, agent: string, error: unknown, retryCount = 0): void {
  const state = ctx.run.agents[agent];
  if (state?.status === "failed") return;
  const discarded = state?.text.length ?? 0;
  ctx.run.agents[agent] = { status: "failed", text: "", model: state?.model };
  ctx.emit(attemptFailed(agent, error, { retryCount, willRetry: false, discarded, model: state?.model }));
  ctx.checkpoint();
}

/** The `error` event of a failed attempt of `agent`: what failed, whether it is retried, what text it discards. */
export function attemptFailed(
  agent: string,
  error: unknown,
  attempt: { retryCount: number; willRetry: boolean; discarded: number; model?: string },
): EventDraft<"error"> {
  return {
    event_type: EVENT_TYPES.ERROR,
    agent_source: agent,
    payload: {
      error: errorMessage(error),
      error_type: errorType(error),
      retry_count: attempt.retryCount,
      will_retry: attempt.willRetry,
      discarded_chars: attempt.discarded,
      ...(attempt.model ? { model: attempt.model } : {}),
    },
  };
}
