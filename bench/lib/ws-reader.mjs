/**
 * One WebSocket follower on loopback at full speed: opens `/sessions/:id/ws` after `afterId`,
 * reads every message, acknowledges as the client library does (slow-socket.mjs's reader), checks every event's id
 * against the expected range and, when asked, records each `llm_chunk`'s delivery latency
 * (receipt time minus the event's own `timestamp`). The result has the shape of readSse's.
 */
import { readAll, upgrade } from "./slow-socket.mjs";
import { wallNow } from "./sse-reader.mjs";

/** Acknowledge as the client library does: once a quarter window is unacknowledged (WS_FLOW.ACK_EVERY_CHARS). */
const ACK_EVERY_CHARS = 1 << 18;

/** Reads session `sessionId` on `base` until id `expect.last`; resolves with the result, never rejects. */
export async function readWs(base, sessionId, afterId, { expect, latency = false, timeoutMs = 120_000 } = {}) {
  const result = {
    status: 0,
    events: 0,
    firstId: undefined,
    lastId: undefined,
    inOrder: true,
    latencies: latency ? [] : undefined,
    startedAt: wallNow(),
    firstEventAt: undefined,
    firstChunkStamp: undefined,
    endedAt: undefined,
    error: undefined,
  };
  const onEvents = (events) => {
    const now = wallNow();
    for (const event of events) {
      if (result.lastId !== undefined && event.id !== result.lastId + 1) result.inOrder = false;
      if (result.firstId === undefined) {
        result.firstId = event.id;
        result.firstEventAt = now;
      }
      result.lastId = event.id;
      result.events++;
      if (event.event_type !== "llm_chunk") continue;
      const stamp = Date.parse(event.timestamp);
      result.firstChunkStamp ??= stamp;
      if (latency) result.latencies.push(now - stamp);
    }
  };
  // One deadline for the whole follower, the upgrade included: a server too busy to answer
  // the upgrade must not hang the bench.
  let connection;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => {
      connection?.socket.destroy();
      resolve("timeout");
    }, timeoutMs);
  });
  try {
    const upgraded = upgrade(base, `/sessions/${sessionId}/ws?last_event_id=${afterId}`);
    connection = await Promise.race([upgraded, timeout]);
    if (connection === "timeout") {
      upgraded.then(
        (c) => c.socket.destroy(),
        () => {},
      );
      connection = undefined;
      result.error = `no upgrade after ${timeoutMs} ms`;
    } else {
      result.status = 101;
      const done = () => result.lastId === expect.last;
      const code = await Promise.race([readAll(connection, onEvents, done, ACK_EVERY_CHARS), timeout]);
      if (!done()) result.error = code === "timeout" ? `timed out after ${timeoutMs} ms` : `closed ${code}`;
    }
  } catch (error) {
    result.error = String(error);
  } finally {
    clearTimeout(timer);
  }
  result.endedAt = wallNow();
  result.complete = !result.error && result.inOrder && result.firstId === expect.first && result.lastId === expect.last;
  return result;
}
