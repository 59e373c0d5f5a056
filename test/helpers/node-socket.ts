/**
 * A WebSocket client for Node tests against `wrangler dev` (undici's WebSocket, the same API as
 * the browser's, plus the request headers a browser cannot send): records what the server sends.
 */
import { WebSocket } from "undici";
import type { StreamEvent } from "../../src/protocol/events";

export interface NodeSocket {
  ws: WebSocket;
  /** Every event received, in arrival order (duplicates kept: tests count them). */
  events: StreamEvent[];
  /** Every text message received. */
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `predicate` holds; rejects after `timeoutMs` or if the socket closes first. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Opens a socket (http(s) URL turned into ws(s)) and resolves once it is open. */
export async function openSocket(url: string, headers: Record<string, string> = {}): Promise<NodeSocket> {
  const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
  const socket: NodeSocket = {
    ws,
    events: [],
    texts: [],
    closed: new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }))),
    until: (predicate, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          if (predicate()) return resolve();
          if (ws.readyState === WebSocket.CLOSED) return reject(new Error("socket closed while waiting"));
          if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting on the socket`));
          setTimeout(check, 25);
        };
        check();
      }),
  };
  ws.addEventListener("message", (e) => {
    const text = String(e.data);
    socket.texts.push(text);
    if (text.startsWith("[")) socket.events.push(...(JSON.parse(text) as StreamEvent[]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)), { once: true });
  });
  return socket;
}
