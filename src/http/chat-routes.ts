/**
 * `POST /runs/:pipeline` (and the seed's `POST /novachat`, `POST /loomichat`, aliases from the
 * registry): start a run of a registered pipeline in a session (a new one without `session_id`)
 * and stream its events, or answer 202 with where to read them. Unknown pipeline: 404; options are
 * checked against the pipeline's own schema. Before anything starts, the user's limits admit the
 * stream (when streaming), the new session (when it creates one) and the run (rate and concurrency).
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { PipelineDefinition } from "../agents/pipeline-definition";
import { findPipeline, ROUTE_ALIASES } from "../agents/pipelines";
import type { RunOptions } from "../agents/run-options";
import { AUDIT_EVENTS, audit } from "../audit";
import { signReadToken } from "../auth/tokens";
import { loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { parseRunOptions } from "./chat-options";
import { ApiError } from "./errors";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";
import { admitRun, admitStream, openLeasedStream, releaseLease } from "./limits";
import { requireJson } from "./middleware";
import { auditRefusedStart } from "./session-caps";
import { eventsUrl, openEventStream, sessionStub } from "./session-client";
import { type ChatBody, validateChatBody } from "./validation";

function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/event-stream");
}

/** Admits and starts the run; on any failure gives back every lease it took. */
async function start(
  c: Context<AppEnv>,
  mode: string,
  body: ChatBody & { options: RunOptions },
  sessionId: string,
  streamLease?: string,
) {
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
      options: body.options,
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

/** The registered pipeline `name`, or 404. */
function pipelineNamed(name: string): PipelineDefinition {
  const def = findPipeline(name);
  if (!def) throw new ApiError("not_found", `no pipeline named ${JSON.stringify(name)} (GET /pipelines lists them)`);
  return def;
}

/** The run-starting handler for the pipeline `nameOf` names. */
function chatRoute(path: string, nameOf: (c: Context<AppEnv>) => string) {
  // An unknown pipeline is a 404 before the body is looked at.
  const knownPipeline: MiddlewareHandler<AppEnv> = async (c, next) => {
    pipelineNamed(nameOf(c));
    await next();
  };
  return new Hono<AppEnv>().post(path, knownPipeline, requireJson, validateChatBody, async (c) => {
    const def = pipelineNamed(nameOf(c));
    const config = loadConfig(c.env);
    const valid = c.req.valid("json");
    const body = { ...valid, options: parseRunOptions(def, valid.options ?? {}, config) };
    const mode = def.name;
    const userId = c.get("userId");
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
      return c.json({ session_id: sessionId, run_id: runId, events_url, read_token: readToken }, 202, headers);
    }
    return openLeasedStream(c, streamLease, (lease) =>
      openEventStream(stub, { userId, afterId: firstEventId - 1, runId, lease }, headers),
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
