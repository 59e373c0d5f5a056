/**
 * Payloads of the events people add to a run (docs/interaction.md): a review's pause and its
 * answer, and a message steering a running run. Their event types are in events.ts, with the rest.
 */

/** The answers a review accepts (`POST /sessions/:id/input`). */
export const REVIEW_ACTIONS = { APPROVE: "approve", REVISE: "revise", EDIT: "edit" } as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[keyof typeof REVIEW_ACTIONS];

/** `awaiting_input`: the run paused after `agent_source` completed, until someone answers or it expires. */
export interface AwaitingInputPayload {
  /** What is awaited: a review of the agent's output. */
  awaiting: "review";
  /** The attempt of the agent under review (1, then 2 after a revision, ...). */
  attempt: number;
  /** The answers accepted. */
  actions: ReviewAction[];
  /** When the wait ends with `run_complete` status `timed_out` (ISO 8601). */
  expires_at: string;
}
/** `input`: an answer to the wait whose `awaiting_input` has id `wait_id`. */
export interface InputPayload {
  action: ReviewAction;
  /** The user who answered. */
  actor: string;
  wait_id: number;
  /** With `revise`: what the agent is asked to change; it runs again with this in its context. */
  feedback?: string;
  /** With `edit`: the text that replaces the agent's output (clients replace the agent's text with it). */
  text?: string;
}
/** `user_message`: a person's message to a running run; every agent that starts after it reads it. */
export interface UserMessagePayload {
  text: string;
  /** The user who sent it. */
  actor: string;
}
