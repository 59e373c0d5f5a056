/**
 * `npm run dev` as a developer starts it (the package.json script, with a free port and its own
 * state directory added): the demo pages' bundles are built once, not once more as soon as a file
 * watcher is ready ("The file src changed, restarting build..."), and the pages' scripts are served.
 * Node only (no browser), so it runs whether or not Chromium is installed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port";
import { stopProcessGroup } from "../helpers/process-group";

const ROOT = resolve(import.meta.dirname, "../..");

/** How long the server is watched after it first answers: a second build came within a second or two. */
const WATCH_AFTER_READY_MS = 8_000;
/** Longest wait for the first answer (the Worker and the page are bundled first). */
const START_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

let child: ChildProcess | undefined;
const persistTo = mkdtempSync(join(tmpdir(), "edge-stream-dev-start-"));

afterAll(async () => {
  await stopProcessGroup(child);
  rmSync(persistTo, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("builds the demo bundle once at start and serves it", async () => {
    const port = await freePort();
    const inspector = await freePort();
    const options = ["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)];
    child = spawn("npm", ["run", "dev", "--", ...options, "--persist-to", persistTo], {
      cwd: ROOT,
      // Its own process group, so the whole tree (npm, node, wrangler, workerd) is stopped at the end.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => {
      output += d;
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d;
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm run dev exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm run dev did not answer:\n${output}`);
      const ready = await fetch(`${url}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ready) break;
      await sleep(250);
    }
    await sleep(WATCH_AFTER_READY_MS);

    expect(count(output, /restarting build/g), output).toBe(0);
    const builds = count(output, /\[custom build\] Running|\[demo\] bundled/g);
    expect(builds, output).toBe(1);
    // Both pages' scripts: the demo page's and the AI SDK page's (/ai.html).
    for (const path of ["/app.js", "/ai.js"]) {
      const script = await fetch(`${url}${path}`);
      expect(script.status, path).toBe(200);
      expect(script.headers.get("Content-Type")).toMatch(/javascript/);
      expect((await script.text()).length).toBeGreaterThan(1000);
    }
  });
});
