/**
 * CORS from CORS_ORIGINS: a comma-separated list of origins, or `*` when configured so. Unset means
 * no cross-origin access at all (no CORS headers). Runs before authentication so preflights, which
 * carry no credentials, succeed, and so 4xx answers are readable by the page that caused them.
 */

import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { loadAccessConfig } from "../env";
import type { AppEnv } from "./app-env";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "./headers";

/** How long a browser may cache a preflight answer, seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Request headers a page may send. */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Accept", "Last-Event-ID"];

/** Response headers a page may read. */
const EXPOSED_HEADERS = [SESSION_ID_HEADER, RUN_ID_HEADER, READ_TOKEN_HEADER, "Retry-After"];

/** CORS for the origins in CORS_ORIGINS; does nothing when it is unset. */
export const corsFromConfig = createMiddleware<AppEnv>(async (c, next) => {
  const origins = loadAccessConfig(c.env).corsOrigins;
  if (origins.length === 0) return next();
  const middleware = cors({
    origin: origins.includes("*") ? "*" : origins,
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  return middleware(c, next);
});
