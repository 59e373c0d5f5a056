/**
 * A throwaway local redis-server for the peer comparison: Debian's package, on loopback, on a
 * free port, no persistence; stopped (by its pid) when the bench is done with it.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer, Socket } from "node:net";
import { killAtExit, onCleanup } from "./cleanup.mjs";

/** The redis-server binary, or undefined when it is not installed. */
export function findRedisServer() {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when something accepts a connection on the port within 500 ms. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("connect", () => finish(true)).once("error", () => finish(false));
    socket.connect(port, "127.0.0.1");
  });
}

/** Resolves once redis-server listens on the port; gives up after `timeoutMs`. */
async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts redis-server; returns `{ url, stop() }`. */
export async function startRedis(binary) {
  const port = await freePort();
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
    { stdio: "ignore" },
  );
  killAtExit(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = onCleanup(async () => {
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  try {
    await waitForPort(port, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}
