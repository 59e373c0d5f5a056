/**
 * Delivery to sockets (src/session/socket-hub.ts) over fake sockets and a fake log: one message
 * per flush shared by every socket, backlogs in bounded pages one turn apart, nothing past the
 * send window, and a socket left with a full window closed with 4008 so its client resumes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { WS_CLOSE, WS_CLOSE_REASONS, WS_FLOW } from "../../src/protocol/ws";
import type { FlushedBatch } from "../../src/session/event-writer";
import { SocketHub } from "../../src/session/socket-hub";
import { readState, type SocketAttachment, writeState } from "../../src/session/socket-state";
import { FakeServerSocket, fakeLog } from "../helpers/fake-server-socket";

function hubOf(sockets: FakeServerSocket[], now = () => Date.now()) {
  const closed: FakeServerSocket[] = [];
  const hub = new SocketHub({
    sockets: () => sockets.map((s) => s.asWebSocket),
    now,
    pageRows: 256,
    onClosed: (ws) => closed.push(ws as unknown as FakeServerSocket),
  });
  return { hub, closed };
}

function attached(cursor: number, extra: Partial<SocketAttachment> = {}): FakeServerSocket {
  const socket = new FakeServerSocket();
  writeState(socket.asWebSocket, {
    userId: "u",
    canWrite: true,
    cursor,
    strikes: 0,
    sent: 0,
    acked: 0,
    ...extra,
  });
  return socket;
}

/** A batch whose JSON array is counted each time it is joined. */
function countedBatch(rows: { id: number; json: string }[]) {
  const counter = { joins: 0 };
  class CountedJsons extends Array<string> {
    override join(separator?: string): string {
      counter.joins++;
      return super.join(separator);
    }
  }
  const jsons = CountedJsons.from(rows.map((r) => r.json));
  const batch: FlushedBatch = {
    firstId: rows[0].id,
    lastId: rows[rows.length - 1].id,
    jsons,
    frames: new Uint8Array(),
  };
  return { batch, counter };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("socket hub", () => {
  it("builds each flush's message once, and every caught-up socket gets that same text", () => {
    const { log, append } = fakeLog(10);
    const sockets = [attached(10), attached(10), attached(10)];
    const { hub } = hubOf(sockets);
    const { batch, counter } = countedBatch(append(3));
    hub.publish(log, batch);
    expect(counter.joins).toBe(1);
    expect(sockets.map((s) => s.sent)).toEqual([[`[${batch.jsons.join(",")}]`], ...Array(2).fill(sockets[0].sent)]);
    expect(sockets.map((s) => readState(s.asWebSocket)?.cursor)).toEqual([13, 13, 13]);
  });

  it("sends a backlog in pages of bounded size, one per turn of the event loop", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(200, 2000);
    const socket = attached(0);
    const { hub } = hubOf([socket]);
    hub.pump(socket.asWebSocket, log);
    // Only the first page went out in the caller's turn: others are served between pages.
    expect(socket.sent).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(socket.ids).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(socket.sent.length).toBeGreaterThan(1);
    for (const text of socket.sent) expect(text.length).toBeLessThanOrEqual(WS_FLOW.PAGE_CHARS);
  });

  it("sends no further than the window, and pauses until the client acknowledges", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(1000, 2000);
    const socket = attached(0);
    const { hub } = hubOf([socket]);
    hub.pump(socket.asWebSocket, log);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.chars).toBeLessThanOrEqual(WS_FLOW.WINDOW_CHARS);
    expect(socket.chars).toBeGreaterThan(WS_FLOW.WINDOW_CHARS - WS_FLOW.PAGE_CHARS);
    const state = readState(socket.asWebSocket) as SocketAttachment;
    expect(state.pausedAt).toBeDefined();
    // A paused socket is left alone by flushes: no storage read for it per flush.
    const before = socket.sent.length;
    hub.publish(log, countedBatch(fakeLog(1001).rows.slice(1000)).batch);
    expect(socket.sent.length).toBe(before);
    // The ack (what socket-messages.ts records) lets the pump go on.
    writeState(socket.asWebSocket, { ...state, acked: state.sent, pausedAt: undefined });
    hub.pump(socket.asWebSocket, log);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.chars).toBeGreaterThan(WS_FLOW.WINDOW_CHARS);
    expect(socket.closedWith).toBeUndefined();
  });

  it("stops pumping a socket whose send fails (the client closed it)", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(200, 2000);
    const socket = attached(0);
    const { hub } = hubOf([socket]);
    hub.pump(socket.asWebSocket, log);
    socket.close(1000, "client left");
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends an event larger than a page alone, as far as the window allows", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(3, WS_FLOW.PAGE_CHARS * 2);
    const socket = attached(0);
    const { hub } = hubOf([socket]);
    hub.pump(socket.asWebSocket, log);
    await vi.runAllTimersAsync();
    expect(socket.sent).toHaveLength(3);
    expect(socket.ids).toEqual([1, 2, 3]);
  });

  it("closes a socket whose window stays full for BEHIND_MS with 4008, and keeps one that acknowledged", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(1000, 2000);
    const stuck = attached(0);
    const reading = attached(0);
    const { hub, closed } = hubOf([stuck, reading]);
    hub.pump(stuck.asWebSocket, log);
    hub.pump(reading.asWebSocket, log);
    await vi.advanceTimersByTimeAsync(WS_FLOW.BEHIND_MS / 2);
    const state = readState(reading.asWebSocket) as SocketAttachment;
    writeState(reading.asWebSocket, { ...state, acked: state.sent, pausedAt: undefined });
    hub.pump(reading.asWebSocket, log);
    await vi.advanceTimersByTimeAsync(WS_FLOW.BEHIND_MS / 2 + 1000);
    expect(stuck.closedWith).toEqual({ code: WS_CLOSE.BEHIND, reason: WS_CLOSE_REASONS.BEHIND });
    expect(closed).toEqual([stuck]);
    expect(reading.closedWith).toBeUndefined();
  });

  it("sends nothing more to a socket once it is closed", async () => {
    vi.useFakeTimers();
    const { log } = fakeLog(200, 2000);
    const socket = attached(0);
    const { hub } = hubOf([socket]);
    hub.pump(socket.asWebSocket, log);
    const state = readState(socket.asWebSocket) as SocketAttachment;
    writeState(socket.asWebSocket, { ...state, closed: true });
    await vi.runAllTimersAsync();
    expect(socket.sent).toHaveLength(1);
  });
});
