/**
 * The WebSocket transport (`GET /sessions/:id/ws`) over the same event log as SSE.
 * Server -> client: a JSON array of event envelopes per flush (the same JSON as SSE `data:`
 * lines, in id order), or a JSON object for control messages (`{"type":"error",...}`).
 * Client -> server: `{"type":"resume","last_event_id":N}`, `{"type":"cancel"}`, or the text
 * `ping` (answered `pong` by the runtime without waking the object).
 */

export const WS_CLIENT_TYPES = { RESUME: "resume", CANCEL: "cancel" } as const;

export type WsClientMessage = { type: "resume"; last_event_id: number } | { type: "cancel" };

export type WsControlMessage =
  | { type: "error"; error: { code: string; message: string } }
  | { type: "cancelling"; run_id: string };

/** Heartbeat text a client sends; the runtime answers `WS_PONG` while the object sleeps. */
export const WS_PING = "ping";
export const WS_PONG = "pong";

/** Largest client message accepted, bytes. */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 4096;

/** Bad client messages tolerated before the socket is closed (1008 malformed, 1009 too big). */
export const WS_MAX_STRIKES = 3;

export const WS_CLOSE = { NORMAL: 1000, GOING_AWAY: 1001, POLICY: 1008, TOO_BIG: 1009 } as const;
