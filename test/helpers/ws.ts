/** A WebSocket client for tests: connects through the Worker and collects what the server sends. */
import type { StreamEvent } from "../../src/protocol/events";
import { type Auth, api } from "./api";

export interface TestSocket {
  ws: WebSocket;
  events: StreamEvent[];
  controls: Record<string, unknown>[];
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `predicate` holds for what was received (polls on every message). */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Opens a socket on `path` as TEST_USER (or as `auth` says: `{ token: null }` for a read token in the URL). */
export async function connectWs(path: string, headers: Record<string, string> = {}, auth?: Auth): Promise<TestSocket> {
  const res = await api(path, { headers: { Upgrade: "websocket", ...headers } }, auth);
  if (res.status !== 101 || !res.webSocket) throw new Error(`expected 101, got ${res.status}: ${await res.text()}`);
  const ws = res.webSocket;
  const socket: TestSocket = {
    ws,
    events: [],
    controls: [],
    texts: [],
    closed: new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }))),
    until: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (predicate()) return resolve();
        const timer = setTimeout(() => reject(new Error("timed out waiting on the socket")), timeoutMs);
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          ws.removeEventListener("message", check);
          resolve();
        };
        ws.addEventListener("message", check);
      }),
  };
  ws.addEventListener("message", (e) => {
    const text = typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer);
    socket.texts.push(text);
    if (text.startsWith("[")) socket.events.push(...(JSON.parse(text) as StreamEvent[]));
    else if (text.startsWith("{")) socket.controls.push(JSON.parse(text));
  });
  ws.accept();
  return socket;
}
