/**
 * Test projects: `unit` runs pure modules under Node; `workers` runs inside workerd through
 * @cloudflare/vitest-pool-workers with the real Worker, Durable Objects and SQLite storage, on the
 * demo model; `llm` runs the same way on the real openai client against a local fake endpoint
 * (test/helpers/fake-openai.ts, started by its globalSetup); `limits` is the same Worker with small
 * limits, short leases and a slower demo model, so a test can hold streams and runs open long
 * enough to hit each limit for real; `e2e` drives the demo page in headless Chromium against
 * `wrangler dev` (skipped, saying why, when Chromium is missing), and tests WebSocket hibernation
 * against its own `wrangler dev` from Node (with or without Chromium), as it does the Agents SDK
 * peer of the bench (bench/agents-peer/); `package` builds and packs
 * the client library and installs the tarball into a fresh project, as an app would. The projects
 * whose tests import `@edge-stream/client` build it first (test/helpers/build-client-setup.ts).
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Test-only signing secret (tokens in tests are signed with it; never used anywhere else). */
const AUTH_SECRET = "test-only-secret-0123456789abcdef0123456789abcdef";

/** Limits high enough that functional tests with many readers or runs are never throttled. */
const RAISED_LIMITS = {
  MAX_STREAMS_PER_USER: "500",
  MAX_STREAMS_PER_SESSION: "500",
  MAX_RUNS_PER_USER: "50",
  RUN_RATE_PER_MINUTE: "6000",
  RUN_BURST: "500",
  MAX_SESSIONS_PER_USER: "100000",
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/build-client-setup.ts"],
        },
      },
      {
        // The client package as an app gets it: built, packed, installed into a fresh project.
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // Fast, deterministic runs: 1 ms a token, short answers, merging on.
              bindings: {
                DEMO_TOKEN_DELAY_MS: "1",
                DEMO_TOKENS: "24",
                CHUNK_WINDOW_MS: "5",
                CHUNK_MAX_MS: "40",
                AUTH_SECRET,
                ...RAISED_LIMITS,
                // Small enough to fill in a test (test/integration/durable-streams-hostile.test.ts).
                MAX_STREAM_BYTES: "1048576",
                MAX_STREAM_APPEND_BYTES: "2097152",
                MAX_DURABLE_STREAMS_PER_USER: "60",
                STREAM_APPENDS_PER_SECOND: "10",
                STREAM_APPEND_BURST: "100",
                // Relay objects (docs/scale.md) on here; test/integration/relay.test.ts checks them off too.
                RELAYS: "on",
              },
              // The METRICS binding wrangler.toml leaves commented out (docs/observability.md).
              analyticsEngineDatasets: { METRICS: { dataset: "edge_stream_runs" } },
            },
          }),
        ],
        test: { name: "workers", include: ["test/integration/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                LLM_PROVIDER: "openai",
                OPENAI_API_KEY: "test",
                OPENAI_BASE_URL: `http://127.0.0.1:${inject("fakeOpenAiPort")}/v1`,
                LLM_MODEL: "fake-main",
                LLM_MODEL_OPTIMIZATION_AGENT: "fake-polish",
                LLM_FALLBACK_MODEL: "fake-fallback",
                // What a request's options may name (test/llm/options.test.ts).
                LLM_ALLOWED_MODELS: "fake-main,fake-alt,fake-polish",
                // Small waits so retries run fast; the idle timeout stays well above a loaded machine's hiccups.
                LLM_RETRY_BASE_MS: "10",
                LLM_RETRY_MAX_MS: "3000",
                LLM_IDLE_TIMEOUT_MS: "1500",
                CHUNK_WINDOW_MS: "5",
                CHUNK_MAX_MS: "40",
                AUTH_SECRET,
                ...RAISED_LIMITS,
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
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // Runs last several seconds (50 ms a token); limits small enough to reach in a test.
              bindings: {
                DEMO_TOKEN_DELAY_MS: "50",
                DEMO_TOKENS: "24",
                CHUNK_WINDOW_MS: "5",
                CHUNK_MAX_MS: "40",
                AUTH_SECRET,
                MAX_STREAMS_PER_USER: "3",
                MAX_STREAMS_PER_SESSION: "2",
                MAX_RUNS_PER_USER: "2",
                RUN_RATE_PER_MINUTE: "6",
                RUN_BURST: "6",
                MAX_SESSIONS_PER_USER: "3",
                // About two runs with a 62 KB message each (test/limits/session-caps.test.ts).
                MAX_LOG_BYTES_PER_SESSION: "262144",
                STREAM_LEASE_SECONDS: "2",
                // Short leases need frequent heartbeats: an idle stream renews only when it wakes.
                HEARTBEAT_MS: "500",
              },
            },
          }),
        ],
        test: { name: "limits", include: ["test/limits/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        // Durable Streams (docs/durable-streams.md): the protocol's own conformance suite, the
        // official client and a Python producer, against one `wrangler dev`.
        test: {
          name: "durable-streams",
          include: ["test/durable-streams/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/durable-streams/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/build-client-setup.ts", "test/e2e/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // A browser test that fails runs once more (README, Testing): twice in CI a page did not
          // get ready under a loaded machine, untraced. A test that fails twice fails the run.
          retry: 1,
        },
      },
    ],
  },
});
