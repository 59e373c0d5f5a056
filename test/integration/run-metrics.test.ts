/**
 * Every finished run leaves one `run_metrics` line, and with the METRICS Analytics Engine
 * binding (bound in this project's Miniflare config), one data point laid out as documented.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { METRICS_BLOBS, METRICS_DOUBLES } from "../../src/agents/run-metrics";
import type { RunUsage, StreamEvent } from "../../src/protocol/events";
import { postChat, TEST_USER, waitIdle } from "../helpers/api";
import { readSse } from "../helpers/sse";

afterEach(() => vi.restoreAllMocks());

const metricsLines = (log: { mock: { calls: unknown[][] } }) =>
  log.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.includes('"msg":"run_metrics"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("run metrics", () => {
  it("logs one run_metrics line per finished run and writes its data point to METRICS", async () => {
    const dataset = (env as unknown as { METRICS?: AnalyticsEngineDataset }).METRICS;
    expect(dataset, "the workers project binds METRICS").toBeDefined();
    const write = vi.spyOn(dataset as AnalyticsEngineDataset, "writeDataPoint");
    const log = vi.spyOn(console, "log");
    const res = await postChat("runs/loomi", { message: "Write a tagline for a solar backpack" });
    const runId = res.headers.get("X-Run-Id");
    const { events } = await readSse(res);
    await waitIdle(res.headers.get("X-Session-Id") ?? "");
    const usage = (events.at(-1) as StreamEvent<"run_complete">).payload.usage as RunUsage;
    const line = await vi.waitFor(() => {
      const found = metricsLines(log).find((l) => l.run_id === runId);
      if (!found) throw new Error("no run_metrics line yet");
      return found;
    });
    expect(line).toMatchObject({
      level: "info",
      user_id: TEST_USER,
      pipeline: "loomi",
      status: "completed",
      model: "demo",
      total_tokens: usage.total_tokens,
      retries: 0,
      fallbacks: 0,
      resumes: 0,
      agents: 2,
      failed_agents: 0,
    });
    expect(line.duration_ms).toBeGreaterThan(0);
    expect(line.ttft_ms).toBeGreaterThanOrEqual(0);
    expect(Object.keys(line.agent_ttft_ms as object)).toEqual(["loomi_concierge", "content_agent"]);
    expect(metricsLines(log).filter((l) => l.run_id === runId)).toHaveLength(1);
    // The same isolate serves the session object here, so its writes reach the spy.
    const point = write.mock.calls.map((call) => call[0]).find((p) => p?.blobs?.[2] === TEST_USER);
    expect(point).toBeDefined();
    expect(point?.indexes).toEqual(["loomi"]);
    expect(point?.blobs).toEqual(METRICS_BLOBS.map((name) => line[name]));
    expect(point?.doubles).toEqual(METRICS_DOUBLES.map((name) => line[name]));
  });
});
