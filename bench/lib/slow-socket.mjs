/**
 * A WebSocket reader that stops reading: a bare TCP socket that completes the upgrade to
 * `/sessions/:id/ws` and then leaves everything unread, so the socket fills and the server feels
 * it (a WebSocket library would read eagerly into its own memory). `drain()` then reads at full
 * speed, acknowledging every message (`{"type":"ack"}`, docs/protocol.md), resumes on a new
 * socket when the server closed this one as behind (4008), and checks every id arrived in order.
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { AUTHORIZATION } from "./auth.mjs";

/** The close code of a socket the server gave up on as behind (src/protocol/ws.ts WS_CLOSE.BEHIND). */
const BEHIND = 4008;

/** One masked client text frame (RFC 6455 5.2); client messages here are small. */
function textFrame(text) {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error("slow-socket: client frames are under 126 bytes");
  const mask = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]);
}

/** Completes the upgrade on `base` + `path`; resolves with the paused socket and any bytes after the headers. */
export function upgrade(base, path) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.on("error", reject);
    const head = [
      `GET ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      `Authorization: ${AUTHORIZATION}`,
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    let buffer = Buffer.alloc(0);
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      socket.pause();
      const status = buffer.subarray(0, buffer.indexOf("\r\n")).toString();
      if (!status.includes(" 101 ")) return reject(new Error(`no upgrade: ${status}`));
      resolve({ socket, rest: buffer.subarray(end + 4) });
    };
    socket.on("data", onData);
  });
}

/**
 * Reads one socket at full speed until it closes or the last id arrives: feeds each text
 * message's events to `onEvents` and acknowledges it (or, with `ackEveryChars`, acknowledges
 * once that many characters are unacknowledged, as the client library does). Resolves with the close code (undefined
 * when it was left open after `done()` said so).
 */
export function readAll({ socket, rest }, onEvents, done, ackEveryChars = 0) {
  return new Promise((resolve) => {
    let buffer = rest;
    let received = 0;
    let acked = 0;
    const finish = (code) => {
      socket.destroy();
      resolve(code);
    };
    const parse = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0] & 0x0f;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 0x8) return finish(length >= 2 ? payload.readUInt16BE(0) : 1005);
        if (opcode !== 0x1) continue;
        const text = payload.toString("utf8");
        received += text.length;
        if (received - acked >= ackEveryChars) {
          socket.write(textFrame(JSON.stringify({ type: "ack", received })));
          acked = received;
        }
        if (text.startsWith("[")) onEvents(JSON.parse(text));
        if (done()) return finish(undefined);
      }
    };
    socket.on("data", (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      parse();
    });
    socket.on("close", () => finish(1006));
    parse();
    socket.resume();
  });
}

/**
 * Opens a socket on session `sessionId` from `afterId` and reads nothing. Returns `{ opened,
 * state, drain }`: `drain(lastId, timeoutMs)` reads everything up to event `lastId`.
 */
export function slowSocket(base, sessionId, afterId = 0) {
  const state = { events: 0, firstId: undefined, lastId: undefined, inOrder: true, resumes: 0, error: undefined };
  const path = (after) => `/sessions/${sessionId}/ws?last_event_id=${after}`;
  const onEvents = (events) => {
    for (const event of events) {
      if (state.lastId !== undefined && event.id !== state.lastId + 1) state.inOrder = false;
      state.firstId ??= event.id;
      state.lastId = event.id;
      state.events++;
    }
  };
  const opened = upgrade(base, path(afterId));
  return {
    state,
    opened,
    async drain(lastId, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      const done = () => state.lastId === lastId;
      let connection = await opened;
      for (;;) {
        const code = await Promise.race([
          readAll(connection, onEvents, done),
          new Promise((resolve) => setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()))),
        ]);
        if (done()) return state;
        if (code !== BEHIND) {
          connection.socket.destroy();
          state.error = `socket ended with ${code} at id ${state.lastId}`;
          return state;
        }
        state.resumes++;
        connection = await upgrade(base, path(state.lastId ?? afterId));
      }
    },
  };
}
