/**
 * What one socket can make the session object queue: a backlog goes out in pages of bounded size,
 * no further than the client's acknowledgements allow (WS_FLOW), and a client that floods resume
 * messages is refused and then closed. The test sockets read everything at once, so what they
 * receive is what the object sent.
 */
import { describe, expect, it } from "vitest";
import { WS_CLOSE, WS_FLOW, WS_RATE } from "../../src/protocol/ws";
import { api, TEST_USER } from "../helpers/api";
import { startBigSession } from "../helpers/big-session";
import { connectWs, type TestSocket } from "../helpers/ws";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const received = (socket: TestSocket) => socket.texts.reduce((sum, text) => sum + text.length, 0);
const cancelRun = (id: string) => api(`/sessions/${id}/cancel`, { method: "POST" });

describe("WebSocket flow control", () => {
  it("has to: workerd tells a server-side socket nothing of what it queued (no bufferedAmount)", () => {
    const [client, server] = Object.values(new WebSocketPair());
    client.accept();
    server.accept();
    for (let i = 0; i < 100; i++) server.send("x".repeat(100_000));
    // 10 MB sent and not one byte read: send() neither refused nor said so.
    expect("bufferedAmount" in server).toBe(false);
    client.close();
  });

  it("sends a backlog in bounded pages, only as far as the window, and the rest as the client acknowledges", async () => {
    // 1.6 MB of events: more than the window.
    const big = await startBigSession(TEST_USER, 400, 4000);
    await cancelRun(big.sessionId);
    const socket = await connectWs(`/sessions/${big.sessionId}/ws`);
    await socket.until(() => received(socket) > 0);
    await sleep(500);
    const before = received(socket);
    expect(before).toBeLessThanOrEqual(WS_FLOW.WINDOW_CHARS);
    expect(socket.events.length).toBeLessThan(big.head);
    const event = 4000 + 200;
    expect(Math.max(...socket.texts.map((t) => t.length))).toBeLessThanOrEqual(WS_FLOW.PAGE_CHARS + event);

    // Acknowledging everything received opens the window again, until the whole log is in.
    const deadline = Date.now() + 15_000;
    while (socket.events.at(-1)?.id !== big.head + 1 && Date.now() < deadline) {
      socket.ws.send(JSON.stringify({ type: "ack", received: received(socket) }));
      await sleep(100);
    }
    expect(socket.events.map((e) => e.id)).toEqual(Array.from({ length: big.head + 1 }, (_, i) => i + 1));
    socket.ws.close();
  });

  it("refuses an acknowledgement of more than was sent", async () => {
    const big = await startBigSession(TEST_USER, 2, 10);
    await cancelRun(big.sessionId);
    const socket = await connectWs(`/sessions/${big.sessionId}/ws`);
    await socket.until(() => socket.events.length > 0);
    socket.ws.send(JSON.stringify({ type: "ack", received: 10 ** 9 }));
    await socket.until(() => socket.controls.length > 0);
    expect(socket.controls[0]).toMatchObject({ type: "error", error: { code: "bad_request" } });
    socket.ws.close();
  });

  it("answers a flood of resume messages with a burst, then refusals, then a 1008 close", async () => {
    const big = await startBigSession(TEST_USER, 20, 100);
    await cancelRun(big.sessionId);
    const socket = await connectWs(`/sessions/${big.sessionId}/ws`);
    for (let i = 0; i < 200; i++) socket.ws.send(JSON.stringify({ type: "resume", last_event_id: 0 }));
    const closed = await socket.closed;
    expect(closed.code).toBe(WS_CLOSE.POLICY);
    const refusals = socket.controls.filter((c) => (c.error as { code?: string })?.code === "rate_limited");
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    // The attach replay, then at most the burst of replays: never one per message.
    const replays = socket.texts.filter((t) => t.startsWith('[{"id":1,'));
    expect(replays.length).toBeLessThanOrEqual(1 + WS_RATE.BURST);
  });
});
