/**
 * A session keeps its own set of open sockets (src/session/open-sockets.ts): a flush, a join and
 * a presence push walk that set, never the runtime's accepted sockets and their readyState (a JS
 * wrapper per socket per walk: 2,000 followers made that most of the object's CPU). A socket
 * leaves the set when it closes or fails, or when our side closes it; an instance woken from
 * hibernation rebuilds the set once from the accepted sockets and their attachments.
 */
import { describe, expect, it, vi } from "vitest";
import { failure } from "../../src/protocol/errors";
import { WS_CLOSE, WS_FLOW, WS_MAX_STRIKES } from "../../src/protocol/ws";
import type { FlushedBatch } from "../../src/session/event-writer";
import type { LeaseRegistry } from "../../src/session/lease-registry";
import { SessionSockets } from "../../src/session/session-sockets";
import type { Stores } from "../../src/session/session-types";
import { readState, type SocketAttachment } from "../../src/session/socket-state";
import { FakeServerSocket, fakeLog } from "../helpers/fake-server-socket";

/** A fake socket that counts how often its readyState is read (each read is a wrapper in workerd). */
class CountingSocket extends FakeServerSocket {
  stateReads = 0;
  #readyState = 1;
  // @ts-expect-error: an accessor over the base class's field, to count the reads.
  override get readyState(): number {
    this.stateReads++;
    return this.#readyState;
  }
  override set readyState(value: number) {
    this.#readyState = value;
  }
}

const USER = { userId: "u", readOnly: true };

/**
 * The sockets of one session over fake sockets and a fake log: `accepted` is what the runtime
 * would hand back (ctx.getWebSockets()), and `asked` counts how often it was asked for them.
 */
function sessionOver(accepted: CountingSocket[], log = fakeLog(5).log, revoked = new Set<string>()) {
  const counter = { asked: 0 };
  const leases = { holdSocket: () => {}, release: async () => {} } as unknown as LeaseRegistry;
  const session = new SessionSockets({
    sockets: () => {
      counter.asked++;
      return accepted.map((s) => s.asWebSocket);
    },
    allowed: (caller) =>
      revoked.has(caller.userId) ? failure("forbidden", "no access") : ({ log } as unknown as Stores),
    cancel: () => failure("not_found", "no run"),
    readers: () => 0,
    touch: () => {},
    leases,
    pageRows: 256,
    now: () => Date.now(),
  });
  const join = (userId = "u", afterId = 5) => {
    const socket = new CountingSocket();
    expect(session.canOpen({ ...USER, userId }, afterId, 10_000)).toEqual({ ok: true });
    accepted.push(socket);
    session.attach(socket.asWebSocket, { caller: { ...USER, userId }, canWrite: false, afterId });
    return socket;
  };
  return { session, counter, join };
}

/** Lets the joins' pumps (nothing to send: they joined at the head) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A flush of events `firstId`..`lastId`. */
function batchOf(firstId: number, lastId: number): FlushedBatch {
  const jsons = Array.from({ length: lastId - firstId + 1 }, (_, i) => JSON.stringify({ id: firstId + i }));
  return { firstId, lastId, jsons, frames: new Uint8Array() };
}

describe("a session's own set of open sockets", () => {
  it("a flush, a join and a presence push ask the runtime for no socket and read no readyState", async () => {
    const { log, append } = fakeLog(5);
    const { session, counter, join } = sessionOver([], log);
    const sockets = Array.from({ length: 50 }, () => join());
    await settle();
    // The set was built once (empty: a new object), when the first socket asked to join.
    expect(counter.asked).toBe(1);
    const reads = () => sockets.reduce((sum, s) => sum + s.stateReads, 0);
    const before = reads();
    append(2);
    session.publish(log, batchOf(6, 7));
    session.broadcast({ type: "presence", watching: [{ id: "u", transport: "ws", streams: 50 }] });
    expect(session.count).toBe(50);
    expect([...session.watching()]).toHaveLength(50);
    expect(session.leases()).toEqual([]);
    join();
    expect(counter.asked).toBe(1);
    expect(reads()).toBe(before);
    for (const socket of sockets) expect(socket.ids).toEqual([6, 7]);
  });

  it("loses a socket closed or failed by the client: no more flushes, not counted, not watching", async () => {
    const { log, append } = fakeLog(5);
    const { session, join } = sessionOver([], log);
    const [gone, failed, stays] = [join(), join("v"), join("w")];
    await settle();
    gone.readyState = 3;
    session.closed(gone.asWebSocket);
    session.closed(failed.asWebSocket);
    expect(session.count).toBe(1);
    expect([...session.watching()].map((w) => w.id)).toEqual(["w"]);
    append(1);
    session.publish(log, batchOf(6, 6));
    expect([gone.ids, failed.ids, stays.ids]).toEqual([[], [], [6]]);
  });

  it("loses a socket our side closes: revoked access, too many bad messages, deletion", () => {
    const revoked = new Set<string>();
    const { session, join } = sessionOver([], fakeLog(5).log, revoked);
    const [lostAccess, flooding, kept] = [join("gone"), join("bad"), join("u")];
    revoked.add("gone");
    session.closeRevoked();
    expect(lostAccess.closedWith?.code).toBe(WS_CLOSE.REVOKED);
    for (let i = 0; i < WS_MAX_STRIKES; i++) session.onMessage(flooding.asWebSocket, "not json");
    expect(flooding.closedWith?.code).toBe(WS_CLOSE.POLICY);
    expect(session.count).toBe(1);
    expect([...session.watching()].map((w) => w.id)).toEqual(["u"]);
    session.closeAll(WS_CLOSE.NORMAL, "session deleted");
    expect(kept.closedWith?.code).toBe(WS_CLOSE.NORMAL);
    expect(session.count).toBe(0);
  });

  it("loses a socket closed for staying behind with a full window", async () => {
    vi.useFakeTimers();
    try {
      const { log } = fakeLog(1000, 2000);
      const { session, join } = sessionOver([], log);
      const behind = join("u", 0);
      await vi.advanceTimersByTimeAsync(WS_FLOW.BEHIND_MS + 1000);
      expect(behind.closedWith?.code).toBe(WS_CLOSE.BEHIND);
      expect(session.count).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("after a wake, holds exactly the sockets still open, read once from the runtime's list", () => {
    const state: SocketAttachment = { userId: "u", canWrite: false, cursor: 5, strikes: 0, sent: 0, acked: 0 };
    // Sockets as a woken instance finds them: attachments written by the instance before it slept.
    const asleep = (extra: Partial<SocketAttachment>, readyState = 1) => {
      const socket = new CountingSocket();
      socket.serializeAttachment({ ...state, ...extra });
      socket.readyState = readyState;
      return socket;
    };
    const open = [asleep({ userId: "a" }), asleep({ userId: "b", lease: "l1" })];
    const closedByUs = asleep({ userId: "c", closed: true });
    const closedByClient = asleep({ userId: "d" }, 3);
    const { log, append } = fakeLog(5);
    const { session, counter } = sessionOver([...open, closedByUs, closedByClient], log);
    expect(session.count).toBe(2);
    expect([...session.watching()].map((w) => w.id)).toEqual(["a", "b"]);
    expect(session.leases()).toEqual([{ userId: "b", id: "l1" }]);
    append(1);
    session.publish(log, batchOf(6, 6));
    expect([...open, closedByUs, closedByClient].map((s) => s.ids)).toEqual([[6], [6], [], []]);
    expect(readState(open[0].asWebSocket)?.cursor).toBe(6);
    expect(counter.asked).toBe(1);
  });
});
