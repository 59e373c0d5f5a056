/**
 * The WebSocket transport (`GET /sessions/:id/ws`) over the same event log as SSE.
 * Server -> client: a JSON array of event envelopes per flush (the same JSON as SSE `data:`
 * lines, in id order), or a JSON object for control messages (`{"type":"error",...}`).
 * Client -> server: `{"type":"resume","last_event_id":N}`, `{"type":"cancel"}`,
 * `{"type":"ack","received":N}`, or the text `ping` (answered `pong` by the runtime without
 * waking the object). docs/protocol.md is the prose of this file.
 */

export const WS_CLIENT_TYPES = { RESUME: "resume", CANCEL: "cancel", ACK: "ack" } as const;

export type WsClientMessage =
  | { type: typeof WS_CLIENT_TYPES.RESUME; last_event_id: number }
  | { type: typeof WS_CLIENT_TYPES.CANCEL }
  /** `received`: characters of every server message the client got on this socket (see WS_FLOW). */
  | { type: typeof WS_CLIENT_TYPES.ACK; received: number };

/** How a watcher follows a session. */
export type WatchTransport = "sse" | "ws";

/** One watcher of a session: a user id or `share:<id>`, its transport, and how many streams it has open on it. */
export interface Watcher {
  id: string;
  transport: WatchTransport;
  streams: number;
}

export type WsControlMessage =
  | { type: "error"; error: { code: string; message: string } }
  | { type: "cancelling"; run_id: string }
  /** Who is watching the session now, sent whenever that changes (not logged: docs/sharing.md). */
  | { type: "presence"; watching: Watcher[] };

/** Heartbeat text a client sends; the runtime answers `WS_PONG` while the object sleeps. */
export const WS_PING = "ping";
export const WS_PONG = "pong";

/** Largest client message accepted, bytes. */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 4096;

/** Refused client messages tolerated before the socket is closed (1008 malformed or flooding, 1009 too big). */
export const WS_MAX_STRIKES = 3;

/**
 * Flow control of what the server sends. The runtime exposes no `bufferedAmount` on a server-side
 * socket and queues whatever `send()` is given, however slowly the client reads, so the client
 * says how much it has taken: sizes are JavaScript string lengths (UTF-16 code units) of every
 * message except `pong`.
 */
export const WS_FLOW = {
  /**
   * Most characters the server sends a socket beyond what the client acknowledged (plus at most
   * one message). With the window full the server sends nothing more (the rest waits in storage,
   * as for a slow SSE reader): this bounds the memory one socket can make the server queue.
   */
  WINDOW_CHARS: 1 << 20,
  /**
   * A client acknowledges whenever it holds this much unacknowledged (a quarter window); the
   * server never waits for an ack before this much is owed, so a reading client never stalls.
   */
  ACK_EVERY_CHARS: 1 << 18,
  /** A socket whose window stays full this long without an ack is closed with `WS_CLOSE.BEHIND`, ms. */
  BEHIND_MS: 30_000,
  /** Largest replay page: a socket catching up from storage gets pages of at most this many characters. */
  PAGE_CHARS: 1 << 16,
} as const;

/**
 * Client messages that make the server answer or replay (`resume`, `cancel`) draw on a token
 * bucket per socket: `BURST` at once, refilled at `PER_MINUTE`. A message with the bucket empty
 * is refused (`rate_limited`) and counts as a strike. `ack` and `ping` are free.
 */
export const WS_RATE = { BURST: 10, PER_MINUTE: 60 } as const;

/** Close codes the server sends (4000-4999 are the application's own). */
export const WS_CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  /** The socket fell behind (window full, no ack for `WS_FLOW.BEHIND_MS`): resume on a new socket. */
  BEHIND: 4008,
  /** The caller's access to the session ended (removed member, revoked or expired share link). */
  REVOKED: 4003,
} as const;

/** Close reasons sent with the codes above. */
export const WS_CLOSE_REASONS = {
  DELETED: "session deleted",
  NOT_FOUND: "session not found",
  BAD_MESSAGES: "too many bad messages",
  FLOOD: "too many messages",
  BEHIND: "behind: resume",
  REVOKED: "access revoked",
} as const;
