/**
 * Steering on the real Worker (demo model): `POST /sessions/:id/messages` while a run is active
 * (here: paused for a review, so the test controls when it goes on) is logged as `user_message`
 * with its actor; without an active run it is a 409; bad bodies are 400s that change nothing. Every
 * answer and message is audited without its text. (That later agents read it: test/llm/steering.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { EVENT_TYPES, SUPERVISOR } from "../../src/protocol/events";
import { MAX_RUN_MESSAGES } from "../../src/session/review-answers";
import { api, snapshot, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { auditRecords } from "../helpers/audit-log";
import { answer, lastPause, readToPause, steer } from "../helpers/review";
import { eventsOf, readWholeRun } from "../helpers/run-events";

const SECRET = "tangerine-submarine-private";

async function pausedRun() {
  const started = await startDetached("novachat", { message: "a post", options: { review: ["strategy_generator"] } });
  const pause = lastPause(await readToPause(started.session_id));
  return { ...started, pause };
}

describe("steering messages", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());

  it("logs a message to the active run with its actor, and audits it and the answer without their text", async () => {
    const { session_id, run_id, pause } = await pausedRun();
    const res = await steer(session_id, `make it about ${SECRET}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ session_id, run_id, event_id: pause.id + 1 });
    expect((await answer(session_id, { action: "revise", feedback: `more ${SECRET}` })).status).toBe(202);
    const second = lastPause(await readToPause(session_id, 2));
    expect((await answer(session_id, { action: "approve", wait_id: second.id })).status).toBe(202);
    const all = await readWholeRun(session_id);
    const messages = eventsOf(all, EVENT_TYPES.USER_MESSAGE);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      id: pause.id + 1,
      run_id,
      agent_source: SUPERVISOR,
      payload: { text: `make it about ${SECRET}`, actor: TEST_USER },
    });
    // Once the run has ended there is nothing to steer.
    await waitIdle(session_id);
    const late = await steer(session_id, "too late");
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: "no_active_run" } });

    const mine = auditRecords(log).filter((r) => r.session_id === session_id);
    const ids = { user_id: TEST_USER, session_id, run_id };
    expect(mine.filter((r) => r.event === "message_sent")).toEqual([expect.objectContaining(ids)]);
    expect(mine.filter((r) => r.event === "review_answered")).toEqual([
      expect.objectContaining({ ...ids, action: "revise" }),
      expect.objectContaining({ ...ids, action: "approve" }),
    ]);
    const auditText = log.mock.calls
      .map((call) => String(call[0]))
      .filter((line) => line.startsWith('{"type":"audit"'))
      .join("\n");
    expect(auditText).not.toContain(SECRET);
  });

  it("refuses bad bodies, another user and a run's 101st message, changing nothing", async () => {
    const { session_id, pause } = await pausedRun();
    for (const body of [{}, { text: "" }, { text: 5 }, { text: "x", extra: true }, { text: "x".repeat(32_001) }]) {
      const res = await api(`/sessions/${session_id}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
    }
    expect((await steer(session_id, "hi", { user: "someone-else" })).status).toBe(404);
    expect((await steer("not-a-session", "hi")).status).toBe(400);
    expect((await snapshot<{ last_event_id: number }>(session_id)).last_event_id).toBe(pause.id);
    const notes = Array.from({ length: MAX_RUN_MESSAGES }, (_, i) => steer(session_id, `note ${i}`));
    expect(new Set((await Promise.all(notes)).map((r) => r.status))).toEqual(new Set([202]));
    const over = await steer(session_id, "one too many");
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ error: { code: "too_many_messages" } });
    expect((await snapshot<{ last_event_id: number }>(session_id)).last_event_id).toBe(pause.id + MAX_RUN_MESSAGES);
    expect((await answer(session_id, { action: "approve" })).status).toBe(202);
    const all = await readWholeRun(session_id);
    expect(eventsOf(all, EVENT_TYPES.USER_MESSAGE)).toHaveLength(MAX_RUN_MESSAGES);
  });
});
