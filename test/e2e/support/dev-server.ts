/**
 * The dev server for the browser tests: the shared `wrangler dev` launcher (test/support) with dev
 * tokens on and the demo model at a watchable pace, on fresh persisted state that is removed after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevServer as startWrangler } from "../../support/dev-server";

export interface DevServer {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<DevServer> {
  const persistTo = mkdtempSync(join(tmpdir(), "edge-stream-e2e-"));
  const server = await startWrangler({ persistTo, vars: { DEV_TOKENS: "on", DEMO_TOKEN_DELAY_MS: "20" } });
  return {
    baseUrl: server.url,
    stop: async () => {
      await server.kill("SIGTERM");
      await server.kill("SIGKILL");
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
