/**
 * Authentication: every route behind this middleware needs `Authorization: Bearer <user JWT>`, or,
 * for the read routes only, `?token=<read token or share token>` for that very session (a share
 * token's caller is `share:<id>`; whether the link still stands is the session's to say). No AUTH_SECRET means
 * 503 for all of them: the API never runs open by accident.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AUDIT_EVENTS, audit } from "../audit";
import { isShareToken, verifyShareToken } from "../auth/share-tokens";
import { MIN_SECRET_CHARS, type TokenCheck, verifyReadToken, verifyUserToken } from "../auth/tokens";
import { loadAccessConfig } from "../env";
import { shareCaller } from "../session/access";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/**
 * GET paths a read token opens: the snapshot, the event stream, the WebSocket and the relay streams
 * (RELAYS=on, docs/scale.md) of the session it names.
 */
const READ_ROUTE =
  /^\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/events|\/ws|\/relay\/[^/]+\/stream)?$/i;

/** The session's log read as a Durable Stream (http/session-stream-routes.ts): a read token opens it too. */
const STREAM_READ_ROUTE = /^\/v1\/stream\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Any other Durable Stream: its read token (minted at its creation) names `stream:<path>`. */
const DURABLE_STREAM_ROUTE = /^\/v1\/stream\/(?!sessions\/)(.+)$/;

/** What a read token names for a Durable Stream's path (http/stream-routes.ts mints it). */
export function streamGrant(path: string): string {
  return `stream:${path}`;
}

/**
 * What a read token would have to name for this request (a session id, or a stream's grant), or
 * undefined if no read token may serve it. `path` is the URL's raw path.
 */
export function readableSession(method: string, path: string): string | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  const session = STREAM_READ_ROUTE.exec(path)?.[1] ?? (method === "GET" ? READ_ROUTE.exec(path)?.[1] : undefined);
  if (session !== undefined) return session;
  const stream = DURABLE_STREAM_ROUTE.exec(path)?.[1];
  return stream === undefined ? undefined : streamGrant(stream);
}

/** AUTH_SECRET if it is usable; otherwise the 503 that explains what to set. */
export function requireSecret(env: object): string {
  const secret = loadAccessConfig(env).authSecret;
  if (secret === undefined) {
    throw new ApiError(
      "not_configured",
      "AUTH_SECRET is not set: this API refuses every authenticated request until the secret is configured (wrangler secret put AUTH_SECRET)",
    );
  }
  if (secret.length < MIN_SECRET_CHARS) {
    throw new ApiError(
      "not_configured",
      `AUTH_SECRET is too short: it must be at least ${MIN_SECRET_CHARS} characters`,
    );
  }
  return secret;
}

async function check(
  c: Context<AppEnv>,
  secret: string,
): Promise<TokenCheck | { ok: true; userId: string; shareId: string }> {
  const header = c.req.header("Authorization");
  if (header !== undefined) {
    const bearer = /^Bearer +([^\s]+) *$/i.exec(header);
    if (!bearer) return { ok: false, reason: "Authorization header must be 'Bearer <token>'" };
    const access = loadAccessConfig(c.env);
    const { issuer, audience, jwksUrl } = access;
    return verifyUserToken(bearer[1], { secret, issuer, audience, jwksUrl });
  }
  const token = c.req.query("token");
  if (token === undefined) return { ok: false, reason: "missing Authorization: Bearer token" };
  const sessionId = readableSession(c.req.method, new URL(c.req.url).pathname);
  if (sessionId === undefined) {
    return {
      ok: false,
      reason:
        "a read token only opens GET /sessions/:id, /sessions/:id/events, /sessions/:id/ws, /sessions/:id/relay/:n/stream and GET/HEAD /v1/stream/*",
    };
  }
  if (!isShareToken(token)) return verifyReadToken(token, secret, sessionId);
  const share = await verifyShareToken(token, secret, sessionId);
  return share.ok ? { ok: true, userId: shareCaller(share.shareId).userId, shareId: share.shareId } : share;
}

/** Sets `userId` from a valid token or answers 401 (503 without AUTH_SECRET). */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const secret = requireSecret(c.env);
  const result = await check(c, secret);
  if (!result.ok) {
    audit(AUDIT_EVENTS.AUTH_REFUSED, { user_id: null, reason: result.reason, method: c.req.method, path: c.req.path });
    throw new ApiError("unauthorized", result.reason, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  }
  c.set("userId", result.userId);
  if ("shareId" in result) c.set("shareId", result.shareId);
  c.set("authSecret", secret);
  c.set("readOnly", c.req.header("Authorization") === undefined);
  await next();
});
