/**
 * The client's WebSocket transport against recorded runs served by a stand-in WebSocket
 * (test/helpers/fake-websocket.ts): a disconnect after every message, with one event or a flush of
 * several per message, duplicates, reordering, refused upgrades, server closes, heartbeats and a
 * dead socket. The app must see every event exactly once, in order, and the verified final text.
 */

import { ClientError, type ClientOptions, webSocketTransport } from "@edge-stream/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { socketUrlFor } from "../../packages/client/src/websocket-transport";
import type { StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { WS_CLOSE, WS_CLOSE_REASONS } from "../../src/protocol/ws";
import { fakeClient, record, seeded } from "../helpers/client-harness";
import { FakeServer } from "../helpers/fake-server";
import { fakeWebSocket, type SocketFault, type SocketLog } from "../helpers/fake-websocket";
import { recording } from "../helpers/recorded";

const nova = recording("nova3-run");
const loomi1 = recording("loomi-turn1");
const loomi2 = recording("loomi-turn2");
const READ_TOKEN = "read-xyz";

function wsClient(server: FakeServer, faults: SocketFault[], options: Partial<ClientOptions> = {}) {
  const log: SocketLog = { urls: [], sent: [] };
  const WebSocket = fakeWebSocket(server, faults, log);
  const client = fakeClient(server, { transport: "websocket", WebSocket, token: "user-jwt", ...options });
  return { client, log };
}

const resumePoints = (log: SocketLog) => log.urls.map((u) => new URL(u).searchParams.get("last_event_id"));
const lastIdOfMessage = (events: StreamEvent[], batch: number, messages: number) =>
  messages === 0 ? 0 : events[Math.min(messages * batch, events.length) - 1].id;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("client: WebSocket transport", () => {
  it("starts with a 202 and follows /sessions/:id/ws with the read token, sending nothing but pings", async () => {
    const server = new FakeServer([nova], `&token=${READ_TOKEN}`);
    const { client, log } = wsClient(server, [{ batch: 7 }]);
    const run = client.novachat("Launch post for a solar backpack");
    const seen = record(run);
    const result = await run.done;
    expect(seen.events).toEqual(nova);
    expect(result.texts).toEqual(reconstructTexts(nova));
    expect(run.integrity).toBe("verified");
    expect(seen.connected).toEqual([{ transport: "websocket", attempt: 0, afterId: 0 }]);
    const [url] = log.urls.map((u) => new URL(u));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(`ws://edge.test/sessions/${result.sessionId}/ws`);
    expect(url.searchParams.get("token")).toBe(READ_TOKEN);
    expect(log.sent.filter((m) => m !== "ping")).toEqual([]);
    expect(server.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(["POST /novachat"]);
    expect(server.requests[0].headers.get("Accept")).toBe("application/json");
  });

  for (const batch of [1, 6]) {
    it(`resumes after a drop after every message (${batch} event(s) per message) with nothing lost or repeated`, async () => {
      const messages = Math.ceil(nova.length / batch);
      for (let cut = 0; cut < messages; cut++) {
        const server = new FakeServer([nova], `&token=${READ_TOKEN}`);
        const { client, log } = wsClient(server, [{ batch, cutAfterMessages: cut }, { batch }]);
        const run = client.novachat("cut");
        const seen = record(run);
        await run.done;
        const lastWhole = lastIdOfMessage(nova, batch, cut);
        expect(seen.events, `cut after message ${cut}`).toEqual(nova);
        expect(seen.reconnecting.map((r) => r.afterId)).toEqual([lastWhole]);
        expect(resumePoints(log)).toEqual(["0", String(lastWhole)]);
        expect(log.urls.map((u) => new URL(u).searchParams.get("token"))).toEqual([READ_TOKEN, READ_TOKEN]);
      }
    }, 60_000);
  }

  it("reconnects after a server close (1000, 1001, 1011) mid-run", async () => {
    for (const code of [1000, 1001, 1011]) {
      const server = new FakeServer([nova]);
      const { client, log } = wsClient(server, [{ cutAfterMessages: 30, close: { code, reason: "bye" } }]);
      const run = client.novachat("closed");
      const seen = record(run);
      await run.done;
      expect(seen.events).toEqual(nova);
      expect(resumePoints(log)).toEqual(["0", String(nova[29].id)]);
    }
  });

  it("resumes from the last delivered id when the server closes a socket as behind (4008)", async () => {
    const server = new FakeServer([nova]);
    const behind = { code: WS_CLOSE.BEHIND, reason: WS_CLOSE_REASONS.BEHIND };
    const { client, log } = wsClient(server, [{ batch: 3, cutAfterMessages: 10, close: behind }, { batch: 3 }]);
    const run = client.novachat("slow tab");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(resumePoints(log)).toEqual(["0", String(nova[29].id)]);
    expect(seen.reconnecting[0].error).toMatchObject({
      code: "network",
      message: /fell behind \(4008 behind: resume\)/,
    });
  });

  it("acknowledges the characters it has read, whenever ackEveryChars are unacknowledged", async () => {
    const server = new FakeServer([nova]);
    const ackEveryChars = 2000;
    const log: SocketLog = { urls: [], sent: [] };
    const transport = webSocketTransport({ WebSocket: fakeWebSocket(server, [{ batch: 4 }], log), ackEveryChars });
    await fakeClient(server, { transport, token: "user-jwt" }).novachat("ack").done;
    // What the fake sent: one JSON array of 4 events per message.
    const sizes: number[] = [];
    for (let i = 0; i < nova.length; i += 4) sizes.push(JSON.stringify(nova.slice(i, i + 4)).length);
    const totals = sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const acks = log.sent.filter((m) => m !== "ping").map((m) => JSON.parse(m) as { type: string; received: number });
    expect(acks.length).toBeGreaterThan(1);
    let previous = 0;
    for (const ack of acks) {
      expect(ack.type).toBe("ack");
      // Each ack is a whole number of messages, sent as soon as ackEveryChars were owed.
      expect(totals).toContain(ack.received);
      expect(ack.received - previous).toBeGreaterThanOrEqual(ackEveryChars);
      expect(ack.received - previous).toBeLessThan(ackEveryChars + Math.max(...sizes));
      previous = ack.received;
    }
    // What is left unacknowledged at the end is less than one ack's worth.
    expect((totals.at(-1) ?? 0) - previous).toBeLessThan(ackEveryChars);
  });

  it("drops duplicated and replayed messages, and puts reordered ones back in order", async () => {
    const server = new FakeServer([nova]);
    const faults: SocketFault[] = [
      { doubleMessages: true, batch: 3, cutAfterMessages: 41 },
      { replayFromStart: true, doubleMessages: true, swapPairs: true, batch: 2 },
    ];
    const { client } = wsClient(server, faults);
    const run = client.novachat("dupes");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting).toHaveLength(1);
  });

  it("retries a refused upgrade (a browser cannot tell 401/404/429 from a network failure) and gives up in the end", async () => {
    const server = new FakeServer([nova]);
    const { client } = wsClient(server, [{ refuse: true }, { cutAfterMessages: 10 }, { refuse: true }]);
    const run = client.novachat("refused");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting.map((r) => [r.attempt, r.afterId])).toEqual([
      [1, 0],
      [1, 10],
      [2, 10],
    ]);
    expect(seen.reconnecting[0].error.message).toMatch(/refused or unreachable/);

    const down = wsClient(
      new FakeServer([nova]),
      Array.from({ length: 5 }, () => ({ refuse: true })),
      {
        backoff: { maxAttempts: 3 },
      },
    );
    const error = await down.client.novachat("down").done.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "gave_up" });
  });

  it("fails without retrying on a policy close (1008/1009), an error from the server, or a message that is not the protocol", async () => {
    for (const fault of [
      { cutAfterMessages: 5, close: { code: 1008, reason: "too many bad messages" } },
      { cutAfterMessages: 5, close: { code: 1009, reason: "too big" } },
      { control: { type: "error", error: { code: "bad_request", message: "no" } } },
      { raw: "not json" },
      { raw: "42" },
      { raw: JSON.stringify([{ id: 1, run_id: "r" }]) },
    ]) {
      const { client, log } = wsClient(new FakeServer([nova]), [fault]);
      const error = await client.novachat("policy").done.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientError);
      expect(error).toMatchObject({ code: "protocol" });
      expect(log.urls).toHaveLength(1);
    }
  });

  it("survives random sequences of faults (seeded)", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seeded(seed);
      const pick = (): SocketFault => {
        const base = { batch: 1 + Math.floor(random() * 8), cutAfterMessages: Math.floor(random() * 120) };
        const roll = random();
        if (roll < 0.15) return { refuse: true };
        if (roll < 0.3) return { ...base, replayFromStart: true };
        if (roll < 0.45) return { ...base, swapPairs: true };
        if (roll < 0.6) return { ...base, doubleMessages: true };
        if (roll < 0.7) return { ...base, close: { code: 1001, reason: "going away" } };
        return base;
      };
      const faults = Array.from({ length: Math.floor(random() * 8) }, pick);
      const { client } = wsClient(new FakeServer([nova]), faults, { backoff: { maxAttempts: 20 } });
      const run = client.novachat("chaos");
      const seen = record(run);
      await run.done;
      expect(seen.events, `seed ${seed}`).toEqual(nova);
    }
  }, 30_000);

  it("reads a Loomi conversation's second turn from the session's cursor, across a drop", async () => {
    const server = new FakeServer([loomi1, loomi2]);
    const { client, log } = wsClient(server, [{}, { cutAfterMessages: 12, batch: 2 }]);
    const turn1 = await client.loomichat("Hi Loomi, I sell handmade candles.").done;
    const second = client.loomichat("Write a short product blurb for them", { sessionId: turn1.sessionId });
    const seen = record(second);
    const turn2 = await second.done;
    expect(seen.events).toEqual(loomi2);
    expect(turn2.texts).toEqual(reconstructTexts(loomi2));
    const firstOfTurn2 = loomi2[0].id - 1;
    expect(resumePoints(log)).toEqual(["0", String(firstOfTurn2), String(loomi2[23].id)]);
  });

  it("cancels over HTTP with the bearer token, never over the read-only socket", async () => {
    const server = new FakeServer([nova]);
    const { client, log } = wsClient(server, []);
    const run = client.novachat("cancel me");
    await run.started;
    expect(await run.cancel()).toBe(true);
    const [cancel] = server.requestsTo(/cancel$/);
    expect(cancel.method).toBe("POST");
    expect(cancel.headers.get("Authorization")).toBe("Bearer user-jwt");
    await run.done;
    expect(log.sent.filter((m) => m !== "ping")).toEqual([]);
  });

  it("dropConnection() mid-run opens a new socket from the last delivered id", async () => {
    const { client, log } = wsClient(new FakeServer([nova]), []);
    const run = client.novachat("drop");
    const seen = record(run);
    run.on("event", (event) => {
      if (event.id === 40) run.dropConnection();
    });
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(resumePoints(log)).toEqual(["0", "40"]);
  });

  it("builds the socket URL from the base URL, with ws/wss, the resume point and the read token only", () => {
    const signal = new AbortController().signal;
    const eventsUrl = `https://api.example/v1/sessions/s-1/events?last_event_id=3&token=${READ_TOKEN}`;
    const request = { baseUrl: "https://api.example/v1/", sessionId: "s 1", afterId: 9, eventsUrl, token: "t", signal };
    expect(socketUrlFor(request)).toBe(`wss://api.example/v1/sessions/s%201/ws?last_event_id=9&token=${READ_TOKEN}`);
    expect(socketUrlFor({ ...request, baseUrl: "http://localhost:8787", eventsUrl: undefined })).toBe(
      "ws://localhost:8787/sessions/s%201/ws?last_event_id=9",
    );
  });
});

