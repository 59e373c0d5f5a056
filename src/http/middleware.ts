/** Small request guards shared by routes. */
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../env";
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

/**
 * Bodies larger than MAX_BODY_BYTES (MAX_STREAM_APPEND_BYTES for Durable Streams under
 * /v1/stream/) are refused with 413 before anything reads them whole.
 */
export const limitBody = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const maxSize = c.req.path.startsWith("/v1/stream/") ? config.maxStreamAppendBytes : config.maxBodyBytes;
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `request body must be at most ${maxSize} bytes`);
    },
  });
  return limit(c, next);
});
