/**
 * A second dev server for the browser tests of failures: `wrangler dev` on the openai provider,
 * pointed at the scriptable fake OpenAI endpoint (test/helpers/fake-openai.ts), so a message's
 * `[[fake ...]]` directives make chosen agents fail, retry or stall under the real page.
 */

import { startTempDevServer, type TempDevServer } from "./dev-server";
import { type FakeOpenAi, startFakeOpenAi } from "./fake-openai";

/**
 * What a `status=429 retry-after=N` directive makes an agent wait, at most, ms: long enough for a
 * test to see and photograph the `retrying` state on a loaded machine.
 */
export const UPSTREAM_RETRY_MAX_MS = 8000;

export interface UpstreamDevServer {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startUpstreamDevServer(): Promise<UpstreamDevServer> {
  const fake: FakeOpenAi = await startFakeOpenAi();
  let server: TempDevServer;
  try {
    server = await startTempDevServer("edge-stream-e2e-upstream", {
      DEV_TOKENS: "on",
      LLM_PROVIDER: "openai",
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: `http://127.0.0.1:${fake.port}/v1`,
      LLM_MODEL: "fake-main",
      LLM_RETRY_BASE_MS: "200",
      LLM_RETRY_MAX_MS: String(UPSTREAM_RETRY_MAX_MS),
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    baseUrl: server.url,
    stop: async () => {
      await server.stop();
      await fake.close();
    },
  };
}

/** A `[[fake ...]]` directive for a message typed into the page (grammar: test/helpers/fake-openai.ts). */
export function fakeDirective(params: Record<string, string | number>): string {
  const pairs = Object.entries(params).map(([name, value]) => `${name}=${value}`);
  return `[[fake ${pairs.join(" ")}]]`;
}
