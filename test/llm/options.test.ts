/**
 * A run's options reach every upstream request: the model (for the run and for one agent), the
 * temperature, max_tokens, the answer language in the system prompt, and the usage request; what
 * was used is announced in run_start. Models outside LLM_ALLOWED_MODELS are refused.
 */
import { describe, expect, it } from "vitest";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { postChat } from "../helpers/api";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { eventsOf, expectIntact, NOVA3_CONTENT, runChat } from "../helpers/run-events";

const LANGUAGE_NOTE = " Write your answer in the language fr.";

describe("options reach the upstream request", () => {
  it("sends each agent its model, temperature, max_tokens and language, and announces them in run_start", async () => {
    const s = scenarioId("options");
    const options = {
      model: "fake-alt",
      temperature: 0.3,
      max_tokens: 7,
      language: "fr",
      agents: { optimization_agent: { model: "fake-polish", temperature: 1.5 } },
      skip: ["profile_agent"],
    };
    const { events, complete } = await runChat("runs/nova3", { message: `Launch post ${fake(s)}`, options });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const texts = expectIntact(events, NOVA3_CONTENT);

    const requests = await fakeRequests(s);
    const ran = NOVA3_AGENTS.filter((a) => a !== "profile_agent");
    expect(requests).toHaveLength(ran.length);
    for (const request of requests) {
      const polish = request.agent === "optimization agent";
      expect(request.model, request.agent).toBe(polish ? "fake-polish" : "fake-alt");
      expect(request.temperature, request.agent).toBe(polish ? 1.5 : 0.3);
      expect(request.max_tokens).toBe(7);
      expect(request.stream_options).toEqual({ include_usage: true });
      expect(request.messages[0].role).toBe("system");
      expect(request.messages[0].content.endsWith(LANGUAGE_NOTE)).toBe(true);
      // The endpoint stopped at max_tokens (its default answer is 12 chunks).
      expect(request.chunks_sent).toBe(7);
    }
    // Its label, then six more words: seven chunks.
    expect(texts.requirement_analyzer).toMatch(/^\[requirement analyzer@fake-alt\]( word\d+){6}\.?$/);

    const start = events[0] as StreamEvent<"run_start">;
    expect(start.payload.model).toBe("fake-alt");
    expect(start.payload.options).toEqual(options);
    const planned = Object.fromEntries(start.payload.agents.map((a) => [a.name, [a.model, a.temperature]]));
    expect(planned).toEqual({
      requirement_analyzer: ["fake-alt", 0.3],
      strategy_generator: ["fake-alt", 0.3],
      insight_agent: ["fake-alt", 0.3],
      content_agent: ["fake-alt", 0.3],
      optimization_agent: ["fake-polish", 1.5],
    });
    expect(eventsOf(events, EVENT_TYPES.AGENT_START).map((e) => e.agent_source)).not.toContain("profile_agent");
    expect(complete.payload.agents.profile_agent).toMatchObject({ status: "skipped", chars: 0 });
  });

  it("sends no temperature or max_tokens when none is asked for, and the configured models", async () => {
    const s = scenarioId("no-options");
    await runChat("loomichat", { message: `Hello ${fake(s)}` });
    const [request] = await fakeRequests(s);
    expect(request.model).toBe("fake-main");
    expect(request.temperature).toBeUndefined();
    expect(request.max_tokens).toBeUndefined();
    expect(request.stream_options).toEqual({ include_usage: true });
  });

  it("refuses a model outside LLM_ALLOWED_MODELS, for the run or for one agent, naming the option", async () => {
    const refusal = async (options: Record<string, unknown>) => {
      const res = await postChat("novachat", { message: "x", options }, { Accept: "application/json" });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    const allowed = "must be one of the allowed models (fake-main, fake-alt, fake-polish)";
    expect(await refusal({ model: "gpt-4o" })).toBe(`options.model: ${allowed}`);
    expect(await refusal({ agents: { content_agent: { model: "fake-fallback" } } })).toBe(
      `options.agents.content_agent.model: ${allowed}`,
    );
  });
});
