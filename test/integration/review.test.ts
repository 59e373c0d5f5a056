/**
 * Review checkpoints on the real Worker and session object (demo model): a run started with
 * `options.review` pauses after each listed agent, and approve, revise and edit answers let it go
 * on; wrong answers change nothing. Timeouts and restarts: review-restart.test.ts.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { api, postChat, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { answer, lastPause, readToPause, waitForStatus } from "../helpers/review";
import { eventsOf, readWholeRun } from "../helpers/run-events";

const REVIEWED = "strategy_generator";

async function pausedRun(options: Record<string, unknown> = { review: [REVIEWED] }) {
  const started = await startDetached("novachat", { message: "a launch post", options });
  const events = await readToPause(started.session_id);
  return { ...started, events, pause: lastPause(events) };
}

describe("review checkpoints", () => {
  it("pauses after the listed agent, starts nothing more, and goes on when approved", async () => {
    const before = Date.now();
    const { session_id, events, pause } = await pausedRun();
    expect(pause.agent_source).toBe(REVIEWED);
    expect(pause.payload).toMatchObject({ awaiting: "review", attempt: 1, actions: ["approve", "revise", "edit"] });
    const expires = Date.parse(pause.payload.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    // Nothing after the reviewed agent started before the pause.
    expect(eventsOf(events, EVENT_TYPES.AGENT_START).map((e) => e.agent_source)).toEqual([
      "requirement_analyzer",
      REVIEWED,
    ]);
    const paused = await waitForStatus<{ runs: { wait?: { event_id: number; agent: string } }[] }>(
      session_id,
      "awaiting_input",
    );
    expect(paused.runs[0].wait).toMatchObject({ agent: REVIEWED, event_id: pause.id });

    const ok = await answer(session_id, { action: "approve", wait_id: pause.id });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ session_id, event_id: pause.id + 1 });
    const all = await readWholeRun(session_id);
    const input = eventsOf(all, EVENT_TYPES.INPUT);
    expect(input).toHaveLength(1);
    expect(input[0]).toMatchObject({
      id: pause.id + 1,
      agent_source: REVIEWED,
      payload: { action: "approve", actor: TEST_USER, wait_id: pause.id },
    });
    const complete = all.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe("completed");
    expect(Object.values(complete.payload.agents).every((a) => a.status === "completed")).toBe(true);
    expect(findIntegrityMismatches(all)).toEqual([]);
    expect((await waitIdle<{ runs: { status: string }[] }>(session_id)).runs[0].status).toBe("completed");
  });

  it("edit replaces the agent's output for every later reader, and the run's content follows", async () => {
    const { session_id } = await pausedRun({ review: [REVIEWED, "optimization_agent"] });
    const edited = "EDITED: lead with the customer story.";
    expect((await answer(session_id, { action: "edit", text: edited })).status).toBe(202);
    const events = await readToPause(session_id, 2);
    expect(lastPause(events).agent_source).toBe("optimization_agent");
    const finalText = "FINAL: the polished post, as the reviewer wrote it.";
    expect((await answer(session_id, { action: "edit", text: finalText })).status).toBe(202);
    const all = await readWholeRun(session_id);
    const texts = reconstructTexts(all);
    expect(texts[REVIEWED]).toBe(edited);
    const complete = all.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.content).toBe(finalText);
    const snap = await waitIdle<{ runs: { content: string; agents: Record<string, { text: string }> }[] }>(session_id);
    expect(snap.runs[0].agents[REVIEWED].text).toBe(edited);
    expect(snap.runs[0].content).toBe(finalText);
  });

  it("revise runs the agent again as attempt 2, which replaces its text, then pauses again", async () => {
    const { session_id, pause } = await pausedRun();
    const res = await answer(session_id, { action: "revise", feedback: "shorter, please" });
    expect(res.status).toBe(202);
    const events = await readToPause(session_id, 2);
    const again = lastPause(events);
    expect(again).toMatchObject({ agent_source: REVIEWED, payload: { attempt: 2 } });
    const starts = eventsOf(events, EVENT_TYPES.AGENT_START, REVIEWED);
    expect(starts.map((e) => e.payload.attempt)).toEqual([undefined, 2]);
    expect(eventsOf(events, EVENT_TYPES.INPUT)[0].payload).toMatchObject({
      action: "revise",
      feedback: "shorter, please",
      wait_id: pause.id,
    });
    // The first wait is answered: answering it again is refused, the new one is open.
    expect((await answer(session_id, { action: "approve", wait_id: pause.id })).status).toBe(409);
    expect((await answer(session_id, { action: "approve", wait_id: again.id })).status).toBe(202);
    const all = await readWholeRun(session_id);
    expect(findIntegrityMismatches(all)).toEqual([]);
    const completes = eventsOf(all, EVENT_TYPES.AGENT_COMPLETE, REVIEWED);
    expect(completes).toHaveLength(2);
    expect(reconstructTexts(all)[REVIEWED]).toBe(completes[1].payload.text);
    const snap = await waitIdle<{ runs: { agents: Record<string, { attempt?: number; revision?: unknown }> }[] }>(
      session_id,
    );
    expect(snap.runs[0].agents[REVIEWED]).toMatchObject({ attempt: 2 });
    expect(snap.runs[0].agents[REVIEWED].revision).toBeUndefined();
  });

  it("of two answers racing for one wait, exactly one is taken", async () => {
    const { session_id } = await pausedRun();
    const results = await Promise.all([
      answer(session_id, { action: "edit", text: "first" }),
      answer(session_id, { action: "approve" }),
      answer(session_id, { action: "revise", feedback: "third" }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409]);
    const refused = results.find((r) => r.status === 409);
    expect((await refused?.json()) as unknown).toMatchObject({ error: { code: "not_waiting" } });
    const all = await readWholeRun(session_id);
    expect(eventsOf(all, EVENT_TYPES.INPUT)).toHaveLength(1);
  });

  it("refuses an answer when nothing waits, from another user, and bad bodies, changing nothing", async () => {
    const started = await startDetached("novachat", { message: "no review" });
    await waitIdle(started.session_id);
    const idle = await answer(started.session_id, { action: "approve" });
    expect(idle.status).toBe(409);
    expect(await idle.json()).toMatchObject({ error: { code: "not_waiting" } });

    const { session_id } = await pausedRun();
    expect((await answer(session_id, { action: "approve" }, { user: "someone-else" })).status).toBe(404);
    const bad = [
      {},
      { action: "reject" },
      { action: "revise" },
      { action: "revise", feedback: "" },
      { action: "edit", text: "" },
      { action: "approve", extra: 1 },
      { action: "approve", wait_id: "x" },
      { action: "revise", feedback: "x".repeat(32_001) },
    ];
    for (const body of bad) {
      const res = await answer(session_id, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
    }
    // An edit longer than one event carries is refused (here by the body limit, before it is read).
    expect((await answer(session_id, { action: "edit", text: "x".repeat(64 * 1024 + 1) })).status).toBe(413);
    const text = await api(`/sessions/${session_id}/input`, { method: "POST", body: "approve" });
    expect(text.status).toBe(415);
    // A paused run is still the session's run: another cannot start beside it.
    const second = await postChat("novachat", { message: "another", session_id });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "run_active" } });
    const snap = await waitForStatus<{ last_event_id: number }>(session_id, "awaiting_input");
    const events = await readToPause(session_id);
    expect(snap.last_event_id).toBe(events.at(-1)?.id);
    expect((await answer(session_id, { action: "approve" })).status).toBe(202);
    await waitIdle(session_id);
  });

  it("refuses review names that are not agents of the pipeline, naming them, and starts nothing", async () => {
    const res = await postChat("novachat", {
      message: "x",
      options: { review: ["strategy_generator", "ghost_agent", "loomi_concierge"] },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message).toContain('options.review.1: "ghost_agent" is not an agent of nova3');
    expect(body.error.message).toContain('options.review.2: "loomi_concierge" is not an agent of nova3');
    expect(body.error.message).not.toContain('"strategy_generator" is not');
  });
});
