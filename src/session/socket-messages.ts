/**
 * What a client may say on a socket (src/protocol/ws.ts) and how each message is answered:
 * `ack` opens the send window again, `resume` moves the cursor, `cancel` cancels the active run
 * for a socket with write access. Resume and cancel make the server work or answer, so they draw
 * on the socket's token bucket (WS_RATE); every refused message is a strike, and the third
 * strike closes the socket. All of it lives in the attachment, so it survives hibernation.
 */
import { z } from "zod";
import { takeToken } from "../limits/token-bucket";
import {
  WS_CLIENT_TYPES,
  WS_CLOSE,
  WS_CLOSE_REASONS,
  WS_MAX_CLIENT_MESSAGE_BYTES,
  WS_MAX_STRIKES,
  WS_RATE,
  type WsClientMessage,
} from "../protocol/ws";
import type { EventLog } from "./event-log";
import { readState, type SocketAttachment, sendControl, writeState } from "./socket-state";

const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal(WS_CLIENT_TYPES.RESUME), last_event_id: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal(WS_CLIENT_TYPES.CANCEL) }).strict(),
  z.object({ type: z.literal(WS_CLIENT_TYPES.ACK), received: z.number().int().nonnegative() }).strict(),
]);

type RefusalCode = "bad_request" | "payload_too_large" | "rate_limited";

/** What a socket message may act on. */
export interface MessageDeps {
  /** The session's log if it exists and the socket's caller may still read it. */
  logFor(state: SocketAttachment): EventLog | undefined;
  cancel(state: SocketAttachment): { ok: true; run_id: string } | { ok: false; code: string; message: string };
  /** Sends the socket what it is missing after its cursor, as far as its window allows. */
  pump(ws: WebSocket, log: EventLog): void;
  /** Told after a socket was closed here (its lease goes back). */
  onClosed(ws: WebSocket): void;
  now(): number;
}

/** Answers a refused message with an error; the WS_MAX_STRIKES-th refusal closes the socket. */
function strike(ws: WebSocket, state: SocketAttachment, code: RefusalCode, message: string, deps: MessageDeps): void {
  const next = sendControl(ws, { ...state, strikes: state.strikes + 1 }, { type: "error", error: { code, message } });
  // No next state: the client has already gone, and its close event releases the socket.
  if (!next || next.strikes < WS_MAX_STRIKES) return;
  if (code === "payload_too_large") ws.close(WS_CLOSE.TOO_BIG, WS_CLOSE_REASONS.BAD_MESSAGES);
  else if (code === "rate_limited") ws.close(WS_CLOSE.POLICY, WS_CLOSE_REASONS.FLOOD);
  else ws.close(WS_CLOSE.POLICY, WS_CLOSE_REASONS.BAD_MESSAGES);
  deps.onClosed(ws);
}

/** The valid message in `data`, or undefined after refusing it. */
function parse(
  ws: WebSocket,
  state: SocketAttachment,
  data: string | ArrayBuffer,
  deps: MessageDeps,
): WsClientMessage | undefined {
  const size = typeof data === "string" ? new TextEncoder().encode(data).byteLength : data.byteLength;
  if (size > WS_MAX_CLIENT_MESSAGE_BYTES) {
    strike(ws, state, "payload_too_large", `messages are limited to ${WS_MAX_CLIENT_MESSAGE_BYTES} bytes`, deps);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    strike(ws, state, "bad_request", "message is not JSON", deps);
    return undefined;
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const expected = '{"type":"resume","last_event_id":N}, {"type":"cancel"} or {"type":"ack","received":N}';
    strike(ws, state, "bad_request", `expected ${expected}`, deps);
    return undefined;
  }
  return parsed.data;
}

/** Takes one token of the socket's allowance; false (after refusing the message) when it is spent. */
function allowed(ws: WebSocket, state: SocketAttachment, deps: MessageDeps): SocketAttachment | undefined {
  const take = takeToken(state.bucket, deps.now(), { perMinute: WS_RATE.PER_MINUTE, burst: WS_RATE.BURST });
  const next = { ...state, bucket: take.bucket };
  if (take.ok) {
    writeState(ws, next);
    return next;
  }
  const seconds = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
  strike(ws, next, "rate_limited", `too many resume or cancel messages; retry after ${seconds} s`, deps);
  return undefined;
}

/** Handles one client message. */
export function handleSocketMessage(ws: WebSocket, data: string | ArrayBuffer, deps: MessageDeps): void {
  const first = readState(ws);
  // Messages still in flight when the server closed the socket are dropped unread.
  if (!first || first.closed) return;
  const message = parse(ws, first, data, deps);
  if (!message) return;
  const log = deps.logFor(first);
  if (!log) {
    ws.close(WS_CLOSE.GOING_AWAY, WS_CLOSE_REASONS.NOT_FOUND);
    deps.onClosed(ws);
    return;
  }
  if (message.type === WS_CLIENT_TYPES.ACK) {
    if (message.received < first.acked || message.received > first.sent) {
      const why = `received must be between ${first.acked} (the last ack) and ${first.sent} (characters sent)`;
      strike(ws, first, "bad_request", why, deps);
      return;
    }
    writeState(ws, { ...first, acked: message.received, pausedAt: undefined });
    deps.pump(ws, log);
    return;
  }
  const state = allowed(ws, first, deps);
  if (!state) return;
  if (message.type === WS_CLIENT_TYPES.RESUME) {
    if (message.last_event_id > log.head) {
      const error = { code: "invalid_resume_point", message: `beyond the newest event id ${log.head}` };
      sendControl(ws, state, { type: "error", error });
      return;
    }
    // The cursor moves; what was sent stays owed until acknowledged, so resuming cannot refill the window.
    writeState(ws, { ...state, cursor: message.last_event_id });
    deps.pump(ws, log);
  } else if (!state.canWrite) {
    sendControl(ws, state, { type: "error", error: { code: "forbidden", message: "a read token cannot cancel" } });
  } else {
    const result = deps.cancel(state);
    if (result.ok) sendControl(ws, state, { type: "cancelling", run_id: result.run_id });
    else sendControl(ws, state, { type: "error", error: { code: result.code, message: result.message } });
  }
}
