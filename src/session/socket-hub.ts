/**
 * WebSocket readers of a session. Sockets are accepted with the hibernation API, so all of a
 * socket's state lives in its attachment (user, cursor, strikes) and survives the object being
 * evicted while idle. Every flush is sent to each socket that is caught up; a socket that is
 * behind (after a resume) is first sent its gap from storage, page by page.
 */
import { z } from "zod";
import {
  WS_CLOSE,
  WS_MAX_CLIENT_MESSAGE_BYTES,
  WS_MAX_STRIKES,
  type WsClientMessage,
  type WsControlMessage,
} from "../protocol/ws";
import type { EventLog } from "./event-log";
import type { FlushedBatch } from "./event-writer";

/** What each socket carries through hibernation. */
export interface SocketAttachment {
  userId: string;
  /** May cancel runs (owner's bearer token), as opposed to a read-only token. */
  canWrite: boolean;
  /** Id of the last event sent to this socket. */
  cursor: number;
  strikes: number;
}

const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resume"), last_event_id: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal("cancel") }).strict(),
]);

function attachmentOf(ws: WebSocket): SocketAttachment | undefined {
  return (ws.deserializeAttachment() as SocketAttachment | null) ?? undefined;
}

function sendControl(ws: WebSocket, message: WsControlMessage): void {
  ws.send(JSON.stringify(message));
}

/** Sends everything after the socket's cursor up to the log's head, then records the new cursor. */
export function catchUp(ws: WebSocket, log: EventLog, batch?: FlushedBatch): void {
  const state = attachmentOf(ws);
  if (!state) return;
  let cursor = state.cursor;
  while (cursor < log.head) {
    if (batch && batch.firstId === cursor + 1) {
      ws.send(`[${batch.jsons.join(",")}]`);
      cursor = batch.lastId;
      continue;
    }
    const until = batch && cursor < batch.firstId - 1 ? batch.firstId - 1 : log.head;
    const rows = log.readAfter(cursor, undefined, until);
    if (rows.length === 0) break;
    ws.send(`[${rows.map((r) => r.json).join(",")}]`);
    cursor = rows[rows.length - 1].id;
  }
  if (cursor !== state.cursor) ws.serializeAttachment({ ...state, cursor });
}

/** Registers a newly accepted socket and sends it the log after `afterId`. */
export function attachSocket(ws: WebSocket, log: EventLog, init: Omit<SocketAttachment, "strikes">): void {
  ws.serializeAttachment({ ...init, strikes: 0 } satisfies SocketAttachment);
  catchUp(ws, log);
}

/** Counts a bad message against the socket; closes it once it has been warned enough. */
function strike(ws: WebSocket, state: SocketAttachment, code: "bad_request" | "payload_too_large", message: string) {
  const strikes = state.strikes + 1;
  ws.serializeAttachment({ ...state, strikes });
  sendControl(ws, { type: "error", error: { code, message } });
  if (strikes >= WS_MAX_STRIKES) {
    ws.close(code === "payload_too_large" ? WS_CLOSE.TOO_BIG : WS_CLOSE.POLICY, "too many bad messages");
  }
}

/**
 * Parses a client message. Returns the valid message, or undefined after answering the socket
 * with an error (and closing it when the client keeps sending bad messages).
 */
export function parseClientMessage(ws: WebSocket, data: string | ArrayBuffer): WsClientMessage | undefined {
  const state = attachmentOf(ws);
  if (!state) return undefined;
  const size = typeof data === "string" ? new TextEncoder().encode(data).byteLength : data.byteLength;
  if (size > WS_MAX_CLIENT_MESSAGE_BYTES) {
    strike(ws, state, "payload_too_large", `messages are limited to ${WS_MAX_CLIENT_MESSAGE_BYTES} bytes`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    strike(ws, state, "bad_request", "message is not JSON");
    return undefined;
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    strike(ws, state, "bad_request", 'expected {"type":"resume","last_event_id":N} or {"type":"cancel"}');
    return undefined;
  }
  return parsed.data;
}

/** Moves a socket's cursor to a resume point (already validated against the log) and catches it up. */
export function resumeSocket(ws: WebSocket, log: EventLog, afterId: number): void {
  const state = attachmentOf(ws);
  if (!state) return;
  ws.serializeAttachment({ ...state, cursor: afterId });
  catchUp(ws, log);
}

/** What a socket message may act on. */
export interface SocketDeps {
  /** The session's log if it exists and belongs to the user. */
  logFor(userId: string): EventLog | undefined;
  cancel(userId: string): { ok: true; run_id: string } | { ok: false; code: string; message: string };
}

/** Handles one client message: resume, or cancel for a socket opened with write access. */
export function handleSocketMessage(ws: WebSocket, data: string | ArrayBuffer, deps: SocketDeps): void {
  const message = parseClientMessage(ws, data);
  const state = attachmentOf(ws);
  if (!message || !state) return;
  const log = deps.logFor(state.userId);
  if (!log) {
    ws.close(WS_CLOSE.GOING_AWAY, "session not found");
  } else if (message.type === "resume") {
    if (message.last_event_id > log.head) {
      const error = { code: "invalid_resume_point", message: `beyond the newest event id ${log.head}` };
      sendControl(ws, { type: "error", error });
    } else {
      resumeSocket(ws, log, message.last_event_id);
    }
  } else if (!state.canWrite) {
    sendControl(ws, { type: "error", error: { code: "forbidden", message: "a read token cannot cancel" } });
  } else {
    const result = deps.cancel(state.userId);
    if (result.ok) sendControl(ws, { type: "cancelling", run_id: result.run_id });
    else sendControl(ws, { type: "error", error: { code: result.code, message: result.message } });
  }
}
