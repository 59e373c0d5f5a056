/**
 * The run watchdog on a real Session over the object's SQLite storage, with a hand-driven clock:
 * the alarm restarts the object only when the active run has logged nothing for `runStallMs`, and
 * checks a running session at least that often. (That a restarted object resumes the run from its
 * checkpoint is proven in test/llm/resume.test.ts.)
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { RunContext } from "../../src/agents/run-context";
import { loadConfig } from "../../src/env";
import { DemoModel } from "../../src/llm/demo-model";
import type { RunStatus } from "../../src/protocol/events";
import { EVENT_TYPES, MODES, RUN_STATUSES } from "../../src/protocol/events";
import { KEEPALIVE_MS, Session } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";
import { sleep } from "../helpers/sleep";

const STALL_MS = 5000;

it("restarts the object when the active run logs nothing for runStallMs, and not before, giving its leases back first", async () => {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  await runInDurableObject(namespace.get(namespace.newUniqueId()), async (_object, state) => {
    let now = 1_000_000;
    const alarms: number[] = [];
    const restarts: string[] = [];
    const stalls: number[] = [];
    const released: string[] = [];
    const session = new Session({
      sql: state.storage.sql,
      transactionSync: (fn) => state.storage.transactionSync(fn),
      config: { ...loadConfig(env), runStallMs: STALL_MS },
      llm: new DemoModel(0),
      now: () => now,
      setAlarm: (at) => alarms.push(at),
      deleteAll: async () => {},
      sockets: () => [],
      leases: {
        renew: () => {},
        release: async (_user, ids) => {
          released.push(...ids);
        },
      },
      restart: async (reason) => {
        // The streams of the instance about to go have given their leases back already.
        expect(released).toEqual(["sse-lease"]);
        restarts.push(reason);
      },
      onRunStalled: (_run, _owner, silentMs) => stalls.push(silentMs),
    });
    // A run whose body never moves on by itself: the test logs for it, then lets it finish.
    let ctx: RunContext | undefined;
    let finish: (result: { status: RunStatus; content: string }) => void = () => {};
    const pipeline = (runCtx: RunContext) => {
      ctx = runCtx;
      return new Promise<{ status: RunStatus; content: string }>((resolve) => {
        finish = resolve;
      });
    };
    const started = session.startRun(
      { sessionId: "s", userId: "u", mode: MODES.NOVA3, message: "m", options: {}, create: true },
      pipeline,
    );
    expect(started.ok).toBe(true);
    const reader = session.openEvents("u", 0, { lease: { userId: "u", id: "sse-lease" } });
    expect(reader).toMatchObject({ ok: true, status: 200 });
    // While the run is active, the alarm comes at the stall limit (shorter than the keepalive here).
    expect(STALL_MS).toBeLessThan(KEEPALIVE_MS);
    expect(alarms.at(-1)).toBe(now + STALL_MS);

    now += STALL_MS - 1;
    await session.onAlarm();
    expect(restarts).toEqual([]);

    // The run logs an event: the silence starts again from there.
    ctx?.emit({ event_type: EVENT_TYPES.PROGRESS, agent_source: "supervisor", payload: progress() });
    ctx?.checkpoint();
    now += STALL_MS - 1;
    await session.onAlarm();
    expect(restarts).toEqual([]);
    expect(alarms.at(-1)).toBe(now + STALL_MS);

    now += 1;
    await session.onAlarm();
    expect(stalls).toEqual([STALL_MS]);
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/logged nothing for 5000 ms/);

    // A finished run is not watched: an idle session's alarm is its expiry, never a restart.
    finish({ status: RUN_STATUSES.COMPLETED, content: "" });
    await sleep(0);
    expect(session.snapshot("u")).toMatchObject({ status: "idle" });
    now += 10 * STALL_MS;
    await session.onAlarm();
    expect(restarts).toHaveLength(1);
  });
});

function progress() {
  return { completed_steps: 1, total_steps: 5, percent: 20, stage: "requirement_analyzer" };
}
