/**
 * Review checkpoints on a run's record (docs/interaction.md): the wait a run pauses with, and an
 * answer applied to it: `approve` lets the run go on, `revise` sends the agent back with the
 * feedback, `edit` replaces its output. Steering messages join the record the same way. Pure: the
 * session commits what these return, together with the record.
 */
import type { RunRecord } from "../agents/run-record";
import { addTokens, NO_TOKENS } from "../agents/token-usage";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES, type EventDraft, REVIEW_ACTIONS, SUPERVISOR } from "../protocol/events";

/** An answer to a review, as `POST /sessions/:id/input` validated it. */
export type ReviewAnswer =
  | { action: "approve"; wait_id?: number }
  | { action: "revise"; feedback: string; wait_id?: number }
  | { action: "edit"; text: string; wait_id?: number };

/** Most messages people may add to one run: each is read by every later agent and kept in its checkpoint. */
export const MAX_RUN_MESSAGES = 100;

/** The `awaiting_input` event of a run that pauses for a review of `agent`, expiring `timeoutMs` after `now`. */
export function awaitingDraft(
  run: RunRecord,
  agent: string,
  now: number,
  timeoutMs: number,
): EventDraft<"awaiting_input"> {
  return {
    event_type: EVENT_TYPES.AWAITING_INPUT,
    agent_source: agent,
    payload: {
      awaiting: "review" as const,
      attempt: run.agents[agent]?.attempt ?? 1,
      actions: Object.values(REVIEW_ACTIONS),
      expires_at: new Date(now + timeoutMs).toISOString(),
    },
  };
}

/**
 * Applies `answer` by `actor` to the paused `run` (status back to `running`, its wait gone) and
 * returns the `input` event to log; a Failure, changing nothing, when the run waits for no answer
 * or for another one than `wait_id`.
 */
export function applyAnswer(run: RunRecord, answer: ReviewAnswer, actor: string): EventDraft | Failure {
  const wait = run.wait;
  if (run.status !== "awaiting_input" || !wait) return failure("not_waiting", "the run waits for no input");
  if (answer.wait_id !== undefined && answer.wait_id !== wait.event_id) {
    return failure("not_waiting", `wait ${answer.wait_id} was answered already; the run waits for ${wait.event_id}`);
  }
  const agent = wait.agent;
  const state = run.agents[agent];
  const base = { action: answer.action, actor, wait_id: wait.event_id };
  let payload: EventDraft<"input">["payload"];
  if (answer.action === REVIEW_ACTIONS.REVISE) {
    // It runs again from its prompt as the next attempt (pending until its agent_start is logged);
    // the earlier attempt's tokens were spent and stay counted.
    const retried = addTokens(state.retried ?? NO_TOKENS, state.usage ?? NO_TOKENS);
    run.agents[agent] = {
      status: "pending",
      text: "",
      model: state.model,
      attempt: (state.attempt ?? 1) + 1,
      retried,
      revision: { previous: state.text, feedback: answer.feedback },
    };
    payload = { ...base, feedback: answer.feedback };
  } else {
    if (answer.action === REVIEW_ACTIONS.EDIT) {
      run.agents[agent] = { ...state, text: answer.text };
      payload = { ...base, text: answer.text };
    } else {
      payload = base;
    }
    run.reviewed = [...(run.reviewed ?? []), agent];
  }
  run.status = "running";
  run.wait = undefined;
  return { event_type: EVENT_TYPES.INPUT, agent_source: agent, payload };
}

/** Adds a person's message to `run` (every agent that starts later reads it); the `user_message` to log, or a Failure. */
export function addMessage(run: RunRecord, text: string, actor: string): EventDraft | Failure {
  const messages = run.messages ?? [];
  if (messages.length >= MAX_RUN_MESSAGES) {
    return failure("too_many_messages", `a run takes at most ${MAX_RUN_MESSAGES} messages`);
  }
  run.messages = [...messages, text];
  return { event_type: EVENT_TYPES.USER_MESSAGE, agent_source: SUPERVISOR, payload: { text, actor } };
}
