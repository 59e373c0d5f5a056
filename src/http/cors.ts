/**
 * CORS from CORS_ORIGINS: a comma-separated list of origins, origins on any port
 * (`http://localhost:*`, what `npm run dev` allows), or `*` when configured so
 * (src/lib/origin-patterns.ts). Unset means no cross-origin access at all (no CORS headers). Runs
 * before authentication, so 4xx answers are readable by the page that caused them, and answers
 * every preflight itself: a preflight carries no credentials, so one that went on to
 * authentication would get a 401 the browser reports as a CORS failure, hiding the real cause.
 */

import type { Context } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { loadAccessConfig } from "../env";
import { originMatcher } from "../lib/origin-patterns";
import { DS_REQUEST_HEADERS, DS_RESPONSE_HEADERS } from "../protocol/durable-streams/headers";
import type { AppEnv } from "./app-env";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";

/** How long a browser may cache a preflight answer, seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Request headers a page may send. */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Accept", "Last-Event-ID", ...DS_REQUEST_HEADERS];

/** Response headers a page may read. */
const EXPOSED_HEADERS = [SESSION_ID_HEADER, RUN_ID_HEADER, READ_TOKEN_HEADER, "Retry-After", ...DS_RESPONSE_HEADERS];

/** A browser's CORS preflight: OPTIONS asking whether a method may be used. */
function isPreflight(c: Context<AppEnv>): boolean {
  return c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method") !== undefined;
}

/** CORS for the origins in CORS_ORIGINS; no CORS headers for any other origin, or when it is unset. */
export const corsFromConfig = createMiddleware<AppEnv>(async (c, next) => {
  const origins = loadAccessConfig(c.env).corsOrigins;
  const origin = c.req.header("Origin");
  if (!originMatcher(origins)(origin)) {
    // Answered without CORS headers, the browser refuses the real request: the page sees a CORS error.
    if (isPreflight(c)) return c.body(null, 204, { Vary: "Origin" });
    return next();
  }
  const middleware = cors({
    origin: origins.includes("*") ? "*" : (requestOrigin) => requestOrigin,
    allowMethods: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  return middleware(c, next);
});
