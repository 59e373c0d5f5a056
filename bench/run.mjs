/**
 * `npm run bench`: the performance benchmark (not a test). Bundles the Worker, starts it with
 * Miniflare on loopback in three configurations, runs every scenario of docs/performance.md
 * (bounded in count and time), prints one table and writes the JSON under bench/results/.
 *
 *   npm run bench                          every scenario, 5 trials where trials apply
 *   npm run bench -- --only replay,live    some scenarios
 *   npm run bench -- --trials 3
 *   npm run bench -- --set REPLAY_PAGE_ROWS=512    try a setting on "ours" (the real instance)
 *   npm run bench -- --storage memory              SQLite files in tmpfs instead of on disk
 */
import { loadavg, tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { authorizeFetch } from "./lib/auth.mjs";
import { cleanupAll } from "./lib/cleanup.mjs";
import { INSTANCES } from "./lib/instances.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { printTable, row, writeResults } from "./lib/report.mjs";
import { bundleWorker, startServer } from "./lib/server.mjs";

authorizeFetch();

/** Scenario name -> module under scenarios/ exporting `run(context)`, in the order they run. */
const SCENARIOS = [
  "replay",
  "live",
  "fanout",
  "sessions",
  "ttfe",
  "rows",
  "memory",
  "peer",
  "cost",
  "ai-resume",
  "agents",
  "relay",
];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    trials: { type: "string", default: "5" },
    set: { type: "string", multiple: true, default: [] },
    storage: { type: "string", default: "disk" },
  },
});
if (!["disk", "memory"].includes(values.storage)) throw new Error("--storage is disk or memory");
/** Where instances keep their SQLite files: on disk as `wrangler dev` does, or in tmpfs. */
const storage = { storageRoot: values.storage === "memory" ? "/dev/shm" : tmpdir() };
for (const pair of values.set) {
  const [key, value] = pair.split("=");
  INSTANCES.real[key] = value;
}
const chosen = values.only ? values.only.split(",") : SCENARIOS;
for (const name of chosen) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}`);

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const started = Date.now();
const machine = await machineInfo();
log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}`);
const bundle = await bundleWorker();
const servers = {};
const results = {};
/** Each scenario's wall time and the machine's load average as it ended (the log prints them). */
const timing = {};
try {
  for (const [name, vars] of Object.entries(INSTANCES)) {
    servers[name] = await startServer(bundle.scriptPath, vars, storage);
    log(`${name} instance on ${servers[name].url} (workerd pid ${servers[name].pids.join(",")})`);
  }
  /** A fresh instance of one configuration (plus `vars`; `options` as startServer's, e.g. inspectorPort), for scenarios that need their own. */
  const start = (name, vars = {}, options = {}) =>
    startServer(bundle.scriptPath, { ...INSTANCES[name], ...vars }, { ...storage, ...options });
  const context = { ...servers, start, trials: Number(values.trials), log };
  for (const name of chosen) {
    const t = Date.now();
    log(`scenario ${name}...`);
    try {
      const { run } = await import(`./scenarios/${name}.mjs`);
      results[name] = await run(context);
    } catch (error) {
      // A failed scenario (an incomplete reader, a timeout) is reported and fails the run, and
      // the other scenarios still run.
      log(`scenario ${name} FAILED: ${error?.stack ?? error}`);
      results[name] = {
        error: String(error),
        rows: [{ scenario: name, metric: "FAILED", pass: false, note: String(error) }],
      };
      process.exitCode = 1;
    }
    timing[name] = {
      seconds: (Date.now() - t) / 1000,
      loadAverageAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    };
    log(`scenario ${name} done in ${timing[name].seconds.toFixed(1)} s`);
  }
} finally {
  await cleanupAll();
}
const table = Object.values(results).flatMap((r) => r.rows.map(row));
printTable(table);
machine.loadAverageAfter = loadavg().map((l) => Math.round(l * 100) / 100);
const file = await writeResults("bench/results", {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  machine,
  instances: INSTANCES,
  settings: { trials: Number(values.trials), scenarios: chosen, set: values.set, storage: values.storage },
  storage: values.storage,
  timing,
  seconds: (Date.now() - started) / 1000,
  table,
  results,
});
log(`results written to ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
// Everything the bench started is stopped (cleanupAll above), but something the peer's libraries
// leave scheduled kept Node alive for minutes after a full run: a bench stops by itself.
process.exit();
