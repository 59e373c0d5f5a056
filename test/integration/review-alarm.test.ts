/**
 * A paused run's alarm on a real Session over the object's SQLite storage, with a hand-driven
 * clock: the alarm is at the wait's expiry (REVIEW_TIMEOUT_SECONDS), the watchdog does not take
 * the silent paused run for a stalled one, its session does not expire while it waits (even past
 * SESSION_TTL_SECONDS), and at the expiry the run ends as `timed_out`, after which the idle TTL runs.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import { loadConfig } from "../../src/env";
import { DemoModel } from "../../src/llm/demo-model";
import { MODES, type StreamEvent } from "../../src/protocol/events";
import { KEEPALIVE_MS, Session } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";

const REVIEW_S = 7200;
const TTL_S = 3600;
const STALL_MS = 5000;

/** A Session over `state`'s storage on the demo model, with a hand clock and recorded alarms. */
function sessionIn(state: DurableObjectState, clock: { now: number }) {
  const alarms: number[] = [];
  const restarts: string[] = [];
  const ended: string[] = [];
  const paused: number[] = [];
  const session = new Session({
    sql: state.storage.sql,
    transactionSync: (fn) => state.storage.transactionSync(fn),
    config: { ...loadConfig(env), runStallMs: STALL_MS, reviewTimeoutSeconds: REVIEW_S, sessionTtlSeconds: TTL_S },
    llm: new DemoModel(0),
    now: () => clock.now,
    setAlarm: (at) => alarms.push(at),
    deleteAll: async () => {},
    sockets: () => [],
    restart: async (reason) => {
      restarts.push(reason);
    },
    onRunEnd: (run) => ended.push(run.status),
    onRunPaused: (_run, _owner, waitMs) => paused.push(waitMs),
  });
  const input = {
    sessionId: "s",
    userId: "u",
    mode: MODES.NOVA3,
    message: "m",
    options: { review: ["requirement_analyzer"] },
    create: true,
  };
  expect(session.startRun(input).ok).toBe(true);
  return { session, alarms, restarts, ended, paused };
}

/** Runs `body` inside a fresh session object, with its storage. */
function objectState<T>(body: (state: DurableObjectState) => Promise<T>): Promise<T> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return runInDurableObject(namespace.get(namespace.newUniqueId()), (_object, state) => body(state));
}

it("sleeps until the wait expires, neither restarting nor expiring the session, then times the run out", async () => {
  await objectState(async (state) => {
    const clock = { now: 1_000_000_000 };
    const { session, alarms, restarts, ended, paused } = sessionIn(state, clock);
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "awaiting_input" }));
    const expiresAt = clock.now + REVIEW_S * 1000;
    expect(alarms.at(-1)).toBe(expiresAt);
    // Its run lease is made to outlast the wait (no keepalive renews it meanwhile).
    expect(paused).toEqual([REVIEW_S * 1000]);

    // Long past the stall limit and the idle TTL: still waiting, nothing restarted or deleted.
    clock.now += TTL_S * 1000 + 60_000;
    await session.onAlarm();
    expect(restarts).toEqual([]);
    expect(session.snapshot("u")).toMatchObject({ status: "awaiting_input" });
    expect(alarms.at(-1)).toBe(expiresAt);

    clock.now = expiresAt;
    await session.onAlarm();
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "idle" }));
    expect(ended).toEqual(["timed_out"]);
    const rows = state.storage.sql.exec<{ json: string }>("SELECT json FROM events ORDER BY id").toArray();
    const last = JSON.parse(rows.at(-1)?.json ?? "{}") as StreamEvent<"run_complete">;
    expect(last).toMatchObject({ event_type: "run_complete", payload: { status: "timed_out" } });
    // Idle now: the session's alarm is its expiry, TTL after the run ended.
    expect(alarms.at(-1)).toBe(clock.now + TTL_S * 1000);
    expect(restarts).toEqual([]);
  });
});

it("an answered run goes back to its run checks: the alarm comes at the next check, not the wait's expiry", async () => {
  await objectState(async (state) => {
    const clock = { now: 2_000_000_000 };
    const { session, alarms, ended } = sessionIn(state, clock);
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "awaiting_input" }));
    clock.now += 60_000;
    expect(session.input("u", { action: "approve" })).toMatchObject({ ok: true });
    expect(alarms.at(-1)).toBe(clock.now + Math.min(STALL_MS, KEEPALIVE_MS));
    // Someone else's answer is refused as for a session that does not exist, and changes nothing.
    expect(session.input("other", { action: "approve" })).toMatchObject({ ok: false, code: "not_found" });
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "idle" }));
    expect(ended).toEqual(["completed"]);
  });
});
