/**
 * Setup of the `durable-streams` project: one `wrangler dev` for the conformance suite, the
 * interop tests with `@durable-streams/client` and the Python producer. Long-polls answer after
 * 2 s (not 20) so the suite's timeout cases run quickly; the demo model runs fast.
 */
import type { TestProject } from "vitest/node";
import { startTempDevServer } from "../helpers/dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the wrangler dev server under test. */
    dsBaseUrl: string;
  }
}

/** What the server under test is started with. */
export const DS_SERVER_VARS = {
  STREAM_LONG_POLL_MS: "2000",
  STREAM_SSE_LIFETIME_MS: "60000",
  // The suite's preflight test asks as this origin; CORS stays limited to the configured origins.
  CORS_ORIGINS: "https://example.com",
  DEMO_TOKEN_DELAY_MS: "2",
  DEMO_TOKENS: "24",
  MAX_STREAMS_PER_USER: "500",
  // The suite creates thousands of streams and appends as fast as it can, all as one user.
  MAX_DURABLE_STREAMS_PER_USER: "100000",
  STREAM_APPENDS_PER_SECOND: "100000",
  STREAM_APPEND_BURST: "100000",
  MAX_SESSIONS_PER_USER: "100000",
  RUN_RATE_PER_MINUTE: "6000",
  RUN_BURST: "500",
} as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTempDevServer("edge-stream-ds", DS_SERVER_VARS);
  project.provide("dsBaseUrl", server.url);
  return () => server.stop();
}
