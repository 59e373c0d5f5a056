import { describe, expect, it } from "vitest";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { api, postChat, startDetached } from "../helpers/api";
import { idsOf, range } from "../helpers/event-lists";
import { readSse } from "../helpers/sse";

describe("POST /novachat streams a run end to end", () => {
  it("answers SSE with the run's events from run_start to run_complete", async () => {
    const res = await postChat("novachat", { message: "Launch post for a solar backpack" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    expect(res.headers.get("X-Accel-Buffering")).toBe("no");
    const sessionId = res.headers.get("X-Session-Id");
    const runId = res.headers.get("X-Run-Id");
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const { events, messages, retry } = await readSse(res);
    expect(retry).toBe(1000);
    expect(idsOf(events)).toEqual(range(1, events.length));
    expect(messages.map((m) => m.id)).toEqual(idsOf(events).map(String));
    expect(messages.every((m) => m.event === undefined)).toBe(true);
    expect(events.every((e) => e.run_id === runId)).toBe(true);
    expect(events[0].event_type).toBe(EVENT_TYPES.RUN_START);
    const last = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(last.event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
    expect(last.payload.status).toBe(RUN_STATUSES.COMPLETED);

    // Every agent ran, in order, and the text rebuilt from chunks is the text each one announced.
    const started = events.filter((e) => e.event_type === EVENT_TYPES.AGENT_START).map((e) => e.agent_source);
    expect([...started].sort()).toEqual([...NOVA3_AGENTS].sort());

    // run_start announced the whole pipeline before the first token: every agent, what it uses,
    // and each one started only after everything it uses had completed.
    const plan = (events[0] as StreamEvent<"run_start">).payload.agents;
    expect(plan.map((a) => a.name)).toEqual(NOVA3_AGENTS);
    expect(plan.find((a) => a.name === "content_agent")).toMatchObject({
      uses: ["requirement_analyzer", "strategy_generator", "insight_agent", "profile_agent"],
      required: true,
    });
    expect(plan.find((a) => a.name === "insight_agent")?.required).toBe(false);
    const at = (type: string, agent: string) =>
      events.findIndex((e) => e.event_type === type && e.agent_source === agent);
    for (const agent of plan) {
      for (const used of agent.uses) expect(at("agent_complete", used)).toBeLessThan(at("agent_start", agent.name));
    }
    expect(findIntegrityMismatches(events)).toEqual([]);
    const texts = reconstructTexts(events);
    expect(last.payload.content).toBe(texts.optimization_agent);
    expect(last.payload.content?.length).toBeGreaterThan(50);
    const progress = events.filter((e) => e.event_type === EVENT_TYPES.PROGRESS) as StreamEvent<"progress">[];
    expect(progress.map((e) => e.payload.percent)).toEqual([20, 40, 60, 80, 100]);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.timestamp)))).toBe(true);
    const demo = events.find((e) => e.event_type === EVENT_TYPES.AGENT_START) as StreamEvent<"agent_start">;
    expect(demo.payload.model).toBe("demo");
  });

  it("merges bursts of chunks: far fewer events than tokens", async () => {
    const res = await postChat("novachat", { message: "merge check" });
    const { events } = await readSse(res);
    const chunks = events.filter((e) => e.event_type === EVENT_TYPES.LLM_CHUNK);
    const tokens = Object.values(reconstructTexts(events)).reduce((n, t) => n + t.split(" ").length, 0);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.length).toBeLessThan(tokens / 2);
  });

  it("answers 202 with Accept: application/json, and events_url streams the run at once", async () => {
    const started = await startDetached("novachat", { message: "detached" });
    expect(started.events_url).toBe(
      `/sessions/${started.session_id}/events?last_event_id=0&token=${encodeURIComponent(started.read_token)}`,
    );
    const res = await api(started.events_url);
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(events[0].event_type).toBe(EVENT_TYPES.RUN_START);
    expect(events[events.length - 1].event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
    expect(events.every((e) => e.run_id === started.run_id)).toBe(true);
  });

  it("gives two concurrent readers of a live run every event", async () => {
    const started = await startDetached("novachat", { message: "two readers" });
    const [a, b] = await Promise.all([api(started.events_url), api(started.events_url)]);
    const [ra, rb] = await Promise.all([readSse(a), readSse(b)]);
    expect(ra.events.length).toBeGreaterThan(10);
    expect(ra.messages).toEqual(rb.messages);
    expect(idsOf(ra.events)).toEqual(range(1, ra.events.length));
  });
});

describe("POST /loomichat announces its turn's agents", () => {
  it.each([
    ["hello there", ["loomi_concierge"]],
    ["please write a tagline", ["loomi_concierge", "content_agent"]],
  ])("%s plans %j, and those are the agents that run", async (message, planned) => {
    const { events } = await readSse(await postChat("loomichat", { message }));
    const plan = (events[0] as StreamEvent<"run_start">).payload.agents;
    expect(plan.map((a) => a.name)).toEqual(planned);
    const started = events.filter((e) => e.event_type === EVENT_TYPES.AGENT_START).map((e) => e.agent_source);
    expect(started).toEqual(planned);
  });
});
