/**
 * A socket's state, kept in its attachment so that it survives the object hibernating: who it
 * is, where it is in the log, its stream lease, its send window and its message allowance. Every
 * message the server sends goes through `sendText`, which keeps the window's count.
 */
import type { Bucket } from "../limits/token-bucket";
import { WS_FLOW, type WsControlMessage } from "../protocol/ws";

/** Everything about one socket, in its attachment (survives hibernation). */
export interface SocketAttachment {
  /** Who opened it: a user id, or `share:<id>` for a share link (whose id is `shareId`). */
  userId: string;
  shareId?: string;
  /** May cancel runs (owner's bearer token), as opposed to a read-only token. */
  canWrite: boolean;
  /** Id of the last event sent to this socket. */
  cursor: number;
  /** Refused messages so far. */
  strikes: number;
  /** The user's stream lease this socket holds; undefined once given back. */
  lease?: string;
  /** Characters sent on this socket, and acknowledged by the client (WS_FLOW). */
  sent: number;
  acked: number;
  /** When the window filled with events still to send (ms since the epoch), while it stays full. */
  pausedAt?: number;
  /** The allowance of resume and cancel messages (WS_RATE); a full bucket until first used. */
  bucket?: Bucket;
  /** Closed by either side: nothing more is sent (a hibernatable socket's readyState may lag). */
  closed?: boolean;
}

/** WebSocket.READY_STATE_OPEN, spelled out: the class is not a global under Node, where this is tested. */
const OPEN = 1;

/**
 * Whether a socket of the session's own open set (open-sockets.ts) in `state` may still be sent
 * to: its attachment says so, without asking the runtime (a readyState read costs a JS wrapper).
 */
export function isOpen(state: SocketAttachment | undefined): state is SocketAttachment {
  return state !== undefined && state.closed !== true;
}

/** Whether a socket in `state` may still be sent to, asking the runtime too (a socket of unknown standing). */
export function isLive(ws: WebSocket, state: SocketAttachment | undefined): state is SocketAttachment {
  return isOpen(state) && ws.readyState === OPEN;
}

/**
 * The attachments this isolate last wrote or read, by socket. Reading an attachment back
 * deserializes a new object each time, and a session walks every socket's state on each join
 * (counting its streams, presence): with n sockets, n joins made n² objects of garbage. The
 * attachment stays the truth (a woken object's sockets are read from it once, then kept here);
 * states are frozen, so a change can only be another `writeState`.
 */
const known = new WeakMap<WebSocket, SocketAttachment>();

/** The socket's state; undefined for a socket never attached. */
export function readState(ws: WebSocket): SocketAttachment | undefined {
  const kept = known.get(ws);
  if (kept) return kept;
  const state = (ws.deserializeAttachment() as SocketAttachment | null) ?? undefined;
  if (state) known.set(ws, Object.freeze(state));
  return state;
}

/** Stores the socket's state in its attachment. */
export function writeState(ws: WebSocket, state: SocketAttachment): void {
  ws.serializeAttachment(state);
  known.set(ws, Object.freeze(state));
}

/** Characters sent and not yet acknowledged. */
export function unacked(state: SocketAttachment): number {
  return state.sent - state.acked;
}

/**
 * Whether a message of `chars` may be sent now: while less than ACK_EVERY_CHARS is unacknowledged
 * anything goes (the client owes no ack yet, so waiting for one could stall it), else only within
 * the window. A socket's unacknowledged characters stay under WINDOW_CHARS + one message.
 */
export function fits(state: SocketAttachment, chars: number): boolean {
  const owed = unacked(state);
  return owed < WS_FLOW.ACK_EVERY_CHARS || owed + chars <= WS_FLOW.WINDOW_CHARS;
}

/**
 * Sends one message and records it (and the new cursor, when it carries events). Returns the
 * state written, or undefined when the socket refused it: the client has just closed it, and its
 * close event (which releases it) is on the way.
 */
export function sendText(
  ws: WebSocket,
  state: SocketAttachment,
  text: string,
  cursor = state.cursor,
): SocketAttachment | undefined {
  try {
    ws.send(text);
  } catch {
    return undefined;
  }
  const next: SocketAttachment = { ...state, cursor, sent: state.sent + text.length };
  if (cursor !== state.cursor) next.pausedAt = undefined;
  writeState(ws, next);
  return next;
}

/** Sends a control message (outside the window: they are few, bounded by strikes and WS_RATE). */
export function sendControl(ws: WebSocket, state: SocketAttachment, message: WsControlMessage) {
  return sendText(ws, state, JSON.stringify(message));
}

/** One JSON array message of event JSON texts: the same bytes as the SSE `data:` lines, joined. */
export function eventsMessage(jsons: readonly string[]): string {
  return `[${jsons.join(",")}]`;
}
