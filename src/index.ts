/**
 * Worker entry: the Hono API for real-time multi-agent generation over SSE, and the session
 * Durable Object class it routes every session to.
 */
import { createApp } from "./http/app";

export { SessionObject } from "./session/session-object";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
