/**
 * `POST /novachat` and `POST /loomichat`: start a run in a session (a new one without
 * `session_id`) and stream its events, or answer 202 with where to read them.
 */
import { Hono } from "hono";
import { MODES, type Mode } from "../protocol/events";
import type { AppEnv } from "./app-env";
import { unwrap } from "./errors";
import { requireJson } from "./middleware";
import { eventsUrl, openEventStream, sessionStub } from "./session-client";
import { ChatBody, validate } from "./validation";

function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/event-stream");
}

function chatRoute(mode: Mode) {
  return new Hono<AppEnv>().post("/", requireJson, validate("json", ChatBody), async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("userId");
    const sessionId = body.session_id ?? crypto.randomUUID();
    const stub = sessionStub(c.env, sessionId);
    const started = unwrap(
      await stub.startRun({
        sessionId,
        userId,
        mode,
        message: body.message,
        options: body.options ?? {},
        create: body.session_id === undefined,
      }),
    );
    const ids = { "X-Session-Id": sessionId, "X-Run-Id": started.run_id };
    const url = eventsUrl(sessionId, started.first_event_id);
    if (wantsJson(c.req.header("Accept"))) {
      return c.json({ session_id: sessionId, run_id: started.run_id, events_url: url }, 202, ids);
    }
    return openEventStream(stub, { userId, afterId: started.first_event_id - 1, runId: started.run_id }, ids);
  });
}

export const chatRoutes = new Hono<AppEnv>()
  .route("/novachat", chatRoute(MODES.NOVA3))
  .route("/loomichat", chatRoute(MODES.LOOMI));
