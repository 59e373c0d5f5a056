/**
 * `POST /runs/:pipeline` (and the seed's `POST /novachat`, `POST /loomichat`, aliases from the
 * registry): start a run of a registered pipeline in a session (a new one without `session_id`)
 * and stream its events, or answer 202 with where to read them. Unknown pipeline: 404; options are
 * checked against the pipeline's own schema. Before anything starts, the user's limits admit the
 * stream (when streaming), the new session (when it creates one) and the run (run-start.ts).
 */
import { type Context, Hono } from "hono";
import { ROUTE_ALIASES } from "../agents/pipelines";
import { AUDIT_EVENTS, audit } from "../audit";
import { signReadToken } from "../auth/tokens";
import { loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { knownPipeline, parseRunOptions, requirePipeline } from "./chat-options";
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

/** The run-starting route at `path` for the pipeline `nameOf` names. */
function chatRoute(path: string, nameOf: (c: Context<AppEnv>) => string) {
  return new Hono<AppEnv>().post(path, knownPipeline(nameOf), requireJson, validateChatBody, async (c) => {
    const def = requirePipeline(nameOf(c));
    const body = c.req.valid("json");
    const userId = c.get("userId");
    const config = loadConfig(c.env);
    const options = parseRunOptions(def, body.options ?? {}, config);
    const detached = wantsJson(c.req.header("Accept"));
    const sessionId = body.session_id ?? crypto.randomUUID();
    const streamLease = detached ? undefined : await admitStream(c, config, body.session_id);
    const request = {
      mode: def.name,
      sessionId,
      message: body.message,
      options,
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
      openEventStream(stub, { caller: callerOf(c), afterId: firstEventId - 1, runId, lease }, headers),
    );
  });
}

export const chatRoutes = new Hono<AppEnv>().route(
  "/",
  chatRoute("/runs/:pipeline", (c) => c.req.param("pipeline") ?? ""),
);
for (const [route, name] of Object.entries(ROUTE_ALIASES))
  chatRoutes.route(
    "/",
    chatRoute(`/${route}`, () => name),
  );
