/**
 * Test projects: `unit` runs pure modules under Node; `workers` runs inside workerd through
 * @cloudflare/vitest-pool-workers with the real Worker, Durable Objects and SQLite storage, on the
 * demo model; `llm` runs the same way on the real openai client against a local fake endpoint
 * (test/helpers/fake-openai.ts, started by its globalSetup).
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.jsonc" },
            miniflare: {
              // Fast, deterministic runs: 1 ms a token, short answers, merging on.
              bindings: { DEMO_TOKEN_DELAY_MS: "1", DEMO_TOKENS: "24", CHUNK_WINDOW_MS: "5", CHUNK_MAX_MS: "40" },
            },
          }),
        ],
        test: { name: "workers", include: ["test/integration/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.jsonc" },
            miniflare: {
              bindings: {
                LLM_PROVIDER: "openai",
                OPENAI_API_KEY: "test",
                OPENAI_BASE_URL: `http://127.0.0.1:${inject("fakeOpenAiPort")}/v1`,
                LLM_MODEL: "fake-main",
                LLM_MODEL_OPTIMIZATION_AGENT: "fake-polish",
                LLM_FALLBACK_MODEL: "fake-fallback",
                // Small waits so retries run fast; the idle timeout stays well above a loaded machine's hiccups.
                LLM_RETRY_BASE_MS: "10",
                LLM_RETRY_MAX_MS: "3000",
                LLM_IDLE_TIMEOUT_MS: "1500",
                CHUNK_WINDOW_MS: "5",
                CHUNK_MAX_MS: "40",
              },
            },
          })),
        ],
        test: {
          name: "llm",
          include: ["test/llm/**/*.test.ts"],
          globalSetup: ["test/helpers/fake-openai-setup.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
