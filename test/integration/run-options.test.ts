/**
 * Per-run options on the demo model: validated per pipeline (every bad option is a 400 naming
 * it, and starts nothing), `skip` leaves optional agents out, `max_tokens` shortens every answer.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { api, postChat } from "../helpers/api";
import { readSse } from "../helpers/sse";

async function refusal(path: "novachat" | "loomichat" | `runs/${string}`, options: unknown): Promise<string> {
  const res = await postChat(path, { message: "x", options }, { Accept: "application/json" });
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("invalid_body");
  return body.error.message;
}

async function run(path: "novachat" | `runs/${string}`, options: Record<string, unknown>) {
  const res = await postChat(path, { message: "Launch post for a solar backpack", options });
  expect(res.status).toBe(200);
  return (await readSse(res)).events;
}

describe("run options", () => {
  it("refuses each bad option with a 400 that names it, and starts no session", async () => {
    const before = (await (await api("/usage")).json()) as { sessions: { live: number } };
    expect(await refusal("novachat", { temperature: 2.5 })).toBe("options.temperature: must be a number from 0 to 2");
    expect(await refusal("novachat", { max_tokens: 0 })).toBe(
      "options.max_tokens: must be a whole number from 1 to 200000",
    );
    expect(await refusal("novachat", { language: "French!" })).toBe(
      "options.language: must be a language code such as fr or pt-BR",
    );
    expect(await refusal("novachat", { agents: { nobody: { model: "m" } } })).toBe(
      'options.agents: unknown agent "nobody"',
    );
    expect(await refusal("novachat", { agents: { content_agent: { top_p: 1 } } })).toBe(
      'options.agents.content_agent: unknown option "top_p"',
    );
    expect(await refusal("novachat", { skip: ["content_agent"] })).toBe(
      "options.skip.0: must name an optional agent of nova3 (insight_agent, profile_agent)",
    );
    expect(await refusal("loomichat", { skip: ["content_agent"] })).toBe(
      "options.skip.0: must name an optional agent of loomi (it has none)",
    );
    expect(await refusal("runs/localize", { languages: ["fr"], skip: ["localizer"] })).toBe(
      "options.skip.0: must name an optional agent of localize (reviewer)",
    );
    const after = (await (await api("/usage")).json()) as { sessions: { live: number } };
    expect(after.sessions.live).toBe(before.sessions.live);
  });

  it("skips the optional agents named in skip: not planned, never started, `skipped` at the end, run completed", async () => {
    const events = await run("novachat", { skip: ["insight_agent", "profile_agent"] });
    const plan = (events[0] as StreamEvent<"run_start">).payload.agents;
    expect(plan.map((a) => a.name)).toEqual([
      "requirement_analyzer",
      "strategy_generator",
      "content_agent",
      "optimization_agent",
    ]);
    expect(plan.find((a) => a.name === "content_agent")?.uses).toEqual(["requirement_analyzer", "strategy_generator"]);
    const started = events.filter((e) => e.event_type === EVENT_TYPES.AGENT_START).map((e) => e.agent_source);
    expect(started).not.toContain("insight_agent");
    const complete = events.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expect(complete.payload.agents.insight_agent.status).toBe("skipped");
    expect(complete.payload.agents.profile_agent.status).toBe("skipped");
    const progress = events.filter((e) => e.event_type === EVENT_TYPES.PROGRESS) as StreamEvent<"progress">[];
    expect(progress.map((e) => e.payload.percent)).toEqual([25, 50, 75, 100]);
  });

  it("makes the demo model stop at max_tokens, and announces the options in run_start", async () => {
    const events = await run("runs/nova3", { max_tokens: 5, temperature: 0.7 });
    const start = events[0] as StreamEvent<"run_start">;
    expect(start.payload.options).toEqual({ max_tokens: 5, temperature: 0.7 });
    expect(start.payload.agents.every((a) => a.temperature === 0.7 && a.model === "demo")).toBe(true);
    const texts = reconstructTexts(events);
    expect(Object.keys(texts)).toHaveLength(6);
    for (const text of Object.values(texts)) expect(text.trim().split(/\s+/).length).toBeLessThanOrEqual(5);
  });
});
