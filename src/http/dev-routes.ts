/**
 * `GET /dev/token?user=<name>`: a user token for local development, so the demo page needs no
 * manual step. It exists only when DEV_TOKENS is "on" AND the runtime reports a peer on this
 * machine (src/http/loopback-peer.ts) AND the request names a loopback host; anywhere else it is
 * the same 404 as any unknown route. The Host proves nothing about the peer (any client can send
 * `Host: localhost`); it is checked so that a page on another name that a browser was made to
 * resolve to 127.0.0.1 (DNS rebinding) cannot read a token. Never set DEV_TOKENS in production.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { signUserToken, UserId } from "../auth/tokens";
import { loadAccessConfig } from "../env";
import type { AppEnv } from "./app-env";
import { requireSecret } from "./auth";
import { ApiError } from "./errors";
import { fromLoopbackPeer } from "./loopback-peer";
import type { DevToken } from "./responses";
import { validate } from "./validation";

/** Lifetime of a dev token, seconds: a working day. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

/** Host names a browser on this machine uses for the dev server (URL parsing normalizes `127.1` and the like to these). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `?user=`: the token's user id, in characters a log line and a URL carry plainly. */
export const DevTokenQuery = z.object({ user: UserId.regex(/^[\w.@-]+$/, "must be letters, digits or . _ @ -") });

const onlyWhenEnabled = createMiddleware<AppEnv>(async (c, next) => {
  const enabled =
    loadAccessConfig(c.env).devTokens &&
    fromLoopbackPeer(c.req.raw.headers) &&
    LOOPBACK_HOSTS.has(new URL(c.req.url).hostname);
  if (!enabled) throw new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`);
  await next();
});

/** Mounted at `/dev`, before authentication. */
export const devRoutes = new Hono<AppEnv>().get(
  "/token",
  onlyWhenEnabled,
  validate("query", DevTokenQuery),
  async (c) => {
    const secret = requireSecret(c.env);
    const { user } = c.req.valid("query");
    const access = loadAccessConfig(c.env);
    const settings = { secret, issuer: access.issuer, audience: access.audience };
    const token = await signUserToken(settings, user, DEV_TOKEN_TTL_SECONDS);
    return c.json({ token, user, expires_in: DEV_TOKEN_TTL_SECONDS } satisfies DevToken);
  },
);
