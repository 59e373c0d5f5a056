/**
 * Client messages on a socket (src/session/socket-messages.ts): an ack opens the window only by
 * what was really sent, a resume moves the cursor without refilling the window, resume and cancel
 * draw on a burst allowance whose refusals end in a 1008 close, and nothing is answered once the
 * server has closed the socket.
 */
import { describe, expect, it } from "vitest";
import { WS_CLOSE, WS_CLOSE_REASONS, WS_MAX_STRIKES, WS_RATE } from "../../src/protocol/ws";
import type { EventLog } from "../../src/session/event-log";
import { handleSocketMessage, type MessageDeps } from "../../src/session/socket-messages";
import { readState, type SocketAttachment, writeState } from "../../src/session/socket-state";
import { FakeServerSocket, fakeLog } from "../helpers/fake-server-socket";

function setup(initial: Partial<SocketAttachment> = {}) {
  const socket = new FakeServerSocket();
  writeState(socket.asWebSocket, { userId: "u", canWrite: true, cursor: 5, strikes: 0, sent: 0, acked: 0, ...initial });
  const { log } = fakeLog(10);
  const pumped: number[] = [];
  const closed: FakeServerSocket[] = [];
  let now = 0;
  const deps: MessageDeps = {
    logFor: () => log,
    cancel: () => ({ ok: true, run_id: "r" }),
    pump: (ws: WebSocket, _log: EventLog) => pumped.push(readState(ws)?.cursor ?? -1),
    onClosed: (ws) => closed.push(ws as unknown as FakeServerSocket),
    now: () => now,
  };
  const say = (message: unknown) => handleSocketMessage(socket.asWebSocket, JSON.stringify(message), deps);
  const state = () => readState(socket.asWebSocket) as SocketAttachment;
  return { socket, say, state, pumped, closed, tick: (ms: number) => (now += ms) };
}

const errors = (socket: FakeServerSocket) =>
  socket.sent.map((t) => JSON.parse(t) as { error?: { code: string } }).map((m) => m.error?.code);

describe("socket messages", () => {
  it("takes an ack of what was sent, and refuses one of more than was sent or of less than before", () => {
    const { socket, say, state, pumped } = setup({ sent: 5000, acked: 1000, pausedAt: 7 });
    say({ type: "ack", received: 3000 });
    expect(state()).toMatchObject({ acked: 3000, pausedAt: undefined });
    expect(pumped).toEqual([5]);
    say({ type: "ack", received: 2000 });
    say({ type: "ack", received: 999_999 });
    expect(errors(socket)).toEqual(["bad_request", "bad_request"]);
    expect(state().acked).toBe(3000);
  });

  it("moves the cursor on resume but leaves what was sent owed", () => {
    const { say, state, pumped } = setup({ sent: 900_000, acked: 0 });
    say({ type: "resume", last_event_id: 0 });
    expect(state()).toMatchObject({ cursor: 0, sent: 900_000, acked: 0 });
    expect(pumped).toEqual([0]);
  });

  it("allows a burst of resume and cancel messages, refuses the next, and closes with 1008 after the strikes", () => {
    const { socket, say, pumped, closed, tick } = setup();
    for (let i = 0; i < WS_RATE.BURST; i++) say(i % 2 ? { type: "cancel" } : { type: "resume", last_event_id: 0 });
    expect(pumped).toHaveLength(WS_RATE.BURST / 2);
    expect(socket.closedWith).toBeUndefined();
    // The allowance refills at WS_RATE.PER_MINUTE: one more a second.
    tick(60_000 / WS_RATE.PER_MINUTE);
    say({ type: "resume", last_event_id: 0 });
    expect(pumped).toHaveLength(WS_RATE.BURST / 2 + 1);
    for (let i = 0; i < WS_MAX_STRIKES; i++) say({ type: "resume", last_event_id: 0 });
    expect(errors(socket).filter((code) => code === "rate_limited")).toHaveLength(WS_MAX_STRIKES);
    expect(socket.closedWith).toEqual({ code: WS_CLOSE.POLICY, reason: WS_CLOSE_REASONS.FLOOD });
    expect(closed).toEqual([socket]);
  });

  it("ignores messages that arrive after the server closed the socket", () => {
    const { socket, say, pumped } = setup({ closed: true });
    say({ type: "resume", last_event_id: 0 });
    say("not even an object");
    expect(pumped).toEqual([]);
    expect(socket.sent).toEqual([]);
  });
});
