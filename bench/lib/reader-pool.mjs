/**
 * Many readers of one stream, spread over a few child processes (loopback only), so that the
 * bench's own Node process reading 2,000 streams is not what a fan-out figure measures. Each
 * child runs its share of readers (reader-child.mjs); all start at once, and the pool reports
 * the client's CPU use over the reading span beside the results.
 */
import { fork } from "node:child_process";
import { cpus } from "node:os";
import { killAtExit, onCleanup } from "./cleanup.mjs";

/** Readers per child process, and the most child processes one pool starts. */
export const READERS_PER_PROCESS = 500;
export const MAX_PROCESSES = 4;

const CHILD = new URL("./reader-child.mjs", import.meta.url).pathname;

/** How many processes `count` readers get: one per READERS_PER_PROCESS, at most MAX_PROCESSES. */
export const processesFor = (count) => Math.min(MAX_PROCESSES, Math.max(1, Math.ceil(count / READERS_PER_PROCESS)));

const once = (child, type) =>
  new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`reader process exited ${code} before "${type}"`)));
  });

/**
 * Opens `count` readers of `job` (`{ kind: "sse", url, options }` or `{ kind: "ws", base,
 * sessionId, afterId, options }`, options as readSse/readWs take them) across the pool's
 * processes. `beforeGo` runs once every process is ready, before any reader connects. Resolves
 * to `{ results, client: { processes, cpuMs, cores } }`, `cores` being the CPU the readers used
 * divided by the reading span (the machine has `cpus().length`).
 */
export async function readMany(job, count, { beforeGo } = {}) {
  const n = processesFor(count);
  const children = Array.from({ length: n }, () => fork(CHILD, [], { serialization: "advanced" }));
  for (const child of children) killAtExit(child);
  const stop = onCleanup(async () => {
    for (const child of children) if (child.exitCode === null) child.kill();
  });
  try {
    await Promise.all(
      children.map((child) => {
        const ready = once(child, "ready");
        child.send({ type: "job" });
        return ready;
      }),
    );
    await beforeGo?.();
    const started = performance.now();
    const shares = children.map((_, i) => Math.floor(count / n) + (i < count % n ? 1 : 0));
    const done = children.map((child, i) => {
      const finished = once(child, "done");
      child.send({ type: "go", job: { ...job, count: shares[i] } });
      return finished;
    });
    const reports = await Promise.all(done);
    const spanMs = performance.now() - started;
    const cpuMs = reports.reduce((sum, r) => sum + r.cpuMs, 0);
    const results = reports.flatMap((r) => r.results);
    return { results, client: { processes: n, cpuMs, cores: cpuMs / spanMs, machineCores: cpus().length } };
  } finally {
    await stop();
  }
}
