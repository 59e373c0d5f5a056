/**
 * One follower of a session over our WebSocket (`GET /sessions/:id/ws`, docs/protocol.md): from
 * `last_event_id`, every id checked in order, acknowledging what it received as the client
 * library does (so flow control never pauses it). Resolves once it has `expect.last`, or when
 * `idle` is set and the replay arrived, on close, or at `timeoutMs`; never rejects.
 */
import { WebSocket } from "undici";
import { AUTHORIZATION } from "./auth.mjs";

/** The client acknowledges every this many characters (src/protocol/ws.ts WS_FLOW.ACK_EVERY_CHARS). */
const ACK_EVERY_CHARS = 262_144;

/** `hold`: resolve `arrived` at `expect.last` but keep the socket open until `close()`. */
export function followSocket(base, sessionId, { expect, lastEventId = 0, timeoutMs = 120_000, hold = false } = {}) {
  const result = { events: 0, bytes: 0, firstId: undefined, lastId: undefined, inOrder: true, error: undefined };
  result.startedAt = performance.now();
  const url = `${base.replace(/^http/, "ws")}/sessions/${sessionId}/ws?last_event_id=${lastEventId}`;
  const ws = new WebSocket(url, { headers: { Authorization: AUTHORIZATION } });
  let chars = 0;
  let acked = 0;
  let arrive = () => {};
  const arrived = new Promise((resolve) => {
    arrive = () => resolve(result);
  });
  const finish = () => {
    clearTimeout(timer);
    result.endedAt ??= performance.now();
    result.complete =
      !result.error && result.inOrder && result.firstId === expect.first && result.lastId === expect.last;
    arrive();
  };
  const timer = setTimeout(() => {
    result.error ??= `timed out after ${timeoutMs} ms`;
    finish();
    ws.close();
  }, timeoutMs);
  ws.onerror = (event) => {
    result.error ??= String(event.error ?? "socket error");
  };
  ws.onclose = finish;
  ws.onmessage = (event) => {
    result.bytes += Buffer.byteLength(event.data);
    chars += event.data.length;
    if (chars - acked >= ACK_EVERY_CHARS) {
      acked = chars;
      ws.send(JSON.stringify({ type: "ack", received: chars }));
    }
    const message = JSON.parse(event.data);
    if (!Array.isArray(message)) return;
    for (const envelope of message) {
      if (result.lastId !== undefined && envelope.id !== result.lastId + 1) result.inOrder = false;
      result.firstId ??= envelope.id;
      result.lastId = envelope.id;
      result.events++;
    }
    if (result.lastId === expect.last) {
      result.lastAt = performance.now();
      if (hold) {
        result.complete = result.inOrder && result.firstId === expect.first;
        arrive();
      } else {
        finish();
        ws.close();
      }
    }
  };
  return { arrived, close: () => ws.close() };
}
