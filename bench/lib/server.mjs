/**
 * Starts the service for the bench: the Worker bundled by wrangler, run by Miniflare directly on
 * loopback (one workerd process, no dev proxy in front), configured from wrangler.toml with the
 * bench's variable overrides, its Durable Object storage in a fresh temporary folder on disk.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { AUTH_VARS } from "./auth.mjs";
import { onCleanup, removeAtExit } from "./cleanup.mjs";

const run = promisify(execFile);
const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * Bundles the bench's Worker (src/bench/worker.ts: the production app plus the bench hooks) once
 * with wrangler's own build, as `npm run check` bundles the production one.
 */
export async function bundleWorker({ entry = "src/bench/worker.ts", config = "wrangler.toml" } = {}) {
  const outdir = await mkdtemp(join(tmpdir(), "edge-stream-bench-build-"));
  removeAtExit(outdir);
  const dispose = onCleanup(() => rm(outdir, { recursive: true, force: true }));
  const args = ["wrangler", "deploy", entry, "-c", config, "--dry-run", "--outdir", outdir];
  await run("npx", args, { cwd: ROOT, maxBuffer: 1 << 24 });
  const script = entry.split("/").pop().replace(/\.ts$/, ".js");
  return { scriptPath: join(outdir, script), dispose };
}

/** Pids of the workerd processes started by this Node process. */
export async function workerdPids() {
  const pids = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      if (comm === "workerd" && Number(rest.split(" ")[1]) === process.pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Resident memory (VmRSS) of the given processes together, bytes. */
export async function rssOf(pids) {
  let total = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    if (kb) total += Number(kb[1]) * 1024;
  }
  return total;
}

/**
 * Starts one instance. `vars` override wrangler.toml vars (strings); its storage goes in a new
 * folder under `storageRoot` (on disk by default, as `wrangler dev`). Returns its base URL, its
 * workerd pids, `rss()`, `restart()` (a new runtime on the same storage, as after a crash or a
 * deploy), `stop()` and, with `inspectorPort`, `inspectorUrl()`. `config` and `name` start another Worker (the Agents SDK peer) the same way.
 */
export async function startServer(scriptPath, vars, options = {}) {
  const { inspectorPort, storageRoot = tmpdir(), config = "wrangler.toml", name = "edge-stream" } = options;
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, config));
  const persist = await mkdtemp(join(storageRoot, "edge-stream-bench-state-"));
  removeAtExit(persist);
  const miniflareOptions = {
    ...workerOptions,
    name,
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    bindings: { ...workerOptions.bindings, ...AUTH_VARS, ...vars },
    host: "127.0.0.1",
    port: 0,
    defaultPersistRoot: persist,
    inspectorPort,
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.on("data", (chunk) => process.env.BENCH_VERBOSE && process.stderr.write(chunk));
    },
  };
  const server = { url: "", pids: [] };
  let mf;
  const launch = async () => {
    const before = new Set(await workerdPids());
    mf = new Miniflare(miniflareOptions);
    server.url = (await mf.ready).toString().replace(/\/$/, "");
    server.pids = (await workerdPids()).filter((pid) => !before.has(pid));
  };
  const stop = onCleanup(async () => {
    await mf?.dispose();
    await rm(persist, { recursive: true, force: true });
  });
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return Object.assign(server, {
    rss: () => rssOf(server.pids),
    /** The runtime's inspector (ws://), when started with `inspectorPort` (0 = any free port). */
    inspectorUrl: () => mf.getInspectorURL(),
    restart: async () => {
      await mf.dispose();
      await launch();
    },
    stop,
  });
}
