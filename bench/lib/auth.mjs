/**
 * The bench acts as one authenticated user: its servers get a bench-only AUTH_SECRET and limits
 * lifted far above what the scenarios need (limits are not what the bench measures), and every
 * request carries that user's bearer token.
 */
import { sign } from "hono/jwt";

const BENCH_SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef";

/** Vars every bench server gets: each limit at the most the settings schema accepts. */
export const AUTH_VARS = {
  AUTH_SECRET: BENCH_SECRET,
  MAX_STREAMS_PER_USER: "10000",
  MAX_STREAMS_PER_SESSION: "10000",
  MAX_RUNS_PER_USER: "1000",
  MAX_SESSIONS_PER_USER: "100000",
  RUN_RATE_PER_MINUTE: "100000",
  RUN_BURST: "10000",
};

const now = Math.floor(Date.now() / 1000);
/** `Authorization` header value for the bench user (valid for a day). */
export const AUTHORIZATION = `Bearer ${await sign({ sub: "bench", iat: now, exp: now + 86_400 }, BENCH_SECRET, "HS256")}`;

/** Adds the bench user's token to every fetch that has no Authorization of its own. */
export function authorizeFetch() {
  const plain = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("Authorization")) headers.set("Authorization", AUTHORIZATION);
    return plain(input, { ...init, headers });
  };
}
