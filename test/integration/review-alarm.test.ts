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
import { Session } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";

const REVIEW_S = 7200;
const TTL_S = 3600;

it("sleeps until the wait expires, neither restarting nor expiring the session, then times the run out", async () => {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  await runInDurableObject(namespace.get(namespace.newUniqueId()), async (_object, state) => {
    let now = 1_000_000_000;
    const alarms: number[] = [];
    const restarts: string[] = [];
    const ended: string[] = [];
    const paused: number[] = [];
    const session = new Session({
      sql: state.storage.sql,
      transactionSync: (fn) => state.storage.transactionSync(fn),
      config: { ...loadConfig(env), runStallMs: 5000, reviewTimeoutSeconds: REVIEW_S, sessionTtlSeconds: TTL_S },
      llm: new DemoModel(0),
      now: () => now,
      setAlarm: (at) => alarms.push(at),
      deleteAll: async () => {},
      sockets: () => [],
      restart: async (reason) => {
        restarts.push(reason);
      },
      onRunEnd: (run) => ended.push(run.status),
      onRunPaused: (_run, _owner, waitMs) => paused.push(waitMs),
    });
    const options = { review: ["requirement_analyzer"] };
    const input = { sessionId: "s", userId: "u", mode: MODES.NOVA3, message: "m", options, create: true };
    expect(session.startRun(input).ok).toBe(true);
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "awaiting_input" }));
    const expiresAt = now + REVIEW_S * 1000;
    expect(alarms.at(-1)).toBe(expiresAt);
    // Its run lease is made to outlast the wait (no keepalive renews it meanwhile).
    expect(paused).toEqual([REVIEW_S * 1000]);

    // Long past the stall limit and the idle TTL: still waiting, nothing restarted or deleted.
    now += TTL_S * 1000 + 60_000;
    await session.onAlarm();
    expect(restarts).toEqual([]);
    expect(session.snapshot("u")).toMatchObject({ status: "awaiting_input" });
    expect(alarms.at(-1)).toBe(expiresAt);

    now = expiresAt;
    await session.onAlarm();
    await vi.waitFor(() => expect(session.snapshot("u")).toMatchObject({ status: "idle" }));
    expect(ended).toEqual(["timed_out"]);
    const rows = state.storage.sql.exec<{ json: string }>("SELECT json FROM events ORDER BY id").toArray();
    const last = JSON.parse(rows.at(-1)?.json ?? "{}") as StreamEvent<"run_complete">;
    expect(last).toMatchObject({ event_type: "run_complete", payload: { status: "timed_out" } });
    // Idle now: the session's alarm is its expiry, TTL after the run ended.
    expect(alarms.at(-1)).toBe(now + TTL_S * 1000);
    expect(restarts).toEqual([]);
  });
});
