/**
 * Durable Streams under /v1/stream/* (docs/durable-streams.md): each stream path is one
 * StreamObject, which answers the protocol; this sub-app checks the path and forwards the
 * authenticated request with the user's id. `/v1/stream/sessions/<id>` is a session's event log
 * read as a stream (session-stream-routes.ts), so that prefix names no stream.
 */
import { Hono } from "hono";
import { signReadToken } from "../auth/tokens";
import { loadConfig } from "../env";
import { userLimitsStub } from "../limits/user-limits-object";
import { errorResponse } from "../protocol/errors";
import { STREAM_PATH_HEADER, STREAM_USER_HEADER } from "../streams/stream-handler";
import { STREAM_PREFIX, streamObject } from "../streams/stream-stub";
import type { AppEnv } from "./app-env";
import { streamGrant } from "./auth";
import { READ_TOKEN_HEADER } from "./headers";
import { refuse } from "./limits";
import { sessionStreamRoutes } from "./session-stream-routes";

/** Longest stream path, characters (it is part of every request URL). */
const MAX_PATH_CHARS = 512;
/** A stream path: URL path characters, no empty segment, no dot segment. */
const PATH_PATTERN = /^(?!.*\/\/)(?!\/)(?!.*\/$)(?!(.*\/)?\.\.?(\/|$))[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$/;

/** Headers on every Durable Streams response (PROTOCOL.md section 12.7). */
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Cross-Origin-Resource-Policy": "cross-origin",
} as const;

/** The same response with the security headers added (a fetched response's headers are immutable). */
function secured(response: Response): Response {
  const out = new Response(response.body, response);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out.headers.set(name, value);
  return out;
}

export const streamRoutes = new Hono<AppEnv>();

streamRoutes.route("/sessions", sessionStreamRoutes);

/** The protocol's methods; any other is 404 like any unknown route. */
export const STREAM_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"];

streamRoutes.on(STREAM_METHODS, "/:path{.+}", async (c) => {
  const url = new URL(c.req.url);
  const path = url.pathname.slice(STREAM_PREFIX.length);
  if (path.length > MAX_PATH_CHARS || !PATH_PATTERN.test(path)) {
    return secured(
      errorResponse("bad_request", "a stream path is up to 512 URL path characters, without empty or dot segments"),
    );
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(STREAM_USER_HEADER, c.get("userId"));
  headers.set(STREAM_PATH_HEADER, path);
  headers.delete("Authorization");
  const method = c.req.method;
  if (method === "POST") {
    const config = loadConfig(c.env);
    const rate = { perMinute: config.streamAppendsPerSecond * 60, burst: config.streamAppendBurst };
    const admission = await userLimitsStub(c.env, c.get("userId")).admitStreamAppend(rate);
    if (!admission.ok) refuse(c, admission);
  }
  const body = method === "PUT" || method === "POST" ? await c.req.arrayBuffer() : undefined;
  const response = secured(await streamObject(c.env, path).fetch(url.toString(), { method, headers, body }));
  if (method === "PUT" && (response.status === 201 || response.status === 200)) {
    // The owner may hand reading on: a read token for this stream, as a run start gives one for its session.
    const grant = { userId: c.get("userId"), sessionId: streamGrant(path) };
    const ttl = loadConfig(c.env).readTokenTtlSeconds;
    response.headers.set(READ_TOKEN_HEADER, await signReadToken(c.get("authSecret"), grant, ttl));
  }
  return response;
});
