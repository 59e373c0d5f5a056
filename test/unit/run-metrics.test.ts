/**
 * A finished run's metrics: the figures from its record, the `run_metrics` log line, and the
 * Analytics Engine data point, whose layout must be the one docs/observability.md documents.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { METRICS_BLOBS, METRICS_DOUBLES, metricsDataPoint, runMetrics } from "../../src/agents/run-metrics";
import { newRunRecord, type RunRecord } from "../../src/agents/run-record";
import { recordRunMetrics } from "../../src/session/run-metrics-sink";

function finishedRun(): RunRecord {
  const run = newRunRecord(
    { runId: "r1", mode: "nova3", message: "m", options: {} },
    1,
    Date.parse("2026-12-02T10:00:00Z"),
  );
  run.status = "partial";
  run.finished_at = "2026-12-02T10:00:08.500Z";
  run.resumes = 1;
  run.agents = {
    requirement_analyzer: {
      status: "completed",
      text: "a",
      model: "m1",
      usage: { prompt_tokens: 100, completion_tokens: 40 },
      first_token_ms: 420,
    },
    insight_agent: {
      status: "failed",
      text: "",
      model: "fb",
      retried: { prompt_tokens: 30, completion_tokens: 5 },
      retries: 4,
      fallback: true,
      first_token_ms: 900,
    },
    profile_agent: { status: "skipped", text: "" },
    content_agent: {
      status: "completed",
      text: "b",
      model: "m1",
      usage: { prompt_tokens: 200, completion_tokens: 60 },
      retried: { prompt_tokens: 10, completion_tokens: 2 },
      retries: 1,
      first_token_ms: 300,
    },
  };
  return run;
}

const EXPECTED = {
  pipeline: "nova3",
  status: "partial",
  model: "m-default",
  duration_ms: 8500,
  ttft_ms: 420,
  agent_ttft_ms: { requirement_analyzer: 420, insight_agent: 900, content_agent: 300 },
  prompt_tokens: 340,
  completion_tokens: 107,
  total_tokens: 447,
  retried_tokens: 47,
  retries: 5,
  fallbacks: 1,
  resumes: 1,
  agents: 3,
  failed_agents: 1,
};

/** The `| \`blobN\` | name |` rows of docs/observability.md's layout table. */
function documentedLayout(): Record<string, string> {
  const doc = readFileSync(new URL("../../docs/observability.md", import.meta.url), "utf8");
  const rows = [...doc.matchAll(/^\| `((?:index|blob|double)\d+)`\s*\| (\w+)\s*\|$/gm)];
  return Object.fromEntries(rows.map(([, column, name]) => [column, name]));
}

afterEach(() => vi.restoreAllMocks());

describe("run metrics", () => {
  it("measures a finished run from its record: duration, time to first token, tokens, retries, fallback, resumes", () => {
    expect(runMetrics(finishedRun(), "m-default")).toEqual(EXPECTED);
    const noToken = finishedRun();
    noToken.agents = { requirement_analyzer: { status: "failed", text: "" } };
    noToken.options = { model: "asked" };
    expect(runMetrics(noToken, "m-default")).toMatchObject({ ttft_ms: -1, model: "asked", agents: 1, total_tokens: 0 });
  });

  it("lays the data point out exactly as docs/observability.md documents it", () => {
    const point = metricsDataPoint(runMetrics(finishedRun(), "m-default"), "alice");
    const documented: Record<string, string> = { index1: "pipeline" };
    METRICS_BLOBS.forEach((name, i) => {
      documented[`blob${i + 1}`] = name;
    });
    METRICS_DOUBLES.forEach((name, i) => {
      documented[`double${i + 1}`] = name;
    });
    expect(documentedLayout()).toEqual(documented);
    expect(point).toEqual({
      indexes: ["nova3"],
      blobs: ["nova3", "partial", "alice", "m-default"],
      doubles: [8500, 420, 340, 107, 447, 47, 5, 1, 1, 3, 1],
    });
    // Analytics Engine's limits: one index of at most 96 bytes, 20 blobs, 20 doubles.
    expect(point.blobs.length).toBeLessThanOrEqual(20);
    expect(point.doubles.length).toBeLessThanOrEqual(20);
  });

  it("writes one run_metrics line, and one data point when METRICS is bound; a failing binding never throws", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const writes: unknown[] = [];
    const owner = { userId: "alice", sessionId: "s1" };
    recordRunMetrics({ METRICS: { writeDataPoint: (point) => writes.push(point) } }, finishedRun(), owner, "m-default");
    const lines = log.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
    expect(lines).toEqual([
      { level: "info", msg: "run_metrics", user_id: "alice", session_id: "s1", run_id: "r1", ...EXPECTED },
    ]);
    expect(writes).toEqual([metricsDataPoint(runMetrics(finishedRun(), "m-default"), "alice")]);

    recordRunMetrics({}, finishedRun(), owner, "m-default");
    expect(log).toHaveBeenCalledTimes(2);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = {
      writeDataPoint: () => {
        throw new Error("dataset gone");
      },
    };
    expect(() => recordRunMetrics({ METRICS: broken }, finishedRun(), owner, "m-default")).not.toThrow();
    expect(String(error.mock.calls[0]?.[0])).toContain("run metrics failed");
  });
});
