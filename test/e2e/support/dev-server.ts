/**
 * The dev server for the browser tests: the shared `wrangler dev` launcher (test/support) with dev
 * tokens on and the demo model at a watchable pace, on fresh persisted state that is removed after.
 */
import { startTempDevServer } from "../../support/dev-server";

export interface DevServer {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<DevServer> {
  const server = await startTempDevServer("edge-stream-e2e", { DEV_TOKENS: "on", DEMO_TOKEN_DELAY_MS: "20" });
  return { baseUrl: server.url, stop: () => server.stop() };
}
