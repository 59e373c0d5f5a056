/** A WebSocket client for tests inside workerd: connects through the Worker and records what the server sends. */
import { type Auth, api } from "./api";
import { type RecordedSocket, recordSocket } from "./socket-recorder";

/** Longest `until` waits by default, ms: runs here take well under a second. */
const UNTIL_TIMEOUT_MS = 10_000;

export type TestSocket = RecordedSocket<WebSocket>;

/** Opens a socket on `path` as TEST_USER (or as `auth` says: `{ token: null }` for a read token in the URL). */
export async function connectWs(path: string, headers: Record<string, string> = {}, auth?: Auth): Promise<TestSocket> {
  const res = await api(path, { headers: { Upgrade: "websocket", ...headers } }, auth);
  if (res.status !== 101 || !res.webSocket) throw new Error(`expected 101, got ${res.status}: ${await res.text()}`);
  const ws = res.webSocket;
  const recorder = recordSocket(ws, UNTIL_TIMEOUT_MS);
  ws.addEventListener("message", (e) => {
    recorder.receive(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer));
  });
  ws.addEventListener("close", (e) => recorder.close(e.code, e.reason));
  ws.accept();
  return recorder.socket;
}
