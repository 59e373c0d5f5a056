/**
 * Worker entry: the Hono API for real-time multi-agent generation over SSE, and its
 * Durable Object classes: one per session, one per user (limits).
 */
import { env } from "cloudflare:workers";
import { validateSettings } from "./env";
import { createApp } from "./http/app";

export { UserLimitsObject } from "./limits/user-limits-object";
export { RelayObject } from "./relay/relay-object";
export { SessionObject } from "./session/session-object";
export { StreamObject } from "./streams/stream-object";

// A bad setting stops the Worker here, as it starts (wrangler dev, a deploy), naming each one,
// rather than failing every request later.
validateSettings(env);

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
