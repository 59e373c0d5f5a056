/**
 * People acting on a running run (docs/interaction.md): answering the review a paused run waits for
 * (`POST /sessions/:id/input`) and adding a message to it (`POST /sessions/:id/messages`). Each
 * resolves with the id of the event that logged it, or throws HttpError (409 `not_waiting` /
 * `no_active_run`, 400, 404).
 */
import type { ReviewAction } from "../../../src/protocol/events";
import { type FetchFn, httpError, serviceUrl, withAuth } from "./http";

/** An answer to a review: approve, revise with feedback, or replace the output with a text. */
export type ReviewAnswer =
  | { action: Extract<ReviewAction, "approve">; wait_id?: number }
  | { action: Extract<ReviewAction, "revise">; feedback: string; wait_id?: number }
  | { action: Extract<ReviewAction, "edit">; text: string; wait_id?: number };

/** What the service answers when it took an answer or a message. */
export interface InputAccepted {
  session_id: string;
  run_id: string;
  /** Id of the `input` or `user_message` event. */
  event_id: number;
}

export interface InteractionConfig {
  baseUrl: string;
  token(): Promise<string | undefined>;
  fetch: FetchFn;
}

async function post(config: InteractionConfig, path: string, body: unknown): Promise<InputAccepted> {
  const token = await config.token();
  const response = await config.fetch(serviceUrl(config.baseUrl, path), {
    method: "POST",
    headers: withAuth({ "Content-Type": "application/json", Accept: "application/json" }, token),
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw await httpError(response);
  return (await response.json()) as InputAccepted;
}

/** `POST /sessions/:id/input`. */
export function sendAnswer(config: InteractionConfig, sessionId: string, answer: ReviewAnswer): Promise<InputAccepted> {
  return post(config, `/sessions/${encodeURIComponent(sessionId)}/input`, answer);
}

/** `POST /sessions/:id/messages`. */
export function sendMessage(config: InteractionConfig, sessionId: string, text: string): Promise<InputAccepted> {
  return post(config, `/sessions/${encodeURIComponent(sessionId)}/messages`, { text });
}
