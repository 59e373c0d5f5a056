/**
 * Three test projects: `unit` runs pure modules under Node; `workers` runs inside workerd through
 * @cloudflare/vitest-pool-workers with the real Worker, Durable Objects and SQLite storage; `e2e`
 * drives the demo page in headless Chromium against `wrangler dev` (skipped, saying why, when
 * Chromium is missing).
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
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
