/**
 * A paused run is a checkpoint in storage with an alarm: it survives the object's restart and goes
 * on when answered, ends as `timed_out` when its alarm finds the wait expired, can be cancelled, and
 * an event stream opened before the pause stays open across it.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import type { SessionObject } from "../../src/session/session-object";
import { api, snapshot, startDetached, waitIdle } from "../helpers/api";
import { answer, lastPause, readToPause, waitForStatus } from "../helpers/review";
import { eventsOf, readWholeRun } from "../helpers/run-events";
import { readSseUntil } from "../helpers/sse";
import { connectWs } from "../helpers/ws";

const REVIEW = { review: ["strategy_generator"] };

function stubOf(sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/** Kills the object's instance, as an eviction or crash would (a fresh stub after it). */
async function kill(sessionId: string): Promise<void> {
  await runInDurableObject(stubOf(sessionId), (_instance, state) => state.abort()).catch(() => {});
}

async function pausedRun() {
  const started = await startDetached("novachat", { message: "a launch post", options: REVIEW });
  const events = await readToPause(started.session_id);
  return { ...started, pause: lastPause(events) };
}

describe("a paused run", () => {
  it("survives a restart of its object and goes on when answered", async () => {
    const { session_id, pause } = await pausedRun();
    const before = await snapshot<{ instance_started_at: string }>(session_id);
    await kill(session_id);
    const after = await waitForStatus<{ instance_started_at: string; runs: { wait?: { event_id: number } }[] }>(
      session_id,
      "awaiting_input",
    );
    expect(after.instance_started_at).not.toBe(before.instance_started_at);
    expect(after.runs[0].wait?.event_id).toBe(pause.id);
    // Its alarm is at the wait's expiry: nothing wakes the object before.
    const alarm = await runInDurableObject(stubOf(session_id), (_o, state) => state.storage.getAlarm());
    expect(alarm).toBe(Date.parse(pause.payload.expires_at));

    expect((await answer(session_id, { action: "approve", wait_id: pause.id })).status).toBe(202);
    const all = await readWholeRun(session_id);
    expect((all.at(-1) as StreamEvent<"run_complete">).payload.status).toBe("completed");
    // Nothing ran while it waited, so nothing was interrupted.
    expect(eventsOf(all, EVENT_TYPES.ERROR).filter((e) => e.payload.error_type === ERROR_TYPES.INTERRUPTED)).toEqual(
      [],
    );
    expect(findIntegrityMismatches(all)).toEqual([]);
  });

  it("ends as timed_out when its alarm finds the wait expired, even after a restart", async () => {
    const { session_id } = await pausedRun();
    const past = new Date(Date.now() - 1000).toISOString();
    await runInDurableObject(stubOf(session_id), (_o, state) => {
      state.storage.sql.exec(
        "UPDATE runs SET state = json_set(state, '$.wait.expires_at', ?) WHERE status = 'awaiting_input'",
        past,
      );
    });
    await kill(session_id);
    expect(await runDurableObjectAlarm(stubOf(session_id))).toBe(true);
    const snap = await waitIdle<{ runs: { status: string; wait?: unknown }[] }>(session_id);
    expect(snap.runs[0].status).toBe("timed_out");
    expect(snap.runs[0].wait).toBeUndefined();
    const all = await readWholeRun(session_id);
    const complete = all.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe("timed_out");
    expect(complete.payload.agents.strategy_generator.status).toBe("completed");
    expect((await answer(session_id, { action: "approve" })).status).toBe(409);
  });

  it("keeps an event stream opened before the pause open across it, to the run's end", async () => {
    const started = await startDetached("novachat", { message: "watch me", options: REVIEW });
    const res = await api(`/sessions/${started.session_id}/events?last_event_id=0`);
    expect(res.status).toBe(200);
    const reading = readSseUntil(res, (e) => e.event_type === EVENT_TYPES.RUN_COMPLETE);
    const pause = lastPause(await readToPause(started.session_id));
    expect((await answer(started.session_id, { action: "approve" })).status).toBe(202);
    const { events } = await reading;
    const types = events.map((e) => e.event_type);
    expect(types.indexOf(EVENT_TYPES.AWAITING_INPUT)).toBe(events.findIndex((e) => e.id === pause.id));
    expect(types.indexOf(EVENT_TYPES.INPUT)).toBeGreaterThan(types.indexOf(EVENT_TYPES.AWAITING_INPUT));
    expect(types.at(-1)).toBe(EVENT_TYPES.RUN_COMPLETE);
  });

  it("can be cancelled: it ends at once as cancelled", async () => {
    const { session_id, run_id } = await pausedRun();
    const res = await api(`/sessions/${session_id}/cancel`, { method: "POST" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ run_id });
    const all = await readWholeRun(session_id);
    expect((all.at(-1) as StreamEvent<"run_complete">).payload.status).toBe("cancelled");
    expect((await answer(session_id, { action: "approve" })).status).toBe(409);
  });

  it("keeps a WebSocket follower open across the pause: the same socket gets the answer and the run's end", async () => {
    const { session_id, run_id, pause } = await pausedRun();
    const socket = await connectWs(`/sessions/${session_id}/ws`);
    await socket.until(() => socket.events.some((e) => e.id === pause.id));
    expect((await answer(session_id, { action: "approve" })).status).toBe(202);
    await socket.until(() =>
      socket.events.some((e) => e.event_type === EVENT_TYPES.RUN_COMPLETE && e.run_id === run_id),
    );
    const after = socket.events.filter((e) => e.id > pause.id);
    expect(after[0]).toMatchObject({ id: pause.id + 1, event_type: EVENT_TYPES.INPUT });
    socket.ws.close();
  });
});