describe("client: WebSocket heartbeats", () => {
  /** Advances fake time in small steps until `promise` settles (bounded). */
  async function settle<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let step = 0; step < 2000 && !settled; step++) await vi.advanceTimersByTimeAsync(10);
    return promise;
  }

  it("pings an open socket, and pongs keep an idle socket alive past the idle timeout", async () => {
    vi.useFakeTimers();
    const server = new FakeServer([nova]);
    const { client, log } = wsClient(server, [{ holdUntilPings: 8, batch: 9 }], {
      pingIntervalMs: 100,
      idleTimeoutMs: 300,
    });
    const run = client.novachat("idle but alive");
    const seen = record(run);
    await settle(run.done);
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting).toEqual([]);
    // Eight pings at 100 ms: the socket sat 800 ms without an event, well past the 300 ms timeout.
    expect(log.sent.filter((m) => m === "ping").length).toBeGreaterThanOrEqual(8);
  });

  it("closes a socket that answers nothing past the idle timeout, and resumes on a new one", async () => {
    vi.useFakeTimers();
    const server = new FakeServer([nova]);
    const { client, log } = wsClient(server, [{ silentAfterMessages: 20 }], {
      pingIntervalMs: 100,
      idleTimeoutMs: 300,
    });
    const run = client.novachat("dead socket");
    const seen = record(run);
    await settle(run.done);
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting.map((r) => r.afterId)).toEqual([20]);
    expect(seen.reconnecting[0].error.message).toMatch(/no WebSocket message for 300 ms/);
    expect(resumePoints(log)).toEqual(["0", "20"]);
  });

  it("neither pings nor gives up on a silent socket when the idle timeout is 0", async () => {
    vi.useFakeTimers();
    const { client, log } = wsClient(new FakeServer([nova]), [{ silentAfterMessages: 10 }], {
      pingIntervalMs: 100,
      idleTimeoutMs: 0,
    });
    const run = client.novachat("no heartbeats");
    const seen = record(run);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.events).toHaveLength(10);
    expect(log.sent).toEqual([]);
    expect(seen.reconnecting).toEqual([]);
    run.close();
    await expect(run.done).rejects.toMatchObject({ code: "closed" });
  });

  it("fails at once where there is no WebSocket", async () => {
    // Node 22+ has a global WebSocket: take it away, as in a runtime without one.
    vi.stubGlobal("WebSocket", undefined);
    const server = new FakeServer([nova]);
    const run = fakeClient(server, { transport: webSocketTransport() }).novachat("no WebSocket");
    await expect(run.done).rejects.toMatchObject({ code: "protocol", message: /not available/ });
  });
});
