/**
 * The AI SDK's chat routes (`useChat` with DefaultChatTransport), for every registered pipeline
 * (src/agents/pipelines.ts; an unknown one is a 404 before anything else):
 *
 *   POST /ai/:pipeline                    a turn: starts a run in the chat's session, streams its UI message stream
 *   GET  /ai/:pipeline/:chatId/stream     resume: the chat's active run as a compact replay, then live (204: none)
 *   POST /ai/:pipeline/:chatId/stop       cancels the chat's active run
 *
 * A chat id is scoped to the user (ai-chat-id.ts). Admission is the chat routes' own: a stream
 * lease, then the run's rate and lease (run-start.ts). docs/ai-sdk.md has the whole contract.
 */
import { type Context, Hono } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import { loadConfig } from "../env";
import { LIMITS } from "../limits/user-limits";
import { UiMessageMapper } from "../protocol/ui-message-mapper";
import { chatSessionId } from "./ai-chat-id";
import { uiMessageResponse } from "./ai-stream";
import { ChatIdParam, validateAiChatBody } from "./ai-validation";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { knownPipeline, parseRunOptions, requirePipeline } from "./chat-options";
import { ApiError } from "./errors";
import { RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";
import { admitStream, openLeasedStream } from "./limits";
import { requireJson } from "./middleware";
import type { AiStopAccepted } from "./responses";
import { startRun } from "./run-start";
import { openEventStream, sessionStub } from "./session-client";
import { parseResumePoint, validate } from "./validation";

const pipelineOf = (c: Context<AppEnv>) => c.req.param("pipeline") ?? "";

function pipelineRoutes() {
  return new Hono<AppEnv>()
    .use("*", knownPipeline(pipelineOf))
    .post("/", requireJson, validateAiChatBody, async (c) => {
      const def = requirePipeline(pipelineOf(c));
      const body = c.req.valid("json");
      const userId = c.get("userId");
      const config = loadConfig(c.env);
      const options = parseRunOptions(def, body.options, config);
      const sessionId = await chatSessionId(c.get("authSecret"), userId, body.chatId);
      const streamLease = await admitStream(c, config, sessionId);
      // The first turn of a chat creates its session; later turns find it (create only if missing).
      const request = { mode: def.name, sessionId, message: body.message, options, create: true };
      const { stub, runId, firstEventId } = await startRun(c, request, streamLease);
      if (firstEventId === 1) audit(AUDIT_EVENTS.SESSION_CREATED, { user_id: userId, session_id: sessionId });
      audit(AUDIT_EVENTS.RUN_STARTED, { user_id: userId, session_id: sessionId, run_id: runId });
      const upstream = await openLeasedStream(c, streamLease, (lease) =>
        openEventStream(stub, { caller: callerOf(c), afterId: firstEventId - 1, runId, lease }),
      );
      const window = { knownThrough: 0, compactThrough: 0 };
      const headers = { [SESSION_ID_HEADER]: sessionId, [RUN_ID_HEADER]: runId };
      return uiMessageResponse(upstream, new UiMessageMapper(sessionId), window, headers);
    })
    .get("/:chatId/stream", validate("param", ChatIdParam), async (c) => {
      const { chatId } = c.req.valid("param");
      const userId = c.get("userId");
      const sessionId = await chatSessionId(c.get("authSecret"), userId, chatId);
      const stub = sessionStub(c.env, sessionId);
      // No such chat (for this user) and no active run look the same: nothing to resume. With
      // `?message_id=` the client names the run whose message it holds unfinished: that run is
      // replayed even if it has just ended (a reload that lost the race with the run's end).
      const snapshot = await stub.snapshot(callerOf(c));
      const runId = c.req.query("message_id") ?? (snapshot.ok ? snapshot.active_run_id : null);
      const run = snapshot.ok ? snapshot.runs.find((r) => r.run_id === runId) : undefined;
      if (!snapshot.ok || !run) return c.body(null, 204);
      // What was stored when the snapshot was taken is folded into one compact replay: exact, since
      // the log below that id never changes; everything after it is streamed as it comes.
      const head = snapshot.last_event_id;
      const known = parseResumePoint(c.req.header("Last-Event-ID"), undefined);
      if (known > head) {
        throw new ApiError("invalid_resume_point", `Last-Event-ID ${known} is beyond the newest event id ${head}`);
      }
      const config = loadConfig(c.env);
      const streamLease = await admitStream(c, config, sessionId);
      const upstream = await openLeasedStream(c, streamLease, (lease) => {
        const params = { caller: callerOf(c), afterId: run.first_event_id - 1, runId: run.run_id, lease };
        return openEventStream(stub, { ...params, maxReaders: config.maxStreamsPerSession });
      });
      if (upstream.status === 429) {
        audit(AUDIT_EVENTS.LIMIT_HIT, { user_id: userId, session_id: sessionId, limit: LIMITS.STREAMS_PER_SESSION });
      }
      const window = { knownThrough: known, compactThrough: head };
      const headers = { [SESSION_ID_HEADER]: sessionId, [RUN_ID_HEADER]: run.run_id };
      return uiMessageResponse(upstream, new UiMessageMapper(sessionId), window, headers);
    })
    .post("/:chatId/stop", validate("param", ChatIdParam), async (c) => {
      const { chatId } = c.req.valid("param");
      const userId = c.get("userId");
      const sessionId = await chatSessionId(c.get("authSecret"), userId, chatId);
      const cancelled = await sessionStub(c.env, sessionId).cancel(callerOf(c));
      // One answer whether the chat does not exist or is idle: a stop reveals nothing more.
      if (!cancelled.ok) throw new ApiError("not_found", `chat ${chatId} has no active run`);
      audit(AUDIT_EVENTS.RUN_CANCELLED, { user_id: userId, session_id: sessionId, run_id: cancelled.run_id });
      const accepted = {
        chat_id: chatId,
        session_id: sessionId,
        run_id: cancelled.run_id,
        status: "cancelling",
      } as const;
      return c.json(accepted satisfies AiStopAccepted, 202);
    });
}

/** Mounted at `/ai`, behind authentication: `/ai/nova3/...`, `/ai/loomi/...`, `/ai/localize/...`, any registered pipeline. */
export const aiRoutes = new Hono<AppEnv>().route("/:pipeline", pipelineRoutes());
