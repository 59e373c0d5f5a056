/**
 * Request schemas (zod) and the validator hook that turns a schema failure into a 400 naming the
 * field. Every route validates through these; none parses input by hand.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { DEFAULTS, loadConfig } from "../env";
import { ChatOptions } from "./chat-options";
import { ApiError } from "./errors";

/** Default longest chat message, characters (MAX_MESSAGE_CHARS in src/env.ts sets the one in force). */
export const MAX_MESSAGE_CHARS = DEFAULTS.maxMessageChars;

/** Session ids are the UUIDs the service hands out; nothing else names a session. */
export const SessionId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
  message: "must be a session id (a UUID)",
});

/** The chat body with a given message limit. */
export function chatBody(maxMessageChars: number) {
  return z
    .object({
      message: z
        .string()
        .min(1, "must not be empty")
        .max(maxMessageChars, `must be at most ${maxMessageChars} characters`),
      session_id: SessionId.optional(),
      options: ChatOptions.optional(),
    })
    .strict();
}

export const ChatBody = chatBody(MAX_MESSAGE_CHARS);
export type ChatBody = z.infer<typeof ChatBody>;

export const SessionParam = z.object({ id: SessionId });

/** A resume point: a non-negative integer event id. */
export const ResumePoint = z
  .string()
  .regex(/^\d{1,15}$/, "must be a non-negative integer event id")
  .transform(Number);

function describe(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

/** zValidator whose failures are 400 JSON errors naming the offending field. */
export function validate<T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const code = target === "param" ? "invalid_session_id" : target === "query" ? "invalid_query" : "invalid_body";
      throw new ApiError(code, describe(result.error));
    }
  });
}

/** Parses a resume point from the Last-Event-ID header (wins) or the last_event_id query parameter. */
export function parseResumePoint(header: string | undefined, query: string | undefined): number {
  const raw = header ?? query;
  if (raw === undefined) return 0;
  const parsed = ResumePoint.safeParse(raw.trim());
  if (!parsed.success) {
    const source = header !== undefined ? "Last-Event-ID header" : "last_event_id parameter";
    throw new ApiError("invalid_resume_point", `${source}: must be a non-negative integer event id`);
  }
  return parsed.data;
}

const defaultChatValidator = validate("json", ChatBody);
type ChatValidator = typeof defaultChatValidator;
const chatValidators = new Map<number, ChatValidator>([[MAX_MESSAGE_CHARS, defaultChatValidator]]);

/**
 * Validates a chat body against the configured message limit. One validator per limit value,
 * built on first use; each has ChatBody's output type, since only the bound differs.
 */
export const validateChatBody: ChatValidator = (c, next) => {
  const max = loadConfig(c.env ?? {}).maxMessageChars;
  let validator = chatValidators.get(max);
  if (!validator) {
    validator = validate("json", chatBody(max)) as ChatValidator;
    chatValidators.set(max, validator);
  }
  return validator(c, next);
};
