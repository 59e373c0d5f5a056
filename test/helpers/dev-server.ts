/**
 * Starts the real service under `wrangler dev` (workerd + Miniflare) on a free loopback port, for
 * tests that need a whole server: end-to-end, fault and soak tests. The process runs in its own
 * process group so it can be killed outright (SIGKILL), and restarted on the same persisted state.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { freePort } from "./free-port";
import { sleep } from "./sleep";
import { TEST_AUTH_SECRET } from "./tokens";
import { workerdPids, workerdRssKb } from "./workerd-processes";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");
/** The project's wrangler config without its custom build step (written next to it, git-ignored). */
const TEST_CONFIG = resolve(ROOT, "wrangler.test.json");

/**
 * A test server must not restart under a running test: the custom build (the demo page bundle)
 * watches src/ and restarts `wrangler dev` on any change it sees. So the bundle is built once
 * here, and the server runs from a copy of wrangler.toml without the build step (as JSON, which
 * wrangler reads as well).
 */
let prepared = false;
function testConfig(): string {
  if (prepared) return TEST_CONFIG;
  prepared = true;
  execFileSync(process.execPath, [resolve(ROOT, "scripts/build-demo.mjs")], { cwd: ROOT, stdio: "inherit" });
  const config = parse(readFileSync(resolve(ROOT, "wrangler.toml"), "utf8"));
  delete config.build;
  const text = JSON.stringify(config, null, 2);
  // Rewriting an unchanged file would still look like a change to a running server's watcher.
  if (!existsSync(TEST_CONFIG) || readFileSync(TEST_CONFIG, "utf8") !== text) writeFileSync(TEST_CONFIG, text);
  return TEST_CONFIG;
}

/** What `wrangler dev` prints when it reloads, and when a reload is done. */
const RELOAD = /Reloading local server|restarting build/g;
const RELOADED = /Local server updated and ready/g;
/** The server counts as settled after this long with no reload starting. */
const QUIET_MS = 3000;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Longest wait for the server to answer /health after start (it bundles the Worker and the demo page first). */
const START_TIMEOUT_MS = 120_000;

export interface DevServerOptions {
  /** Directory for persisted Durable Object state; reuse it to restart on the same data. */
  persistTo: string;
  /** Extra vars (`--var NAME:value`); AUTH_SECRET defaults to the test secret of ./auth.ts. */
  vars?: Record<string, string>;
  port?: number;
  /** Called with every whole line the server prints (the kept output is only its tail). */
  onLine?: (line: string) => void;
}

export interface DevServer {
  url: string;
  port: number;
  /** The Worker's DevTools inspector (see ./heap-inspector.ts). */
  inspectorPort: number;
  /** Sends a signal to the whole process group (wrangler and workerd). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resident memory of the workerd processes, KiB. */
  rssKb(): number;
  /** The workerd processes serving it now (wrangler's proxy and the user Worker's runtime). */
  workerdPids(): number[];
  output(): string;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const args = ["dev", "--config", testConfig(), "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--persist-to", options.persistTo);
  const inspectorPort = await freePort();
  args.push("--inspector-port", String(inspectorPort));
  const vars = { AUTH_SECRET: TEST_AUTH_SECRET, ...options.vars };
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child: ChildProcess = spawn(WRANGLER, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
  });
  let log = "";
  // The tail is kept in memory for assertions; DEV_SERVER_LOG_DIR keeps all of it for diagnosis.
  const logFile = process.env.DEV_SERVER_LOG_DIR ? join(process.env.DEV_SERVER_LOG_DIR, `wrangler-${port}.log`) : "";
  let partial = "";
  const onOutput = (d: Buffer) => {
    log = (log + d).slice(-100_000);
    if (logFile) appendFileSync(logFile, d);
    if (!options.onLine) return;
    const lines = (partial + d).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) options.onLine(line);
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = `http://127.0.0.1:${port}`;
  // A server that dies under the tests says why in the test output (CI keeps nothing else).
  let stopping = false;
  child.once("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(
      `\n*** wrangler dev on ${url} exited (${code ?? signal}) unasked; its last output:\n${log.slice(-8000)}\n`,
    );
  });
  const server: DevServer = {
    url,
    port,
    inspectorPort,
    async kill(signal = "SIGTERM") {
      stopping = true;
      if (child.exitCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
      await Promise.race([exited, sleep(10_000)]);
    },
    rssKb: () => (child.pid ? workerdRssKb(child.pid) : 0),
    workerdPids: () => (child.pid ? workerdPids(child.pid) : []),
    output: () => log,
  };
  // Plain loops here and in settled(), not vi.waitFor: the e2e globalSetup starts this server
  // outside any test worker, where vitest's `vi` cannot run.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok && (await settled(() => log, deadline))) return server;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  await server.kill("SIGKILL");
  throw new Error(`wrangler dev did not answer within ${START_TIMEOUT_MS} ms:\n${log}`);
}

/**
 * Waits until the server has gone QUIET_MS without starting a reload, and every reload it started
 * has finished: a watcher event just after start-up (a file written before it) restarts the Worker,
 * and a request in flight then fails with "worker restarted mid-request".
 */
async function settled(log: () => string, deadline: number): Promise<boolean> {
  let reloads = count(log(), RELOAD);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = count(log(), RELOAD);
    if (now !== reloads) {
      reloads = now;
      quietSince = Date.now();
    }
    const finished = count(log(), RELOADED) >= count(log(), /Reloading local server/g);
    if (finished && Date.now() - quietSince >= QUIET_MS) return true;
  }
  return false;
}

/** A dev server on fresh persisted state in a temporary folder, removed again by `stop()`. */
export interface TempDevServer extends DevServer {
  stop(): Promise<void>;
}

export async function startTempDevServer(
  name: string,
  vars?: Record<string, string>,
  onLine?: (line: string) => void,
): Promise<TempDevServer> {
  const persistTo = mkdtempSync(join(tmpdir(), `${name}-`));
  try {
    const server = await startDevServer({ persistTo, vars, onLine });
    return {
      ...server,
      async stop() {
        await server.kill("SIGKILL");
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(persistTo, { recursive: true, force: true });
    throw error;
  }
}
