/**
 * A WebSocket client on a bare TCP socket, for hostile scenarios a WebSocket library will not
 * play: it completes the handshake and then reads only when told, so the server's frames pile up
 * in the kernel and then in the server, while it writes whatever frames it likes.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** One masked client text frame (RFC 6455 5.2), of less than 64 KiB. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  if (length >= 65536) throw new Error("textFrame: a client message here is under 64 KiB");
  const header =
    length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  const mask = randomBytes(4);
  for (let i = 0; i < length; i++) payload[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, payload]);
}

export interface RawSocket {
  socket: Socket;
  /** Reads everything the server sends until it closes or `ms` pass; the text bytes and the close code. */
  drain(ms: number): Promise<{ textBytes: number; messages: number; closeCode: number | undefined }>;
}

/** Opens `path` on 127.0.0.1:`port` with `headers`, completes the handshake and stops reading. */
export function openRawSocket(port: number, path: string, headers: Record<string, string>): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", reject);
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      socket.pause();
      const status = head.subarray(0, head.indexOf("\r\n")).toString();
      if (!status.includes(" 101 ")) return reject(new Error(`no upgrade: ${head.subarray(0, end)}`));
      resolve({ socket, drain: (ms) => drain(socket, head.subarray(end + 4), ms) });
    };
    socket.on("data", onData);
  });
}

/**
 * Reads unmasked server frames from `first` and the rest of the stream, counting text payload
 * without keeping it (a flooded reader may be sent hundreds of megabytes).
 */
function drain(socket: Socket, first: Buffer, ms: number): ReturnType<RawSocket["drain"]> {
  return new Promise((resolve) => {
    const result = { textBytes: 0, messages: 0, closeCode: undefined as number | undefined };
    /** Bytes of a frame header not yet complete, or of a close frame's payload. */
    let pending = Buffer.alloc(0);
    /** Payload bytes still to come of the current frame, and its opcode. */
    let remaining = 0;
    let opcode = 0;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(finish, ms);
    const headerLength = (b: Buffer) => {
      if (b.length < 2) return undefined;
      const short = b[1] & 0x7f;
      const size = short === 126 ? 4 : short === 127 ? 10 : 2;
      if (b.length < size) return undefined;
      const length = short === 126 ? b.readUInt16BE(2) : short === 127 ? Number(b.readBigUInt64BE(2)) : short;
      return { size, length };
    };
    const take = (chunk: Buffer) => {
      let data = chunk;
      while (data.length > 0) {
        if (remaining > 0 && opcode !== 0x8) {
          const n = Math.min(remaining, data.length);
          if (opcode === 0x1) result.textBytes += n;
          remaining -= n;
          data = data.subarray(n);
          continue;
        }
        pending = Buffer.concat([pending, data]);
        data = Buffer.alloc(0);
        const header = headerLength(pending);
        if (!header) return;
        opcode = pending[0] & 0x0f;
        if (opcode === 0x8) {
          if (pending.length < header.size + header.length) return;
          result.closeCode = header.length >= 2 ? pending.readUInt16BE(header.size) : 1005;
          return finish();
        }
        if (opcode === 0x1) result.messages++;
        remaining = header.length;
        data = pending.subarray(header.size);
        pending = Buffer.alloc(0);
      }
    };
    socket.on("data", take);
    socket.on("close", finish);
    take(first);
    socket.resume();
  });
}
