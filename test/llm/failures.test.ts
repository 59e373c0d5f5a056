/**
 * Agents that fail for good, and cancel: error isolation between parallel agents, a required
 * agent failing the run, and a cancel that aborts the upstream request at once.
 */
import { describe, expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { api, startDetached } from "../helpers/api";
import { fake, fakeRequests, scenarioId, waitForRequests } from "../helpers/fake-control";
import { eventsOf, expectIntact, NOVA3_CONTENT, readWholeRun, runChat } from "../helpers/run-events";

describe("openai provider: agents failing for good", () => {
  it("isolates a parallel agent that keeps failing: the others finish and the run is partial", async () => {
    const s = scenarioId("partial");
    const { events, complete } = await runChat("novachat", {
      message: `Partial ${fake(s, { agent: "insight_agent", status: 500, times: "all" })}`,
    });
    expect(complete.payload.status).toBe(RUN_STATUSES.PARTIAL);
    const final = eventsOf(events, EVENT_TYPES.ERROR).filter((e) => !e.payload.will_retry);
    expect(final).toHaveLength(1);
    expect(final[0].agent_source).toBe("insight_agent");
    expect(final[0].payload).toMatchObject({ error_type: ERROR_TYPES.SERVER_ERROR, retry_count: 4 });
    expect(complete.payload.agents).toMatchObject({
      insight_agent: { status: "failed", chars: 0 },
      profile_agent: { status: "completed" },
      content_agent: { status: "completed" },
      optimization_agent: { status: "completed" },
    });
    const texts = expectIntact(events, NOVA3_CONTENT);
    expect(texts.insight_agent).toBe("");
    // The content agent went on with what it had: the profile, not the insights.
    const requests = await fakeRequests(s);
    const content = requests.find((r) => r.agent === "content agent");
    expect(content?.messages.at(-1)?.content).toContain("## profile_agent");
    expect(content?.messages.at(-1)?.content).not.toContain("## insight_agent");
    // Three retries and the fallback: five attempts, never more.
    expect(requests.filter((r) => r.agent === "insight agent")).toHaveLength(5);
    const progress = eventsOf(events, EVENT_TYPES.PROGRESS).map((e) => e.payload.percent);
    expect(progress).toEqual([20, 40, 60, 80, 100]);
  });

  it("fails the run with a clear error when a required agent fails for good", async () => {
    const s = scenarioId("required");
    const { events, complete } = await runChat("novachat", {
      message: `Required ${fake(s, { agent: "content_agent", status: 502, times: "all" })}`,
    });
    expect(complete.payload.status).toBe(RUN_STATUSES.FAILED);
    expect(complete.payload.content).toBe("");
    expect(complete.payload.agents.content_agent).toMatchObject({ status: "failed" });
    expect(complete.payload.agents.optimization_agent).toBeUndefined();
    const supervisor = eventsOf(events, EVENT_TYPES.ERROR, "supervisor");
    expect(supervisor).toHaveLength(1);
    expect(supervisor[0].payload).toMatchObject({ will_retry: false });
    expect(supervisor[0].payload.error).toMatch(/^required agent content_agent failed: HTTP 502/);
    expect(eventsOf(events, EVENT_TYPES.AGENT_START, "optimization_agent")).toEqual([]);
    expectIntact(events, NOVA3_CONTENT);
  });
});

describe("openai provider: cancel", () => {
  it("aborts the upstream request at once when the run is cancelled mid-stream", async () => {
    const s = scenarioId("cancel");
    const tokens = 400;
    const started = await startDetached("novachat", {
      message: `Cancel me ${fake(s, { agent: "requirement_analyzer", tokens, delay: 25 })}`,
    });
    await waitForRequests(s, (records) => (records[0]?.chunks_sent ?? 0) >= 3);
    const cancelled = await api(`/sessions/${started.session_id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(202);

    // The endpoint sees its client go away long before the answer's 400 chunks (10 s) are sent.
    const [request] = await waitForRequests(s, (records) => records[0]?.client_closed === true, 5_000);
    expect(request.chunks_sent).toBeLessThan(tokens / 2);
    expect(request.outcome).toBe("client_closed");

    const events = await readWholeRun(started.session_id);
    const complete = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.CANCELLED);
    // A cancel is not an agent failure, and no further agent starts.
    expect(eventsOf(events, EVENT_TYPES.ERROR)).toEqual([]);
    expect(eventsOf(events, EVENT_TYPES.AGENT_START).map((e) => e.agent_source)).toEqual(["requirement_analyzer"]);
    expect(reconstructTexts(events).requirement_analyzer.length).toBeGreaterThan(0);
    expect(await fakeRequests(s)).toHaveLength(1);
  });
});
