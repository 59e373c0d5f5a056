/** Small request guards shared by routes. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/** Bodies must be declared JSON. */
export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Content-Type must be application/json");
  }
  await next();
});

/** Until authentication lands every caller is the same local user. */
export const anonymousUser = createMiddleware<AppEnv>(async (c, next) => {
  c.set("userId", "anonymous");
  await next();
});
