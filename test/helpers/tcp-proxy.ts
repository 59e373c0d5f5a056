/**
 * A loopback TCP proxy that breaks connections on purpose: it cuts a connection after a chosen
 * number of response bytes, or stalls it (stops forwarding without closing) for a while and then
 * cuts it. Each new connection asks `plan()` what to do, so a test scripts a whole schedule.
 */
import { createConnection, createServer, type Socket } from "node:net";

export interface CutPlan {
  /** Close both sides once this many bytes went from server to client. */
  cutAfterBytes?: number;
  /** Stop forwarding after this many bytes, keep the connection open `stallMs`, then close it. */
  stallAfterBytes?: number;
  stallMs?: number;
}

export interface Proxy {
  port: number;
  connections: number;
  cuts: number;
  stalls: number;
  /** When each cut or stall happened (performance.now()). */
  faultTimes: number[];
  close(): Promise<void>;
}

export function startProxy(targetPort: number, plan: () => CutPlan): Promise<Proxy> {
  const open = new Set<Socket>();
  const stats = { connections: 0, cuts: 0, stalls: 0 };
  const faultTimes: number[] = [];
  const server = createServer((client) => {
    stats.connections++;
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    open.add(client).add(upstream);
    const { cutAfterBytes, stallAfterBytes, stallMs = 0 } = plan();
    let sent = 0;
    let stalled = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d: Buffer) => {
      if (stalled) return;
      const limit = cutAfterBytes ?? stallAfterBytes;
      if (limit !== undefined && sent + d.length > limit) {
        client.write(d.subarray(0, Math.max(0, limit - sent)));
        sent = limit;
        faultTimes.push(performance.now());
        if (cutAfterBytes !== undefined) {
          stats.cuts++;
          end();
        } else {
          stats.stalls++;
          stalled = true;
          setTimeout(end, stallMs);
        }
        return;
      }
      sent += d.length;
      client.write(d);
    });
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", () => {
        if (!stalled) end();
      });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        port,
        get connections() {
          return stats.connections;
        },
        get cuts() {
          return stats.cuts;
        },
        get stalls() {
          return stats.stalls;
        },
        faultTimes,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
