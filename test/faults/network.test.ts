import { createClient } from "@edge-stream/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { audit } from "../helpers/delivery-audit";
import { startTempDevServer, type TempDevServer } from "../helpers/dev-server";
import { record } from "../helpers/fault-report";
import { readSse } from "../helpers/sse";
import { type CutPlan, startProxy } from "../helpers/tcp-proxy";
import { bearer, userToken } from "../helpers/tokens";

const SCHEDULES = Number(process.env.FAULT_CUT_SCHEDULES ?? 50);
const CONCURRENCY = 5;
/** The client declares a connection dead after this long without a byte (heartbeats come every 500 ms). */
const IDLE_TIMEOUT_MS = 2000;

let server: TempDevServer;

beforeAll(async () => {
  // One event per token (no merging) gives many frames to cut between; heartbeats every 500 ms
  // let the client tell a stalled connection from a quiet one quickly.
  server = await startTempDevServer("faults-network", {
    DEMO_TOKEN_DELAY_MS: "4",
    DEMO_TOKENS: "30",
    CHUNK_WINDOW_MS: "0",
    HEARTBEAT_MS: "500",
  });
});

afterAll(async () => {
  await server?.stop();
});

/** 1-4 cuts at random offsets (past the response headers), one of them a stall in some schedules. */
function schedule(index: number): CutPlan[] {
  const cuts = 1 + Math.floor(Math.random() * 4);
  const stallAt = index % 10 === 0 ? Math.floor(Math.random() * cuts) : -1;
  return Array.from({ length: cuts }, (_, i) => {
    const offset = 600 + Math.floor(Math.random() * 12_000);
    return i === stallAt ? { stallAfterBytes: offset, stallMs: 8000 } : { cutAfterBytes: offset };
  });
}

async function followThroughCuts(index: number) {
  const plans = schedule(index);
  let connection = 0;
  const proxy = await startProxy(server.port, () => plans[connection++] ?? {});
  const auth = await bearer(`net-${index}`);
  const client = createClient({
    baseUrl: `http://127.0.0.1:${proxy.port}`,
    token: await userToken(`net-${index}`),
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    backoff: { initialMs: 50, maxMs: 500, maxAttempts: 20 },
  });
  const delivered: StreamEvent[] = [];
  const deliveredAt: number[] = [];
  const run = client.novachat(`network cut schedule ${index}`);
  run.on("event", (event) => {
    delivered.push(event);
    deliveredAt.push(performance.now());
  });
  try {
    const result = await run.done;
    // The server's own log of the session, read directly (not through the proxy).
    const res = await fetch(`${server.url}/sessions/${result.sessionId}/events`, { headers: auth });
    const { messages } = await readSse(res);
    const recovery = proxy.faultTimes.map((t) => {
      const next = deliveredAt.find((at) => at > t);
      return next === undefined ? 0 : Math.round(next - t);
    });
    return { delivered, logged: messages.map((m) => m.data), result, proxy, recovery };
  } finally {
    await proxy.close();
  }
}

it(`delivers every event exactly once through ${SCHEDULES} random cut schedules`, async () => {
  let next = 0;
  let eventsChecked = 0;
  let lost = 0;
  let duplicated = 0;
  let faults = 0;
  let stalls = 0;
  let maxRecoveryMs = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SCHEDULES) {
        const outcome = await followThroughCuts(next++);
        const check = audit(outcome.delivered, outcome.delivered[0]?.id ?? 1);
        expect(check).toEqual({ lost: 0, duplicated: 0, mismatches: [] });
        expect(outcome.delivered.map((e) => JSON.stringify(e))).toEqual(outcome.logged);
        expect(outcome.result.status).toBe("completed");
        expect(outcome.proxy.cuts + outcome.proxy.stalls).toBeGreaterThan(0);
        eventsChecked += outcome.delivered.length;
        lost += check.lost;
        duplicated += check.duplicated;
        faults += outcome.proxy.cuts + outcome.proxy.stalls;
        stalls += outcome.proxy.stalls;
        maxRecoveryMs = Math.max(maxRecoveryMs, ...outcome.recovery);
      }
    }),
  );
  expect(stalls).toBeGreaterThan(0);
  record({
    scenario: "2 network cuts (client library)",
    runs: SCHEDULES,
    eventsChecked,
    lost,
    duplicated,
    maxRecoveryMs,
    notes: `${faults} cuts/stalls through a loopback TCP proxy, ${stalls} stalls detected by the client's ${IDLE_TIMEOUT_MS} ms idle timeout`,
  });
});
