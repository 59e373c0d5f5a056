/**
 * A WebSocket client for Node tests against `wrangler dev` (undici's WebSocket, the same API as
 * the browser's, plus the request headers a browser cannot send): records what the server sends.
 */
import { WebSocket } from "undici";
import { type RecordedSocket, recordSocket } from "./socket-recorder";

/** Longest `until` waits by default, ms: a whole run under `wrangler dev` on a loaded machine. */
const UNTIL_TIMEOUT_MS = 60_000;

export type NodeSocket = RecordedSocket<WebSocket>;

/** Opens a socket (http(s) URL turned into ws(s)) and resolves once it is open. */
export async function openSocket(url: string, headers: Record<string, string> = {}): Promise<NodeSocket> {
  const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
  const recorder = recordSocket(ws, UNTIL_TIMEOUT_MS);
  ws.addEventListener("message", (e) => recorder.receive(String(e.data)));
  ws.addEventListener("close", (e) => recorder.close(e.code, e.reason));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)), { once: true });
  });
  return recorder.socket;
}
