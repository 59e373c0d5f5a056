/**
 * `GET /usage`: the caller's own live counts against their limits, so a client can see why it was
 * refused (and tests can check that nothing stays counted once streams, runs and sessions have
 * ended), and their tokens today against the daily quota (counted as each run ends). A session's stored bytes are as its object last reported them: at its last activity, and
 * every half minute while a run is active.
 */
import { Hono } from "hono";
import { loadConfig } from "../env";
import { nextUtcMidnight } from "../limits/daily-tokens";
import { userLimitsStub } from "../limits/user-limits-object";
import type { AppEnv } from "./app-env";
import type { Usage } from "./responses";

export const usageRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const userId = c.get("userId");
  const config = loadConfig(c.env);
  const stub = userLimitsStub(c.env, userId);
  const [counts, sessions, tokens] = await Promise.all([stub.counts(), stub.sessions(), stub.tokensToday()]);
  return c.json({
    user_id: userId,
    streams: { open: counts.stream, limit: config.maxStreamsPerUser },
    runs: { active: counts.run, limit: config.maxRunsPerUser },
    sessions: { live: sessions.length, limit: config.maxSessionsPerUser },
    tokens: {
      today: tokens,
      limit_per_day: config.maxTokensPerUserPerDay ?? null,
      resets_at: new Date(nextUtcMidnight(Date.now())).toISOString(),
    },
    log_bytes: {
      limit_per_session: config.maxLogBytesPerSession,
      by_session: Object.fromEntries(sessions.map((session) => [session.id, session.bytes])),
    },
  } satisfies Usage);
});
