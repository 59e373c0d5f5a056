/**
 * Runs survive a restart of their session object: killed mid-agent with `state.abort()`, the run
 * resumes from its checkpoint when the object wakes (alarm or request), finished agents are not
 * redone, the cut-off agent restarts after an `interrupted` error, and the log stays intact.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { MAX_RUN_RESUMES } from "../../src/session/run-recovery";
import { restartObject, type SessionObject } from "../../src/session/session-object";
import { snapshot, startDetached } from "../helpers/api";
import { fake, fakeRequests, scenarioId, waitForRequests } from "../helpers/fake-control";
import { eventsOf, expectIntact, NOVA3_CONTENT, readUntil, readWholeRun } from "../helpers/run-events";

function stubOf(sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/**
 * Kills the object's instance, as an eviction or crash would: its memory and timers are gone.
 * (A stub that saw the abort stays broken, so every call after it takes a fresh stub.)
 */
async function kill(sessionId: string): Promise<void> {
  await runInDurableObject(stubOf(sessionId), (_instance, state) => state.abort()).catch(() => {});
}

/** Runs the object's pending alarm, as the runtime would after a restart. */
function fireAlarm(sessionId: string): Promise<boolean> {
  return runDurableObjectAlarm(stubOf(sessionId));
}

describe("runs survive a restart of the session object", () => {
  it("resumes from the checkpoint: finished agents are not redone and the final text is intact", async () => {
    const s = scenarioId("restart");
    const slow = fake(s, { agent: "strategy_generator", tokens: 80, delay: 40 });
    const started = await startDetached("novachat", { message: `Restart me ${slow}` });

    // Let strategy_generator get some text into the log, then kill the object under it.
    const before = await readUntil(
      started.session_id,
      (e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === "strategy_generator",
    );
    const shown = reconstructTexts(before).strategy_generator;
    expect(shown.length).toBeGreaterThan(0);
    await kill(started.session_id);

    // The keepalive alarm wakes a new instance, which resumes the run; readers see it active.
    expect(await fireAlarm(started.session_id)).toBe(true);
    const snap = await snapshot(started.session_id);
    expect(snap).toMatchObject({ status: "running", active_run_id: started.run_id });

    const events = await readWholeRun(started.session_id);
    const complete = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expect(events.every((e) => e.run_id === started.run_id)).toBe(true);
    expectIntact(events, NOVA3_CONTENT);

    // The cut-off agent restarts after one `interrupted` error that drops exactly its logged text.
    const errors = eventsOf(events, EVENT_TYPES.ERROR);
    expect(errors).toHaveLength(1);
    const [interrupted] = errors;
    expect(interrupted.agent_source).toBe("strategy_generator");
    expect(interrupted.payload).toMatchObject({ error_type: ERROR_TYPES.INTERRUPTED, will_retry: true });
    const logged = reconstructTexts(events.slice(0, events.indexOf(interrupted))).strategy_generator;
    expect(logged.startsWith(shown)).toBe(true);
    expect(interrupted.payload.discarded_chars).toBe(logged.length);

    // Every agent started once; the one finished before the restart was not asked again.
    const starts = eventsOf(events, EVENT_TYPES.AGENT_START).map((e) => e.agent_source);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts).toHaveLength(6);
    const requests = await fakeRequests(s);
    expect(requests.filter((r) => r.agent === "requirement analyzer")).toHaveLength(1);
    const strategy = requests.filter((r) => r.agent === "strategy generator");
    expect(strategy).toHaveLength(2);
    // The dead instance's upstream request did not linger: its connection closed with it.
    expect(strategy[0].client_closed).toBe(true);
    expect(strategy[0].chunks_sent).toBeLessThan(80);
    expect(eventsOf(events, EVENT_TYPES.PROGRESS).map((e) => e.payload.percent)).toEqual([20, 40, 60, 80, 100]);
  });

  it("resumes on the first request after the restart too, not only on the alarm", async () => {
    const s = scenarioId("restart-request");
    const started = await startDetached("novachat", {
      message: `Wake by request ${fake(s, { agent: "requirement_analyzer", tokens: 60, delay: 40 })}`,
    });
    await waitForRequests(s, (records) => (records[0]?.chunks_sent ?? 0) >= 3);
    // Its text is in the log (not only in the writer's batch window), so the restart interrupts it.
    await readUntil(
      started.session_id,
      (e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === "requirement_analyzer",
    );
    await kill(started.session_id);
    expect(await snapshot(started.session_id)).toMatchObject({ status: "running", active_run_id: started.run_id });
    const events = await readWholeRun(started.session_id);
    expect((events[events.length - 1] as StreamEvent<"run_complete">).payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    expect(eventsOf(events, EVENT_TYPES.ERROR).map((e) => [e.agent_source, e.payload.error_type])).toEqual([
      ["requirement_analyzer", ERROR_TYPES.INTERRUPTED],
    ]);
  });

  it("resumes on its own after the watchdog's restart: the alarm it leaves wakes a new instance", async () => {
    const s = scenarioId("restart-watchdog");
    const started = await startDetached("novachat", {
      message: `Stall me ${fake(s, { agent: "requirement_analyzer", tokens: 60, delay: 40 })}`,
    });
    await readUntil(
      started.session_id,
      (e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === "requirement_analyzer",
    );
    const instance = (await snapshot(started.session_id)).instance_started_at;
    await runInDurableObject(stubOf(started.session_id), (_object, state) =>
      restartObject(state, "watchdog test"),
    ).catch(() => {});
    // Nothing calls the object now: only its alarm can wake the instance that asks the endpoint again.
    await waitForRequests(s, (records) => records.length >= 2, 15_000);
    const snap = await snapshot(started.session_id);
    expect(snap.instance_started_at).not.toBe(instance);
    const events = await readWholeRun(started.session_id);
    expect((events[events.length - 1] as StreamEvent<"run_complete">).payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    expect(eventsOf(events, EVENT_TYPES.ERROR).map((e) => [e.agent_source, e.payload.error_type])).toEqual([
      ["requirement_analyzer", ERROR_TYPES.INTERRUPTED],
    ]);
  });

  it(`fails the run cleanly when it is resumed more than ${MAX_RUN_RESUMES} times`, async () => {
    const s = scenarioId("restart-limit");
    const started = await startDetached("novachat", {
      message: `Keep dying ${fake(s, { agent: "requirement_analyzer", tokens: 400, delay: 25 })}`,
    });
    let seen = 0;
    for (let restart = 1; restart <= MAX_RUN_RESUMES + 1; restart++) {
      // Each life of the object has asked the endpoint once, and logged some of the agent's text
      // (so its start is durable, not still in the writer's batch window), before it dies.
      await waitForRequests(s, (records) => records.length >= restart);
      const logged = await readUntil(
        started.session_id,
        (e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === "requirement_analyzer",
        seen,
      );
      seen = logged[logged.length - 1]?.id ?? seen;
      await kill(started.session_id);
      expect(await fireAlarm(started.session_id)).toBe(true);
    }
    const events = await readWholeRun(started.session_id);
    const complete = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.FAILED);
    expect(complete.payload.agents.requirement_analyzer).toMatchObject({ status: "failed", chars: 0 });
    const interrupted = eventsOf(events, EVENT_TYPES.ERROR, "requirement_analyzer");
    expect(interrupted.map((e) => [e.payload.error_type, e.payload.will_retry])).toEqual([
      [ERROR_TYPES.INTERRUPTED, true],
      [ERROR_TYPES.INTERRUPTED, true],
      [ERROR_TYPES.INTERRUPTED, true],
      [ERROR_TYPES.INTERRUPTED, false],
    ]);
    const supervisor = eventsOf(events, EVENT_TYPES.ERROR, "supervisor");
    expect(supervisor.map((e) => e.payload.error_type)).toEqual([ERROR_TYPES.RESUME_LIMIT]);
    expectIntact(events, NOVA3_CONTENT);
    expect(reconstructTexts(events).requirement_analyzer).toBe("");
    expect(await snapshot(started.session_id)).toMatchObject({ status: "idle", active_run_id: null });
    expect(await fakeRequests(s)).toHaveLength(MAX_RUN_RESUMES + 1);
  });
});
