/**
 * Everything the bench starts (workerd instances, redis-server, the peer process) registers its
 * stop here, so an interrupted run (Ctrl-C, a timeout's SIGTERM) leaves nothing running.
 */
const stops = new Set();

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
