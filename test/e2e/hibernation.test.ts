/**
 * Hibernation for real, under `wrangler dev` (local workerd evicts an idle session object that
 * only holds hibernatable sockets; vitest-pool-workers 0.14.9 cannot evict one on demand): a
 * socket stays open across an eviction of its session's object, pings are answered without waking
 * it, and the socket then receives every event of the session's next run exactly once. Also the
 * client library's WebSocket transport against the real server. Node only (no browser), so it runs
 * whether or not Chromium is installed. A socket also stays across an eviction while a run waits
 * for its review (docs/interaction.md), and gets the rest of the run once it is answered.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type WebSocketConstructor } from "@edge-stream/client";
import { WebSocket } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { WS_PING, WS_PONG } from "../../src/protocol/ws";
import { type ApiClient, apiClient } from "../helpers/api-client";
import { type DevServer, startDevServer } from "../helpers/dev-server";
import { idsOf, isRunComplete } from "../helpers/event-lists";
import { openSocket } from "../helpers/node-socket";
import { sleep } from "../helpers/sleep";
import { readSse } from "../helpers/sse";
import { bearer, userToken } from "../helpers/tokens";

const USER = "hibernation-test";

/**
 * Pause between two looks at the session, ms. Each look is a request that wakes the object, so it
 * must be longer than workerd's inactivity timeout (about 10 s) or the object never gets evicted.
 */
const LOOK_EVERY_MS = 15_000;

/**
 * Quiet time before the ping, ms: well past the time after which the object was just seen evicted,
 * so the ping meets an evicted object (which cannot be checked without waking it).
 */
const QUIET_BEFORE_PING_MS = 25_000;

/** Longest wait for one eviction, ms (the lead saw 10-25 s; a loaded machine is slower). */
const EVICTION_TIMEOUT_MS = 120_000;

interface Snapshot {
  status: string;
  last_event_id: number;
  sockets: number;
  instance_started_at: string;
}

let server: DevServer;
let persistTo: string;
let auth: Record<string, string>;
/** The API as USER, on the server under test. */
let client: ApiClient;

const snapshot = (sessionId: string) => client.snapshot<Snapshot>(sessionId);

/** The session's stored events after `afterId`, read over SSE. */
async function logAfter(sessionId: string, afterId: number): Promise<StreamEvent[]> {
  const res = await client.api(`/sessions/${sessionId}/events?last_event_id=${afterId}`);
  return (await readSse(res)).events;
}

/**
 * Looks at the session every LOOK_EVERY_MS until its object is a new instance; returns that snapshot.
 * A look that finds the socket closed, or counted otherwise than once, fails at once.
 */
async function nextInstance(sessionId: string, before: string, isOpen: () => boolean): Promise<Snapshot> {
  let failed: unknown;
  const look = async () => {
    try {
      const snap = await snapshot(sessionId);
      expect(isOpen(), "the socket stayed open").toBe(true);
      expect(snap.sockets).toBe(1);
      return snap.instance_started_at !== before && snap;
    } catch (error) {
      failed = error;
      throw error;
    }
  };
  // vi.waitUntil looks once at the start: wait LOOK_EVERY_MS first, as between any two looks.
  await sleep(LOOK_EVERY_MS);
  return vi.waitUntil(look, { timeout: EVICTION_TIMEOUT_MS - LOOK_EVERY_MS, interval: LOOK_EVERY_MS }).catch(() => {
    throw failed ?? new Error(`the session object was not evicted within ${EVICTION_TIMEOUT_MS} ms`);
  });
}

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "edge-stream-hibernation-"));
  server = await startDevServer({ persistTo, vars: { DEMO_TOKEN_DELAY_MS: "5" } });
  auth = await bearer(USER);
  client = apiClient({
    baseUrl: server.url,
    fetch,
    tokenFor: userToken,
    defaultUser: USER,
    // Runs here (5 ms a token) take a few seconds; the first eviction test starts only once idle.
    idlePollMs: 100,
    idleTimeoutMs: 60_000,
  });
});

