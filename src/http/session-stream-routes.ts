/**
 * A session's event log as a read-only Durable Stream: `GET /v1/stream/sessions/<id>` in JSON
 * mode, one message per event exactly as logged; the offset after event n is position n
 * (docs/durable-streams.md). Catch-up, long-poll and SSE come from the same protocol modules
 * as streams; the session object answers pages and waits over RPC, for whoever may read the
 * session (its owner, members and share links: session/access.ts).
 */
import { Hono } from "hono";
import { loadConfig } from "../env";
import { answerRead } from "../protocol/durable-streams/read-response";
import type { ReadPage, StreamSource } from "../protocol/durable-streams/source";
import { errorResponse } from "../protocol/errors";
import type { Caller } from "../session/access";
import type { SessionObject } from "../session/session-object";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { sessionStub } from "./session-client";
import { SessionId } from "./validation";

/** Events per page of a session read as a stream. */
const SESSION_PAGE_EVENTS = 500;
const READ_ONLY = { Allow: "GET, HEAD" };

function sessionSource(stub: DurableObjectStub<SessionObject>, caller: Caller, sessionId: string): StreamSource {
  const page = async (position: number, rows: number): Promise<ReadPage | undefined> => {
    const result = await stub.streamPage(caller, position, rows);
    if (result === undefined) return undefined;
    return {
      contentType: "application/json",
      messages: result.jsons,
      next: result.lastId,
      tail: result.head,
      closed: false,
      etagId: `session-${sessionId}`,
    };
  };
  return {
    read: (position) => page(position, SESSION_PAGE_EVENTS),
    tail: async () => {
      const state = await page(Number.MAX_SAFE_INTEGER, 1);
      return state && { ...state, next: state.tail, messages: [] };
    },
    wait: (position, timeoutMs) => stub.streamWait(caller, position, timeoutMs),
  };
}

export const sessionStreamRoutes = new Hono<AppEnv>();

sessionStreamRoutes.on(["GET", "HEAD"], "/:id", async (c) => {
  const id = c.req.param("id");
  if (!SessionId.safeParse(id).success) return errorResponse("invalid_session_id", "a session id is a UUID");
  const source = sessionSource(sessionStub(c.env, id), callerOf(c), id);
  if (c.req.method === "HEAD") {
    const state = await source.tail();
    if (!state) return errorResponse("not_found", "session not found");
    const response = await answerRead(source, new Request(`${c.req.url.split("?")[0]}?offset=now`), readOptions(c.env));
    return new Response(null, { headers: response.headers });
  }
  const response = await answerRead(source, c.req.raw, readOptions(c.env));
  if (response.status === 404) return errorResponse("not_found", "session not found");
  return response;
});

sessionStreamRoutes.on(["PUT", "POST", "DELETE"], "/:id", () =>
  errorResponse("method_not_allowed", "a session read as a stream is read-only: its runs write it", READ_ONLY),
);

/** Long-poll and SSE timing from the configuration. */
function readOptions(env: Env) {
  const config = loadConfig(env);
  return {
    longPollMs: config.streamLongPollMs,
    sseKeepAliveMs: config.streamLongPollMs,
    sseLifetimeMs: config.streamSseLifetimeMs,
  };
}
