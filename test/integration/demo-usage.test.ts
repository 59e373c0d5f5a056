/**
 * The demo model reports counted tokens like a real model's usage chunk: the words of the prompt
 * and of the answer. Each agent_complete carries them, run_complete and the snapshot the totals.
 */
import { describe, expect, it } from "vitest";
import { tokenize } from "../../src/llm/demo-model";
import { EVENT_TYPES, type RunUsage, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { postChat, waitIdle } from "../helpers/api";
import { readSse } from "../helpers/sse";

describe("demo model token usage", () => {
  it("counts each agent's prompt and answer tokens, and the run's totals", async () => {
    const res = await postChat("loomichat", { message: "Write a tagline for a solar backpack" });
    const sessionId = res.headers.get("X-Session-Id") ?? "";
    const { events } = await readSse(res);
    const texts = reconstructTexts(events);
    const completes = events.filter(
      (e) => e.event_type === EVENT_TYPES.AGENT_COMPLETE,
    ) as StreamEvent<"agent_complete">[];
    expect(completes.map((e) => e.agent_source)).toEqual(["loomi_concierge", "content_agent"]);
    const [concierge, specialist] = completes.map((e) => e.payload);
    // The concierge's prompt: its system prompt and the message; the answer: its streamed words.
    const system = "You are Loomi, a friendly concierge. Answer helpfully and build on the conversation so far.";
    expect(concierge.prompt_tokens).toBe(
      tokenize(system).length + tokenize("Write a tagline for a solar backpack").length,
    );
    expect(concierge.completion_tokens).toBe(tokenize(texts.loomi_concierge).length);
    expect(specialist.completion_tokens).toBe(tokenize(texts.content_agent).length);
    // The specialist's prompt holds the concierge's reply, so it is longer.
    expect(specialist.prompt_tokens).toBeGreaterThan(
      (concierge.prompt_tokens ?? 0) + (concierge.completion_tokens ?? 0),
    );
    expect(concierge.model).toBe("demo");
    const prompt = (concierge.prompt_tokens ?? 0) + (specialist.prompt_tokens ?? 0);
    const completion = (concierge.completion_tokens ?? 0) + (specialist.completion_tokens ?? 0);
    const usage: RunUsage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      retried: { prompt_tokens: 0, completion_tokens: 0 },
    };
    expect((events.at(-1) as StreamEvent<"run_complete">).payload.usage).toEqual(usage);
    const snap = await waitIdle<{ runs: { usage: RunUsage }[] }>(sessionId);
    expect(snap.runs[0].usage).toEqual(usage);
  });
});
