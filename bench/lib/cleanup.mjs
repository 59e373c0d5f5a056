/**
 * Everything the bench starts (workerd instances, redis-server, the peer process) registers its
 * stop here, so an interrupted run (Ctrl-C, a timeout's SIGTERM) leaves nothing running.
 */
import { rmSync } from "node:fs";

const stops = new Set();
const folders = new Set();
const children = new Set();

/**
 * Removes `folder` when the process exits, however it exits: Miniflare's own signal handler ends
 * the process before asynchronous clean-up can finish.
 */
export function removeAtExit(folder) {
  folders.add(folder);
}

/** Kills `child` (if still running) when the process exits, for the same reason. */
export function killAtExit(child) {
  children.add(child);
}

process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Registers `stop`; returns a function that runs it once and unregisters it. */
export function onCleanup(stop) {
  let done;
  const run = () => {
    stops.delete(run);
    done ??= Promise.resolve().then(stop);
    return done;
  };
  stops.add(run);
  return run;
}

/** Stops everything still registered, newest first. */
export async function cleanupAll() {
  for (const stop of [...stops].reverse()) await stop().catch(() => {});
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: stopping what the bench started\n`);
    cleanupAll().finally(() => process.exit(130));
  });
}
