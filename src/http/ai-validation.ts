/**
 * What the AI SDK routes accept: the body DefaultChatTransport sends (`{id, messages, trigger,
 * messageId, ...body}`) and chat ids in paths. Only the last message is used, and it must be the
 * user's: the session's stored history is the conversation, never the messages a client sends. Its
 * text obeys the same limits as /novachat (the message schema of validation.ts).
 */
import { z } from "zod";
import { loadConfig } from "../env";
import { chatBody, MAX_MESSAGE_CHARS, validate } from "./validation";

/** A chat id: the client's name for a conversation (the AI SDK's `id`). */
export const ChatId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { message: "must be 1-128 characters of A-Z, a-z, 0-9, _ or -" });

export const ChatIdParam = z.object({ chatId: ChatId });

/** Why the client asks for a turn: a new user message, or the last one again. */
export const AI_TRIGGERS = { SUBMIT: "submit-message", REGENERATE: "regenerate-message" } as const;

/** Text parts joined into the run's message (a message usually has one). */
const PART_SEPARATOR = "\n";

const UiPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const UiMessage = z.looseObject({ role: z.enum(["system", "user", "assistant"]), parts: z.array(UiPart) });

/** The body with a given message limit; its output is what a route needs to start the turn. */
export function aiChatBody(maxMessageChars: number) {
  const { message, options } = chatBody(maxMessageChars).shape;
  return z
    .looseObject({
      id: ChatId,
      messages: z.array(UiMessage).min(1, "must end with the user's message"),
      trigger: z.enum([AI_TRIGGERS.SUBMIT, AI_TRIGGERS.REGENERATE]).optional(),
      messageId: z.string().max(256).optional(),
      options,
    })
    .transform((body, ctx) => {
      const at = body.messages.length - 1;
      const last = body.messages[at];
      if (last.role !== "user") {
        ctx.addIssue({
          code: "custom",
          path: ["messages", at, "role"],
          message: "the last message must be the user's",
        });
        return z.NEVER;
      }
      const text = last.parts
        .filter((part) => part.type === "text")
        .map((part) => part.text ?? "")
        .join(PART_SEPARATOR);
      const checked = message.safeParse(text);
      if (!checked.success) {
        for (const issue of checked.error.issues) {
          ctx.addIssue({ code: "custom", path: ["messages", at, "parts"], message: `text ${issue.message}` });
        }
        return z.NEVER;
      }
      return {
        chatId: body.id,
        trigger: body.trigger ?? AI_TRIGGERS.SUBMIT,
        message: checked.data,
        options: body.options ?? {},
      };
    });
}

const defaultValidator = validate("json", aiChatBody(MAX_MESSAGE_CHARS));
type AiChatValidator = typeof defaultValidator;
const validators = new Map<number, AiChatValidator>([[MAX_MESSAGE_CHARS, defaultValidator]]);

/** Validates an AI SDK chat body against the configured message limit (one validator per limit value). */
export const validateAiChatBody: AiChatValidator = (c, next) => {
  const max = loadConfig(c.env ?? {}).maxMessageChars;
  let validator = validators.get(max);
  if (!validator) {
    validator = validate("json", aiChatBody(max)) as AiChatValidator;
    validators.set(max, validator);
  }
  return validator(c, next);
};
