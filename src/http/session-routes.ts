/**
 * `/sessions/:id`: snapshot, event stream (resumable), cancel and delete. The session object
 * checks each against the caller's role (src/session/access.ts): someone with no role in the
 * session gets 404 like for one that never existed, a member whose role is too weak 403.
 */
import { Hono } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import { loadConfig } from "../env";
import { LIMITS } from "../limits/user-limits";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { ApiError, unwrap } from "./errors";
import { SESSION_ID_HEADER } from "./headers";
import { admitStream, openLeasedStream } from "./limits";
import type { CancelAccepted } from "./responses";
import { releaseDeletedSession } from "./session-caps";
import { openEventStream, openSocket, sessionStub } from "./session-client";
import { parseResumePoint, SessionParam, validate } from "./validation";

export const sessionRoutes = new Hono<AppEnv>()
  .get("/:id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const { ok: _ok, ...snapshot } = unwrap(await sessionStub(c.env, id).snapshot(callerOf(c)));
    return c.json(snapshot);
  })
  .get("/:id/events", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const userId = c.get("userId");
    const afterId = parseResumePoint(c.req.header("Last-Event-ID"), c.req.query("last_event_id"));
    const config = loadConfig(c.env);
    const leaseId = await admitStream(c, config, id);
    const response = await openLeasedStream(c, leaseId, (lease) => {
      const params = { caller: callerOf(c), afterId, maxReaders: config.maxStreamsPerSession, lease };
      return openEventStream(sessionStub(c.env, id), params, { [SESSION_ID_HEADER]: id });
    });
    if (response.status === 429) {
      audit(AUDIT_EVENTS.LIMIT_HIT, { user_id: userId, session_id: id, limit: LIMITS.STREAMS_PER_SESSION });
    }
    return response;
  })
  .get("/:id/ws", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("upgrade_required", "this route needs a WebSocket upgrade (Upgrade: websocket)");
    }
    const afterId = parseResumePoint(c.req.header("Last-Event-ID"), c.req.query("last_event_id"));
    const userId = c.get("userId");
    const config = loadConfig(c.env);
    // A socket counts against the user's streams like an SSE stream: one lease, taken first.
    const leaseId = await admitStream(c, config, id);
    const response = await openLeasedStream(c, leaseId, (lease) => {
      const params = { caller: callerOf(c), afterId, maxStreams: config.maxStreamsPerSession, lease };
      return openSocket(sessionStub(c.env, id), params);
    });
    if (response.status === 429) {
      audit(AUDIT_EVENTS.LIMIT_HIT, { user_id: userId, session_id: id, limit: LIMITS.STREAMS_PER_SESSION });
    }
    return response;
  })
  .post("/:id/cancel", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const userId = c.get("userId");
    const { run_id } = unwrap(await sessionStub(c.env, id).cancel(callerOf(c)));
    audit(AUDIT_EVENTS.RUN_CANCELLED, { user_id: userId, session_id: id, run_id });
    return c.json({ session_id: id, run_id, status: "cancelling" } satisfies CancelAccepted, 202);
  })
  .delete("/:id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const userId = c.get("userId");
    unwrap(await sessionStub(c.env, id).destroy(callerOf(c)));
    await releaseDeletedSession(c, id);
    audit(AUDIT_EVENTS.SESSION_DELETED, { user_id: userId, session_id: id });
    return c.body(null, 204);
  });
