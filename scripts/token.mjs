#!/usr/bin/env node
/**
 * `npm run token -- <user> [ttl-seconds]`: prints a user token (HS256 JWT, `sub` = user) for the
 * local server, signed with the same library the Worker verifies with (hono/jwt).
 *
 * The secret is AUTH_SECRET from the environment when set (a token for a server you configured
 * yourself); otherwise the dev-only secret that `npm run dev` passes to wrangler, read from the
 * "dev" script in package.json so it is written down in exactly one place. AUTH_ISSUER and
 * AUTH_AUDIENCE from the environment become `iss` / `aud` when set.
 */
import { sign } from "hono/jwt";
import { devSecret } from "./dev-config.mjs";

const DEFAULT_TTL_SECONDS = 12 * 3600;

const [user, ttlArg] = process.argv.slice(2);
if (!user || !/^[\w.@-]{1,128}$/.test(user)) {
  console.error("usage: npm run token -- <user> [ttl-seconds]   (user: letters, digits, . _ @ -)");
  process.exit(2);
}
const ttl = ttlArg === undefined ? DEFAULT_TTL_SECONDS : Number(ttlArg);
if (!Number.isSafeInteger(ttl) || ttl <= 0) {
  console.error("ttl-seconds must be a positive integer");
  process.exit(2);
}
const secret = process.env.AUTH_SECRET || devSecret();
const now = Math.floor(Date.now() / 1000);
const claims = { sub: user, iat: now, exp: now + ttl };
if (process.env.AUTH_ISSUER) claims.iss = process.env.AUTH_ISSUER;
if (process.env.AUTH_AUDIENCE) claims.aud = process.env.AUTH_AUDIENCE;
console.log(await sign(claims, secret, "HS256"));