afterAll(async () => {
  await server?.kill("SIGTERM");
  await server?.kill("SIGKILL");
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe("WebSocket hibernation under wrangler dev", () => {
  it("keeps an idle socket across evictions, answers pings without waking the object, then delivers the next run once", async () => {
    const first = await client.startDetached("loomichat", { message: "Hi Loomi, I sell handmade candles." });
    const idle = await client.waitIdle<Snapshot>(first.session_id);
    const socket = await openSocket(
      `${server.url}/sessions/${first.session_id}/ws?last_event_id=${idle.last_event_id}`,
      auth,
    );
    const isOpen = () => socket.ws.readyState === WebSocket.OPEN;

    // 1. The object is evicted while the socket stays connected.
    const woken = await nextInstance(first.session_id, idle.instance_started_at, isOpen);
    expect(Date.parse(woken.instance_started_at)).toBeGreaterThan(Date.parse(idle.instance_started_at));

    // 2. Once evicted again, a ping is answered by the runtime: the object starts only for the snapshot after it.
    let pingProven = false;
    let previous = woken.instance_started_at;
    for (let attempt = 0; attempt < 4 && !pingProven; attempt++) {
      await sleep(QUIET_BEFORE_PING_MS);
      const pongs = socket.texts.filter((t) => t === WS_PONG).length;
      const pingAt = Date.now();
      socket.ws.send(WS_PING);
      await socket.until(() => socket.texts.filter((t) => t === WS_PONG).length > pongs, 10_000);
      const pongAt = Date.now();
      await sleep(1500);
      const snap = await snapshot(first.session_id);
      const started = Date.parse(snap.instance_started_at);
      // Still the instance from before the ping: it had not been evicted yet, so the look proves nothing; try again.
      if (snap.instance_started_at !== previous) {
        expect(started < pingAt - 100 || started > pongAt + 500, "the ping woke the object").toBe(true);
        pingProven = started > pongAt;
      }
      previous = snap.instance_started_at;
    }
    expect(pingProven, "a ping answered while the object was evicted").toBe(true);
    expect(socket.events).toEqual([]);

    // 3. The next run wakes the object, and the socket gets all of it, once, in order.
    const next = await client.startDetached("loomichat", {
      message: "Write a blurb for my lavender candle",
      session_id: first.session_id,
    });
    await socket.until(() => socket.events.some(isRunComplete(next.run_id)));
    const stored = await logAfter(first.session_id, idle.last_event_id);
    expect(stored.at(-1)).toMatchObject({ event_type: EVENT_TYPES.RUN_COMPLETE, run_id: next.run_id });
    expect(socket.events).toEqual(stored);
    expect(new Set(idsOf(socket.events)).size).toBe(socket.events.length);
    expect(socket.events.every((e) => e.run_id === next.run_id)).toBe(true);
    expect((await snapshot(first.session_id)).sockets).toBe(1);
    socket.ws.close(1000, "done");
  }, 420_000);

  it("keeps a socket across an eviction while a run waits for its review, then delivers the rest once answered", async () => {
    const paused = await client.startDetached("novachat", {
      message: "A launch post",
      options: { review: ["strategy_generator"] },
    });
    const waiting = await vi.waitUntil(
      async () => {
        const snap = await snapshot(paused.session_id);
        return snap.status === "awaiting_input" && snap;
      },
      { timeout: 60_000, interval: 200 },
    );
    const socket = await openSocket(
      `${server.url}/sessions/${paused.session_id}/ws?last_event_id=${waiting.last_event_id}`,
      auth,
    );
    const isOpen = () => socket.ws.readyState === WebSocket.OPEN;
    // A paused run is only its checkpoint: the object is evicted like an idle one, the socket stays.
    const woken = await nextInstance(paused.session_id, waiting.instance_started_at, isOpen);
    expect(woken.status).toBe("awaiting_input");
    expect(socket.events).toEqual([]);
    const body = JSON.stringify({ action: "approve" });
    const init = { method: "POST", headers: { "Content-Type": "application/json" }, body };
    expect((await client.api(`/sessions/${paused.session_id}/input`, init)).status).toBe(202);
    await socket.until(() => socket.events.some(isRunComplete(paused.run_id)));
    const stored = await logAfter(paused.session_id, waiting.last_event_id);
    expect(stored[0]).toMatchObject({ event_type: EVENT_TYPES.INPUT, payload: { action: "approve", actor: USER } });
    expect(stored.at(-1)).toMatchObject({ event_type: EVENT_TYPES.RUN_COMPLETE, payload: { status: "completed" } });
    expect(socket.events).toEqual(stored);
    socket.ws.close(1000, "done");
  }, 240_000);

  it("runs the client library's WebSocket transport against the real server, across a dropped socket", async () => {
    const token = await userToken(USER);
    const client = createClient({
      baseUrl: server.url,
      token,
      transport: "websocket",
      // undici's WebSocket is the browser's API; its event types are its own, hence the cast.
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const run = client.novachat("Launch post for a solar-powered backpack");
    const events: StreamEvent[] = [];
    const transports: string[] = [];
    run.on("connected", (info) => transports.push(info.transport));
    run.on("event", (event) => {
      events.push(event);
      if (events.length === 25) run.dropConnection();
    });
    const result = await run.done;
    expect(run.integrity).toBe("verified");
    expect(result.status).toBe("completed");
    expect(transports).toEqual(["websocket", "websocket"]);
    expect(events).toEqual(await logAfter(result.sessionId, 0));
  }, 180_000);
});
