/**
 * `GET /sessions/:id/relay/:n/stream` (RELAYS=on; docs/scale.md): a session's events through its
 * relay `n`, resumable by Last-Event-ID like `/sessions/:id/events`. The caller's access is
 * checked at the session first (session/access.ts, as for the session's own stream); the relay
 * then serves the follower from its copy of the log. A relay stream counts against the user's
 * streams like the session's own (one stream lease, MAX_STREAMS_PER_USER), and each relay admits at
 * most MAX_STREAMS_PER_SESSION followers, as the session object does. With RELAYS=off the route
 * is the app's 404.
 */
import { Hono } from "hono";
import { z } from "zod";
import { AUDIT_EVENTS, audit } from "../audit";
import { loadConfig } from "../env";
import { LIMITS } from "../limits/user-limits";
import { MAX_RELAYS_PER_SESSION } from "../relay/relay-names";
import { followUrl, relayStub } from "../relay/relay-object";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { ApiError } from "./errors";
import { SESSION_ID_HEADER } from "./headers";
import { admitStream, openLeasedStream } from "./limits";
import { SSE_HEADERS, sessionStub } from "./session-client";
import { parseResumePoint, SessionParam, validate } from "./validation";

const RelayNumber = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_RELAYS_PER_SESSION - 1);

export const relayRoutes = new Hono<AppEnv>();

relayRoutes.use("/:id/relay/*", async (c, next) => {
  if (!loadConfig(c.env).relays) return c.notFound();
  await next();
});

relayRoutes.get("/:id/relay/:n/stream", validate("param", SessionParam.extend({ n: z.string() })), async (c) => {
  const { id, n: rawN } = c.req.valid("param");
  const n = RelayNumber.safeParse(rawN);
  if (!n.success)
    throw new ApiError("bad_request", `relay: must be a whole number from 0 to ${MAX_RELAYS_PER_SESSION - 1}`);
  const afterId = parseResumePoint(c.req.header("Last-Event-ID"), c.req.query("last_event_id"));
  // The session answers for the caller exactly as for its own stream; its head bounds the resume point.
  const access = await sessionStub(c.env, id).streamPage(callerOf(c), Number.MAX_SAFE_INTEGER, 1);
  if (access === undefined) throw new ApiError("not_found", "session not found");
  const config = loadConfig(c.env);
  const leaseId = await admitStream(c, config, id);
  const response = await openLeasedStream(c, leaseId, (lease) => {
    const url = followUrl(id, afterId, access.head, callerOf(c), { maxFollowers: config.maxStreamsPerSession, lease });
    return relayStub(c.env, id, n.data).fetch(url);
  });
  if (response.status === 429) {
    audit(AUDIT_EVENTS.LIMIT_HIT, { user_id: c.get("userId"), session_id: id, limit: LIMITS.STREAMS_PER_SESSION });
  }
  if (response.status !== 200) return response;
  return new Response(response.body, { headers: { ...SSE_HEADERS, [SESSION_ID_HEADER]: id } });
});
