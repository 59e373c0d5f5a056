/**
 * `POST /novachat` and `POST /loomichat`: start a run in a session (a new one without
 * `session_id`) and stream its events, or answer 202 with where to read them. Before anything
 * starts, the user's limits admit the stream (when streaming), the new session (when it creates
 * one) and the run (rate and concurrency).
 */
import { type Context, Hono } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import { signReadToken } from "../auth/tokens";
import { loadConfig } from "../env";
import { MODES, type Mode } from "../protocol/events";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";
import { admitRun, admitStream, openLeasedStream, releaseLease } from "./limits";
import { requireJson } from "./middleware";
import type { RunAccepted } from "./responses";
import { auditRefusedStart } from "./session-caps";
import { eventsUrl, openEventStream, sessionStub } from "./session-client";
import { type ChatBody, validateChatBody } from "./validation";

function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/event-stream");
}

/** Admits and starts the run; on any failure gives back every lease it took. */
async function start(c: Context<AppEnv>, mode: Mode, body: ChatBody, sessionId: string, streamLease?: string) {
  const config = loadConfig(c.env);
  const runId = crypto.randomUUID();
  const creates = body.session_id === undefined;
  try {
    await admitRun(c, config, runId, body.session_id, creates ? sessionId : undefined);
  } catch (error) {
    if (streamLease) releaseLease(c, streamLease);
    throw error;
  }
  const stub = sessionStub(c.env, sessionId);
  let started: Awaited<ReturnType<typeof stub.startRun>> | undefined;
  try {
    started = await stub.startRun({
      sessionId,
      userId: c.get("userId"),
      mode,
      message: body.message,
      options: body.options ?? {},
      create: creates,
      runId,
    });
  } finally {
    if (!started?.ok) {
      releaseLease(c, runId);
      if (streamLease) releaseLease(c, streamLease);
      if (creates) releaseLease(c, sessionId);
    }
  }
  if (!started.ok) {
    auditRefusedStart(c, started, sessionId);
    throw new ApiError(started.code, started.message);
  }
  return { stub, runId, firstEventId: started.first_event_id };
}

function chatRoute(mode: Mode) {
  return new Hono<AppEnv>().post("/", requireJson, validateChatBody, async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("userId");
    const config = loadConfig(c.env);
    const detached = wantsJson(c.req.header("Accept"));
    const sessionId = body.session_id ?? crypto.randomUUID();
    const streamLease = detached ? undefined : await admitStream(c, config, body.session_id);
    const { stub, runId, firstEventId } = await start(c, mode, body, sessionId, streamLease);

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
