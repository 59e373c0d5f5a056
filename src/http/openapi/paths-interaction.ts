/**
 * The description of the routes people use on a running run (docs/interaction.md): answering a
 * review (`/sessions/{id}/input`) and steering (`/sessions/{id}/messages`).
 */
import type { ErrorCode } from "../../protocol/errors";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  errorResponses,
  type Json,
  json,
  jsonBody,
  type Operation,
  SESSION_ID_PARAM,
} from "./operations";

const BODY_ERRORS: ErrorCode[] = [
  "invalid_session_id",
  "invalid_body",
  ...AUTH_ERRORS,
  "not_found",
  "payload_too_large",
  "unsupported_media_type",
];

const input: Operation = {
  operationId: "answerReview",
  summary: "Answer the review a paused run waits for",
  description:
    "A run started with `options.review` pauses after each listed agent (`awaiting_input`). " +
    "`approve` lets it go on; `revise` runs the agent again with the feedback in its context (a new " +
    "`agent_start` with `attempt`) and pauses again after it; `edit` replaces the agent's output with " +
    "`text` (later agents read the edited text) and goes on. Logged as an `input` event with `actor`. " +
    "Nothing waits, or the wait named by `wait_id` was answered already: 409 `not_waiting`.",
  tags: ["sessions"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  requestBody: jsonBody("InputBody"),
  responses: {
    "202": json("InputAccepted", "Logged; the run goes on"),
    ...errorResponses([...BODY_ERRORS, "not_waiting"]),
  },
};

const messages: Operation = {
  operationId: "steerRun",
  summary: "Add a message to the session's run",
  description:
    "While a run is active (also while it is paused): logged as a `user_message` event with `actor`; " +
    'every agent that starts after it reads it ("The user added: ..."). No active run: 409 ' +
    "`no_active_run`; at most 100 messages a run (`too_many_messages`). The chat message limits apply.",
  tags: ["sessions"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  requestBody: jsonBody("MessageBody"),
  responses: {
    "202": json("InputAccepted", "Logged"),
    ...errorResponses([...BODY_ERRORS, "no_active_run", "too_many_messages"]),
  },
};

/** `paths` entries of the interaction routes. */
export function interactionPaths(): Record<string, Json> {
  return {
    "/sessions/{id}/input": { post: input },
    "/sessions/{id}/messages": { post: messages },
  };
}
