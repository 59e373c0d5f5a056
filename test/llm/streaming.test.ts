/**
 * The openai provider end to end against the fake endpoint: normal streaming through the real
 * client, per-agent models, parallel agents interleaving, and Loomi's memory across turns.
 */
import { describe, expect, it } from "vitest";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import { EVENT_TYPES, RUN_STATUSES } from "../../src/protocol/events";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { eventsOf, expectIntact, LOOMI_CONTENT, NOVA3_CONTENT, runChat } from "../helpers/run-events";

describe("openai provider: streaming", () => {
  it("runs the whole Nova3 pipeline on the endpoint, one request per agent, with the configured models", async () => {
    const s = scenarioId("normal");
    const { events, complete } = await runChat("novachat", { message: `Launch post for a solar backpack ${fake(s)}` });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const texts = expectIntact(events, NOVA3_CONTENT);
    expect(eventsOf(events, EVENT_TYPES.ERROR)).toEqual([]);

    const requests = await fakeRequests(s);
    expect(requests).toHaveLength(NOVA3_AGENTS.length);
    expect(requests.every((r) => r.outcome === "completed")).toBe(true);
    // LLM_MODEL for every agent, LLM_MODEL_OPTIMIZATION_AGENT for the one it names.
    const polish = requests.find((r) => r.agent === "optimization agent");
    expect(polish?.model).toBe("fake-polish");
    expect(requests.filter((r) => r.model === "fake-main")).toHaveLength(NOVA3_AGENTS.length - 1);
    const starts = eventsOf(events, EVENT_TYPES.AGENT_START);
    expect(starts.find((e) => e.agent_source === "optimization_agent")?.payload.model).toBe("fake-polish");
    expect(starts.find((e) => e.agent_source === "content_agent")?.payload.model).toBe("fake-main");
    expect(complete.payload.agents.optimization_agent).toMatchObject({ status: "completed", model: "fake-polish" });

    // The streamed text is what the endpoint sent, and later agents got earlier outputs as context.
    expect(texts.requirement_analyzer).toBe(
      "[requirement analyzer@fake-main] word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11.",
    );
    const strategy = requests.find((r) => r.agent === "strategy generator");
    expect(strategy?.messages.at(-1)?.content).toContain(texts.requirement_analyzer);
    expect(strategy?.messages[0]).toMatchObject({ role: "system" });
  });

  it("interleaves the chunks of the two parallel agents in the log", async () => {
    const s = scenarioId("parallel");
    const pace = { tokens: 20, delay: 30 };
    const message = `Parallel ${fake(s, { agent: "insight_agent", ...pace })} ${fake(s, { agent: "profile_agent", ...pace })}`;
    const { events, complete } = await runChat("novachat", { message });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    const order = eventsOf(events, EVENT_TYPES.LLM_CHUNK)
      .map((e) => e.agent_source)
      .filter((agent) => agent === "insight_agent" || agent === "profile_agent");
    const switches = order.filter((agent, i) => i > 0 && agent !== order[i - 1]).length;
    // Sequential agents would switch once; interleaved ones switch back and forth.
    expect(switches).toBeGreaterThanOrEqual(3);
  });

  it("gives Loomi's second turn the first turn: the upstream request carries the conversation", async () => {
    const s = scenarioId("memory");
    const first = await runChat("loomichat", { message: `I sell solar backpacks to hikers ${fake(s)}` });
    expect(first.complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const second = await runChat("loomichat", {
      message: `Which angle do you suggest? ${fake(s)}`,
      session_id: first.sessionId,
    });
    expect(second.complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(second.events, LOOMI_CONTENT);

    const requests = await fakeRequests(s);
    expect(requests).toHaveLength(2);
    expect(requests[0].messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(requests[1].messages.slice(1)).toEqual([
      { role: "user", content: `I sell solar backpacks to hikers ${fake(s)}` },
      { role: "assistant", content: first.complete.payload.content },
      { role: "user", content: `Which angle do you suggest? ${fake(s)}` },
    ]);
  });

  it("hands a request for content to the specialist, whose events carry its name", async () => {
    const s = scenarioId("handoff");
    const { events, complete } = await runChat("loomichat", { message: `Write a tagline for my backpack ${fake(s)}` });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const texts = expectIntact(events, (t) => `${t.loomi_concierge}\n\n${t.content_agent}`);
    expect(Object.keys(texts).sort()).toEqual(["content_agent", "loomi_concierge"]);
    expect((await fakeRequests(s)).map((r) => r.agent)).toEqual(["loomi, a friendly concierge", "content specialist"]);
  });
});
