/**
 * Token usage from the endpoint's usage chunk (the provider asks for it with
 * `stream_options.include_usage`): each agent_complete carries its attempt's counts and model,
 * run_complete and the snapshot the run's totals, and a failed attempt's tokens count apart.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, RUN_STATUSES, type RunUsage, type StreamEvent } from "../../src/protocol/events";
import { snapshot } from "../helpers/api";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { promptWords } from "../helpers/fake-openai";
import { eventsOf, runChat } from "../helpers/run-events";

const CHARS_PER_TOKEN = 4;

describe("token usage", () => {
  it("records what the endpoint's usage chunk reports, per agent and for the run", async () => {
    const s = scenarioId("usage");
    const { events, complete, sessionId } = await runChat("novachat", { message: `Launch post ${fake(s)}` });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const requests = await fakeRequests(s);
    const completes = eventsOf(events, EVENT_TYPES.AGENT_COMPLETE);
    expect(completes).toHaveLength(6);
    for (const event of completes) {
      const request = requests.find((r) => r.agent === event.agent_source.replace(/_/g, " "));
      if (!request) throw new Error(`no request for ${event.agent_source}`);
      expect(event.payload).toMatchObject({
        model: request.model,
        prompt_tokens: promptWords(request.messages),
        completion_tokens: 12,
        retried: { prompt_tokens: 0, completion_tokens: 0 },
      });
    }
    const prompt = requests.reduce((sum, r) => sum + promptWords(r.messages), 0);
    const expected: RunUsage = {
      prompt_tokens: prompt,
      completion_tokens: 72,
      total_tokens: prompt + 72,
      retried: { prompt_tokens: 0, completion_tokens: 0 },
    };
    expect(complete.payload.usage).toEqual(expected);
    const snap = await snapshot<{ runs: { usage: RunUsage; agents: Record<string, { usage?: unknown }> }[] }>(
      sessionId,
    );
    expect(snap.runs[0].usage).toEqual(expected);
    expect(snap.runs[0].agents.content_agent.usage).toEqual({
      prompt_tokens: completes.find((e) => e.agent_source === "content_agent")?.payload.prompt_tokens,
      completion_tokens: 12,
    });
  });

  it("counts a failed attempt's tokens apart: estimated when it was cut off before its usage chunk", async () => {
    const s = scenarioId("usage-retry");
    const message = `Launch post ${fake(s, { agent: "insight_agent", cut: 5 })} ${fake(s, { agent: "profile_agent", status: 500 })}`;
    const { events, complete } = await runChat("novachat", { message });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    const requests = await fakeRequests(s);
    const [cut, retry] = requests.filter((r) => r.agent === "insight agent");
    expect([cut.outcome, retry.outcome]).toEqual(["cut", "completed"]);
    const error = eventsOf(events, EVENT_TYPES.ERROR, "insight_agent")[0];
    const promptChars = cut.messages.reduce((sum, m) => sum + m.content.length, 0);
    const insightRetried = {
      prompt_tokens: Math.ceil(promptChars / CHARS_PER_TOKEN),
      completion_tokens: Math.ceil((error.payload.discarded_chars ?? 0) / CHARS_PER_TOKEN),
    };
    expect(insightRetried.completion_tokens).toBeGreaterThan(0);
    const completeOf = (agent: string) =>
      eventsOf(events, EVENT_TYPES.AGENT_COMPLETE, agent)[0] as StreamEvent<"agent_complete">;
    expect(completeOf("insight_agent").payload).toMatchObject({
      prompt_tokens: promptWords(retry.messages),
      completion_tokens: 12,
      retried: insightRetried,
    });
    // A 500 before any text cost nothing.
    expect(completeOf("profile_agent").payload.retried).toEqual({ prompt_tokens: 0, completion_tokens: 0 });
    const usage = complete.payload.usage as RunUsage;
    expect(usage.retried).toEqual(insightRetried);
    const reported = requests.filter((r) => r.outcome === "completed");
    const promptReported = reported.reduce((sum, r) => sum + promptWords(r.messages), 0);
    expect(usage.prompt_tokens).toBe(promptReported + insightRetried.prompt_tokens);
    expect(usage.completion_tokens).toBe(72 + insightRetried.completion_tokens);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });
});
