/**
 * Worker entry: the Hono API for real-time multi-agent generation over SSE, and its
 * Durable Object classes: one per session, one per user (limits).
 */
import { createApp } from "./http/app";

export { UserLimitsObject } from "./limits/user-limits-object";
export { SessionObject } from "./session/session-object";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
