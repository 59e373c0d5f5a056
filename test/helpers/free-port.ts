/**
 * A free TCP port on loopback, for a server a test starts and binds a moment later.
 *
 * Not one the OS picks (`listen(0)`): that port comes from the ephemeral range, which is also where
 * every outgoing connection on the machine gets its local port, and the suite opens thousands. In
 * the moment between "free" and the server's bind, a connection could take it, and workerd then
 * dies at start with "Address already in use" (seen once in CI, on an inspector port). So the port
 * is drawn at random from below the ephemeral range (read from the kernel), where the OS never
 * assigns ports on its own, and checked by binding it once.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port drawn from; below it are well-known and registered services. */
const LOWEST = 10_000;
const ATTEMPTS = 50;

/** The first port of the kernel's ephemeral range (Linux), 32768 when it cannot be read. */
export function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Resolves with the bound port, or with 0 when `port` is taken. */
function tryListen(port: number): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolvePort(0));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let i = 0; high - LOWEST > 1000 && i < ATTEMPTS; i++) {
    const port = await tryListen(LOWEST + Math.floor(Math.random() * (high - LOWEST)));
    if (port) return port;
  }
  // No room below the ephemeral range on this machine (or all tried were taken): let the OS pick.
  return tryListen(0);
}
