/** `/sessions/:id`: snapshot, event stream (resumable), cancel and delete. */
import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError, unwrap } from "./errors";
import { openEventStream, openSocket, sessionStub } from "./session-client";
import { parseResumePoint, SessionParam, validate } from "./validation";

export const sessionRoutes = new Hono<AppEnv>()
  .get("/:id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const snapshot: Record<string, unknown> = unwrap(await sessionStub(c.env, id).snapshot(c.get("userId")));
    const { ok: _ok, ...body } = snapshot;
    return c.json(body);
  })
  .get("/:id/events", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const afterId = parseResumePoint(c.req.header("Last-Event-ID"), c.req.query("last_event_id"));
    return openEventStream(sessionStub(c.env, id), { userId: c.get("userId"), afterId }, { "X-Session-Id": id });
  })
  .get("/:id/ws", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("upgrade_required", "this route needs a WebSocket upgrade (Upgrade: websocket)");
    }
    const afterId = parseResumePoint(c.req.header("Last-Event-ID"), c.req.query("last_event_id"));
    return openSocket(sessionStub(c.env, id), { userId: c.get("userId"), afterId, canWrite: true });
  })
  .post("/:id/cancel", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const { run_id } = unwrap(await sessionStub(c.env, id).cancel(c.get("userId")));
    return c.json({ session_id: id, run_id, status: "cancelling" }, 202);
  })
  .delete("/:id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    unwrap(await sessionStub(c.env, id).destroy(c.get("userId")));
    return c.body(null, 204);
  });
