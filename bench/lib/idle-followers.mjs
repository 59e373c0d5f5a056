/**
 * Idle WebSocket followers of one session, left to hibernate (docs/cost.md): FOLLOWERS sockets
 * open on a finished session (resuming at its head, so nothing is owed them), each pinging as the
 * client library does (every 15 s), for IDLE_MS. The session object's meter is read before and
 * after: no request, WebSocket message, row or active time may have come in between, and the object
 * must have been constructed again (it was evicted while the sockets stayed open). Every socket
 * must still be open and have had every pong.
 */
import { WebSocket } from "undici";
import { AUTHORIZATION } from "./auth.mjs";
import { diffMeters, readMeters } from "./object-meters.mjs";
import { readSse } from "./sse-reader.mjs";

/** Followers opened (bounded: one workerd, one machine). */
export const FOLLOWERS = 200;
/** Idle time, ms: past workerd's ~10 s inactivity timeout (test/e2e/hibernation.test.ts), with pings. */
export const IDLE_MS = 45_000;
/** The client library's ping interval (packages/client/src/websocket-transport.ts). */
const PING_MS = 15_000;

function open(url) {
  const ws = new WebSocket(url, { headers: { Authorization: AUTHORIZATION } });
  const state = { ws, pongs: 0, messages: 0, closed: false };
  ws.addEventListener("message", (e) => {
    if (String(e.data) === "pong") state.pongs++;
    else state.messages++;
  });
  ws.addEventListener("close", () => {
    state.closed = true;
  });
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(state), { once: true });
    ws.addEventListener("error", () => reject(new Error(`WebSocket ${url} failed`)), { once: true });
  });
}

export async function idleFollowers(server, log) {
  const run = await readSse(`${server.url}/novachat`, { method: "POST", body: { message: "hello" }, collect: true });
  if (!run.terminal) throw new Error("idle followers: the session's run did not complete");
  const sessionId = run.headers["x-session-id"];
  const head = run.collected.at(-1).id;
  const url = `${server.url.replace(/^http/, "ws")}/sessions/${sessionId}/ws?last_event_id=${head}`;
  const beforeOpen = await readMeters(server.url, sessionId);
  const sockets = [];
  for (let i = 0; i < FOLLOWERS; i += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, FOLLOWERS - i) }, () => open(url)))));
  }
  const openedBoth = await readMeters(server.url, sessionId);
  const opened = openedBoth.session;
  const started = Date.now();
  let pings = 0;
  while (Date.now() - started < IDLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, PING_MS));
    for (const s of sockets) s.ws.send("ping");
    pings++;
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the last pongs
  const after = (await readMeters(server.url, sessionId)).session;
  const idle = diffMeters(after, opened);
  // The read above woke the object: one construction is that wake, if it had been evicted (and the
  // rows its constructor reads are that wake's, not the idle time's).
  const hibernated = idle.constructed >= 1;
  const stillOpen = sockets.filter((s) => !s.closed).length;
  const pongs = sockets.reduce((a, s) => a + s.pongs, 0);
  for (const s of sockets) s.ws.close(1000);
  log(
    `cost: ${FOLLOWERS} idle followers for ${IDLE_MS / 1000} s: evicted ${hibernated}, requests ${idle.requests}, ws messages ${idle.webSocketMessages}, rows written ${idle.rowsWritten}, still open ${stillOpen}, pongs ${pongs}/${pings * FOLLOWERS}`,
  );
  const ok =
    hibernated &&
    idle.requests === 0 &&
    idle.webSocketMessages === 0 &&
    idle.rowsWritten === 0 &&
    stillOpen === FOLLOWERS;
  const scenario = `8 cost, ${FOLLOWERS} idle WebSocket followers`;
  return {
    followers: FOLLOWERS,
    idleMs: IDLE_MS,
    pings: pings * FOLLOWERS,
    pongs,
    stillOpen,
    hibernated,
    opening: {
      session: diffMeters(opened, beforeOpen.session),
      limits: diffMeters(openedBoth.limits, beforeOpen.limits),
    },
    idle,
    rows: [
      {
        scenario,
        metric: `requests, WebSocket messages, rows written, active ms in ${IDLE_MS / 1000} s idle`,
        ours: idle.requests + idle.webSocketMessages + idle.rowsWritten + idle.activeMs,
        target: "0, object evicted, every socket open",
        pass: ok && pongs === pings * FOLLOWERS,
        note: `object constructed again: ${hibernated}; ${stillOpen}/${FOLLOWERS} open; pongs ${pongs}/${pings * FOLLOWERS}; opening the ${FOLLOWERS} sockets: ${diffMeters(opened, beforeOpen.session).requests} requests to the session object, ${diffMeters(openedBoth.limits, beforeOpen.limits).requests} to the limits object`,
      },
    ],
  };
}
