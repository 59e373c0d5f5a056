/**
 * A Worker configured for local development (the published dev secret, or DEV_TOKENS on) serves
 * its authenticated routes to this machine only: anyone else gets 503 `insecure_config` saying
 * why, and the refusal is audited. Such a configuration deployed by mistake is then visibly
 * broken instead of handing out tokens or accepting tokens anyone can sign.
 *
 * "This machine" is the runtime's peer address (src/http/loopback-peer.ts), the one signal the
 * client cannot set on Cloudflare; a var or define that only `npm run dev` passes would not do,
 * since `wrangler deploy` takes `--var` and `--define` too. docs/security.md has the reasoning.
 */
import { createMiddleware } from "hono/factory";
import { AUDIT_EVENTS, audit } from "../audit";
import { DEV_AUTH_SECRET } from "../auth/dev-secret";
import { loadAccessConfig } from "../env";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { fromLoopbackPeer } from "./loopback-peer";

/** Why this configuration is for local development only (fixed phrases); empty when it may serve anyone. */
export function developmentOnly(env: object): string[] {
  const access = loadAccessConfig(env);
  const reasons: string[] = [];
  if (access.authSecret === DEV_AUTH_SECRET) reasons.push("AUTH_SECRET is the published development secret");
  if (access.devTokens) reasons.push("DEV_TOKENS is on");
  return reasons;
}

/** Mounted in front of authentication: 503 for a development configuration unless the peer is this machine. */
export const refuseDevelopmentConfig = createMiddleware<AppEnv>(async (c, next) => {
  const reasons = developmentOnly(c.env);
  if (reasons.length > 0 && !fromLoopbackPeer(c.req.raw.headers)) {
    const why = reasons.join(" and ");
    audit(AUDIT_EVENTS.CONFIG_REFUSED, { user_id: null, reason: why, method: c.req.method, path: c.req.path });
    throw new ApiError(
      "insecure_config",
      `${why}: this configuration is for local development (npm run dev) and serves requests from this machine only; ` +
        "set a secret of your own (wrangler secret put AUTH_SECRET) and remove DEV_TOKENS to serve others",
    );
  }
  await next();
});
