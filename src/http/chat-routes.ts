/**
 * `POST /novachat` and `POST /loomichat`: start a run in a session (a new one without
 * `session_id`) and stream its events, or answer 202 with where to read them. Before anything
 * starts, the user's limits admit the stream (when streaming), the new session (when it creates
 * one) and the run (rate and concurrency).
 */
import { Hono } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import { signReadToken } from "../auth/tokens";
import { loadConfig } from "../env";
import { MODES, type Mode } from "../protocol/events";
import type { AppEnv } from "./app-env";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";
import { admitStream, openLeasedStream } from "./limits";
import { requireJson } from "./middleware";
import type { RunAccepted } from "./responses";
import { startRun } from "./run-start";
import { eventsUrl, openEventStream } from "./session-client";
import { validateChatBody } from "./validation";

function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/event-stream");
}

function chatRoute(mode: Mode) {
  return new Hono<AppEnv>().post("/", requireJson, validateChatBody, async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("userId");
    const config = loadConfig(c.env);
    const detached = wantsJson(c.req.header("Accept"));
    const sessionId = body.session_id ?? crypto.randomUUID();
    const streamLease = detached ? undefined : await admitStream(c, config, body.session_id);
    const request = {
      mode,
      sessionId,
      message: body.message,
      options: body.options ?? {},
      create: body.session_id === undefined,
    };
    const { stub, runId, firstEventId } = await startRun(c, request, streamLease);

    if (body.session_id === undefined) audit(AUDIT_EVENTS.SESSION_CREATED, { user_id: userId, session_id: sessionId });
    audit(AUDIT_EVENTS.RUN_STARTED, { user_id: userId, session_id: sessionId, run_id: runId });
    const readToken = await signReadToken(c.get("authSecret"), { userId, sessionId }, config.readTokenTtlSeconds);
    const headers = { [SESSION_ID_HEADER]: sessionId, [RUN_ID_HEADER]: runId, [READ_TOKEN_HEADER]: readToken };
    if (streamLease === undefined) {
      const events_url = eventsUrl(sessionId, firstEventId, readToken);
      const accepted: RunAccepted = { session_id: sessionId, run_id: runId, events_url, read_token: readToken };
      return c.json(accepted, 202, headers);
    }
    return openLeasedStream(c, streamLease, (lease) =>
      openEventStream(stub, { userId, afterId: firstEventId - 1, runId, lease }, headers),
    );
  });
}

export const chatRoutes = new Hono<AppEnv>()
  .route("/novachat", chatRoute(MODES.NOVA3))
  .route("/loomichat", chatRoute(MODES.LOOMI));
