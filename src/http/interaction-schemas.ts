/**
 * What people send to a run and what it logs for them (docs/interaction.md): the bodies of
 * `POST /sessions/:id/input` and `POST /sessions/:id/messages`, and the payloads of the
 * `awaiting_input`, `input` and `user_message` events, for validation and the OpenAPI description.
 * The event payload types stay defined in src/protocol/; the checks at the end keep these equal.
 */
import { z } from "zod";
import type { Equal } from "../lib/type-equal";
import {
  type AwaitingInputPayload,
  type InputPayload,
  MAX_EVENT_TEXT_CHARS,
  REVIEW_ACTIONS,
  type UserMessagePayload,
} from "../protocol/events";
import type { ReviewAnswer } from "../session/review-answers";

const Action = z.enum(REVIEW_ACTIONS);
const WaitId = z
  .number()
  .int()
  .min(1)
  .describe("The `awaiting_input` event id this answers; another wait's id (an answered one) is a 409");

/** A non-empty text of at most `max` characters. */
const text = (max: number) => z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** The body of `POST /sessions/:id/input`, with feedback limited like a chat message (MAX_MESSAGE_CHARS). */
export function inputBody(maxMessageChars: number) {
  return z.discriminatedUnion(
    "action",
    [
      z.strictObject({ action: z.literal(REVIEW_ACTIONS.APPROVE), wait_id: WaitId.optional() }),
      z.strictObject({
        action: z.literal(REVIEW_ACTIONS.REVISE),
        feedback: text(maxMessageChars),
        wait_id: WaitId.optional(),
      }),
      z.strictObject({
        action: z.literal(REVIEW_ACTIONS.EDIT),
        text: text(MAX_EVENT_TEXT_CHARS).describe("Replaces the agent's output (at most MAX_EVENT_TEXT_CHARS)"),
        wait_id: WaitId.optional(),
      }),
    ],
    { error: `action must be one of ${Object.values(REVIEW_ACTIONS).join(", ")}` },
  );
}

/** The body of `POST /sessions/:id/messages`: a message limited like a chat message. */
export function messageBody(maxMessageChars: number) {
  return z.strictObject({ text: text(maxMessageChars) });
}

/** `202` of an answer or a message: the run it went to and the event that logged it. */
export const InputAccepted = z.object({
  session_id: z.string(),
  run_id: z.string(),
  event_id: z.number().int().describe("Id of the `input` or `user_message` event"),
});
export type InputAccepted = z.infer<typeof InputAccepted>;

export const AwaitingInputPayloadSchema = z.object({
  awaiting: z.literal("review"),
  attempt: z.number().int(),
  actions: z.array(Action),
  expires_at: z.string().describe("ISO 8601: unanswered by then, the run ends as timed_out"),
});

export const InputPayloadSchema = z.object({
  action: Action,
  actor: z.string().describe("The user who answered"),
  wait_id: z.number().int(),
  feedback: z.string().optional(),
  text: z.string().optional(),
});

export const UserMessagePayloadSchema = z.object({
  text: z.string(),
  actor: z.string().describe("The user who sent it"),
});

// Each schema describes exactly its protocol type, and the input body what the session applies.
export const INTERACTION_SCHEMAS_MATCH: [
  Equal<z.infer<typeof AwaitingInputPayloadSchema>, AwaitingInputPayload>,
  Equal<z.infer<typeof InputPayloadSchema>, InputPayload>,
  Equal<z.infer<typeof UserMessagePayloadSchema>, UserMessagePayload>,
  Equal<z.infer<ReturnType<typeof inputBody>>, ReviewAnswer>,
] = [true, true, true, true];
