/**
 * `GET /usage`: the caller's own live counts against their limits, so a client can see why it was
 * refused (and tests can check that nothing stays counted once streams and runs have ended).
 */
import { Hono } from "hono";
import { loadConfig } from "../env";
import { userLimitsStub } from "../limits/user-limits-object";
import type { AppEnv } from "./app-env";

export const usageRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const userId = c.get("userId");
  const config = loadConfig(c.env);
  const counts = await userLimitsStub(c.env, userId).counts();
  return c.json({
    user_id: userId,
    streams: { open: counts.stream, limit: config.maxStreamsPerUser },
    runs: { active: counts.run, limit: config.maxRunsPerUser },
  });
});
