/**
 * `POST /sessions/:id/input` answers the review a paused run waits for; `POST /sessions/:id/messages`
 * adds a message to the session's run (docs/interaction.md). Who may do either is the session's
 * decision (editors and the owner: session/access.ts); each answer and message is audited and logged as an event.
 */
import { Hono } from "hono";
import type { z } from "zod";
import { AUDIT_EVENTS, audit } from "../audit";
import { DEFAULTS, loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { unwrap } from "./errors";
import { type InputAccepted, inputBody, messageBody } from "./interaction-schemas";
import { requireJson } from "./middleware";
import { sessionStub } from "./session-client";
import { SessionParam, validate } from "./validation";

/**
 * A body validator under the configured message limit (MAX_MESSAGE_CHARS): one per limit value,
 * built on first use; each has the default's type, since only the bound differs.
 */
function perLimit<S extends z.ZodType>(schemaFor: (max: number) => S) {
  const fallback = validate("json", schemaFor(DEFAULTS.maxMessageChars));
  const built = new Map<number, typeof fallback>([[DEFAULTS.maxMessageChars, fallback]]);
  const middleware: typeof fallback = (c, next) => {
    const max = loadConfig(c.env ?? {}).maxMessageChars;
    let validator = built.get(max);
    if (!validator) {
      validator = validate("json", schemaFor(max));
      built.set(max, validator);
    }
    return validator(c, next);
  };
  return middleware;
}

const validateInput = perLimit(inputBody);
const validateMessage = perLimit(messageBody);

export const interactionRoutes = new Hono<AppEnv>()
  .post("/:id/input", validate("param", SessionParam), requireJson, validateInput, async (c) => {
    const { id } = c.req.valid("param");
    const userId = c.get("userId");
    const answer = c.req.valid("json");
    const { run_id, event_id } = unwrap(await sessionStub(c.env, id).input(callerOf(c), answer));
    audit(AUDIT_EVENTS.REVIEW_ANSWERED, { user_id: userId, session_id: id, run_id, action: answer.action });
    return c.json({ session_id: id, run_id, event_id } satisfies InputAccepted, 202);
  })
  .post("/:id/messages", validate("param", SessionParam), requireJson, validateMessage, async (c) => {
    const { id } = c.req.valid("param");
    const userId = c.get("userId");
    const { text } = c.req.valid("json");
    const { run_id, event_id } = unwrap(await sessionStub(c.env, id).message(callerOf(c), text));
    audit(AUDIT_EVENTS.MESSAGE_SENT, { user_id: userId, session_id: id, run_id });
    return c.json({ session_id: id, run_id, event_id } satisfies InputAccepted, 202);
  });
