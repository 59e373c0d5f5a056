/**
 * A socket's state is read from its attachment once per isolate and then kept
 * (src/session/socket-state.ts): a session walks every socket's state on each join, so n joins
 * used to deserialize n² attachments (garbage that grew the isolate's heap by about 45 KB a
 * follower with 500 followers, docs/performance.md "500 idle followers"). A presence broadcast is
 * one text for every socket.
 */
import { describe, expect, it } from "vitest";
import type { LeaseRegistry } from "../../src/session/lease-registry";
import { SessionSockets } from "../../src/session/session-sockets";
import type { Stores } from "../../src/session/session-types";
import { readState, type SocketAttachment, writeState } from "../../src/session/socket-state";
import { FakeServerSocket, fakeLog } from "../helpers/fake-server-socket";

/** A fake socket that counts how often its attachment is deserialized. */
class CountingSocket extends FakeServerSocket {
  reads = 0;
  override deserializeAttachment(): unknown {
    this.reads++;
    return super.deserializeAttachment();
  }
}

const STATE: SocketAttachment = { userId: "u", canWrite: false, cursor: 0, strikes: 0, sent: 0, acked: 0 };

/** The sockets of one session over a fake log of `events` events, all callers allowed. */
function sessionOf(events: number) {
  const sockets: CountingSocket[] = [];
  const { log } = fakeLog(events);
  const leases = { holdSocket: () => {}, release: async () => {} } as unknown as LeaseRegistry;
  const session = new SessionSockets({
    sockets: () => sockets.map((s) => s.asWebSocket),
    allowed: () => ({ log }) as unknown as Stores,
    cancel: () => ({ ok: false, code: "not_found", message: "no run" }),
    readers: () => 0,
    touch: () => {},
    leases,
    pageRows: 256,
    now: () => Date.now(),
  });
  const join = () => {
    const socket = new CountingSocket();
    expect(session.canOpen("u", 0, 10_000)).toEqual({ ok: true });
    sockets.push(socket);
    session.attach(socket.asWebSocket, { caller: { userId: "u", readOnly: true }, canWrite: false, afterId: 0 });
    return socket;
  };
  return { session, sockets, join };
}

describe("socket state", () => {
  it("is not deserialized again after this isolate wrote it", () => {
    const socket = new CountingSocket();
    writeState(socket.asWebSocket, STATE);
    expect(readState(socket.asWebSocket)).toEqual(STATE);
    expect(readState(socket.asWebSocket)).toEqual(STATE);
    expect(socket.reads).toBe(0);
  });

  it("is read from the attachment once on a socket this isolate did not write (a woken object)", () => {
    const socket = new CountingSocket();
    socket.serializeAttachment({ ...STATE, cursor: 7 });
    expect(readState(socket.asWebSocket)?.cursor).toBe(7);
    expect(readState(socket.asWebSocket)?.cursor).toBe(7);
    expect(socket.reads).toBe(1);
  });

  it("is undefined for a socket never attached, and asks the attachment again later", () => {
    const socket = new CountingSocket();
    expect(readState(socket.asWebSocket)).toBeUndefined();
    writeState(socket.asWebSocket, STATE);
    expect(readState(socket.asWebSocket)?.userId).toBe("u");
  });

  it("is frozen, so it changes only through writeState (which the attachment also gets)", () => {
    const socket = new CountingSocket();
    writeState(socket.asWebSocket, STATE);
    const state = readState(socket.asWebSocket) as SocketAttachment;
    expect(Object.isFrozen(state)).toBe(true);
    expect(() => {
      state.cursor = 9;
    }).toThrow(TypeError);
    writeState(socket.asWebSocket, { ...state, cursor: 9 });
    expect(readState(socket.asWebSocket)?.cursor).toBe(9);
    expect(socket.deserializeAttachment()).toMatchObject({ cursor: 9 });
  });
});

describe("500 sockets joining one session", () => {
  it("deserialize no attachment: joins no longer cost n² reads", () => {
    const { session, sockets, join } = sessionOf(20);
    for (let i = 0; i < 500; i++) join();
    expect(session.count).toBe(500);
    expect([...session.watching()]).toHaveLength(500);
    expect(sockets.reduce((sum, s) => sum + s.reads, 0)).toBe(0);
  });

  it("each get the backlog, and a broadcast is one text for all, counted in each window", async () => {
    const { session, sockets, join } = sessionOf(20);
    for (let i = 0; i < 500; i++) join();
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const socket of sockets) expect(socket.ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    session.broadcast({ type: "presence", watching: [{ id: "u", transport: "ws", streams: 500 }] });
    const texts = new Set(sockets.map((s) => s.sent.at(-1)));
    expect(texts.size).toBe(1);
    const [text] = texts;
    expect(JSON.parse(text as string)).toEqual({
      type: "presence",
      watching: [{ id: "u", transport: "ws", streams: 500 }],
    });
    for (const socket of sockets) expect(readState(socket.asWebSocket)?.sent).toBe(socket.chars);
  });
});
