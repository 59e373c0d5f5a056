/**
 * The client library as an app gets it: `npm pack` builds the package (its prepack script) into a
 * tarball, a fresh project in a temp folder installs that tarball with npm offline, and then
 * (a) plain JavaScript run by node follows a recorded Nova3 run served over real HTTP on
 * 127.0.0.1, through a dropped connection, and (b) strict TypeScript type-checks against the
 * package's declarations, under moduleResolution bundler and node16, while a file of deliberate
 * type errors fails with exactly those errors.
 *
 * The one dependency, eventsource-parser, is packed from the repository's own install and
 * installed next to the package, so `npm install --offline` needs no network and no cache.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunCompletePayload } from "../../src/protocol/events";
import { FakeServer } from "../helpers/fake-server";
import { type HttpBridge, serveOverHttp } from "../helpers/http-bridge";
import { recording } from "../helpers/recorded";

const ROOT = resolve(import.meta.dirname, "../..");
const CONSUMER = resolve(import.meta.dirname, "consumer");
const TSC = resolve(ROOT, "node_modules/typescript/bin/tsc");
const run = promisify(execFile);

/** The environment without npm's `npm_*` variables (set when the suite runs under `npm test`), which would steer the nested npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name));
  // (The Env bindings' types widen ProcessEnv with the Worker's variables, which a copy need not have.)
  return Object.fromEntries(kept) as NodeJS.ProcessEnv;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("npm", args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Runs tsc; resolves with its output and whether it succeeded (it exits non-zero on type errors). */
async function tsc(project: string, cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", project], { cwd, env: cleanEnv() });
    return { ok: true, output: stdout };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

function tsconfig(resolution: "bundler" | "node16", files: string[]): string {
  const module = resolution === "bundler" ? "esnext" : "node16";
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "es2022",
      module,
      moduleResolution: resolution,
      lib: ["es2022", "dom"],
      types: [],
      skipLibCheck: false,
    },
    files,
  });
}

let work: string;
let app: string;
let packed: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "edge-stream-client-package-"));
  const packs = join(work, "packs");
  app = join(work, "app");
  mkdirSync(packs);
  mkdirSync(app);
  await npm(["pack", "--workspace", "@edge-stream/client", "--pack-destination", packs, "--silent"], ROOT);
  const [tarball] = readdirSync(packs);
  packed = (await run("tar", ["tzf", join(packs, tarball)])).stdout.trim().split("\n").sort();
  const dependency = join(ROOT, "node_modules/eventsource-parser");
  await npm(["pack", dependency, "--ignore-scripts", "--pack-destination", packs, "--silent"], ROOT);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const tarballs = readdirSync(packs).map((name) => join(packs, name));
  await npm(["install", "--offline", "--no-audit", "--no-fund", ...tarballs], app);
  for (const file of readdirSync(CONSUMER)) copyFileSync(join(CONSUMER, file), join(app, file));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed client package", () => {
  it("holds the built ESM and its declarations, importing nothing but its dependency", () => {
    expect(packed).toEqual([
      "package/README.md",
      "package/dist/index.d.ts",
      "package/dist/index.js",
      "package/package.json",
    ]);
    const installed = join(app, "node_modules/@edge-stream/client");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(Object.keys(manifest.dependencies)).toEqual(["eventsource-parser"]);
    const dependency = JSON.parse(readFileSync(join(app, "node_modules/eventsource-parser/package.json"), "utf8"));
    expect(dependency.version).toMatch(/^3\./);
    const js = readFileSync(join(installed, "dist/index.js"), "utf8");
    const imports = [...js.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g)];
    expect(new Set(imports.map((m) => m[1] ?? m[2]))).toEqual(new Set(["eventsource-parser"]));
    const dts = readFileSync(join(installed, "dist/index.d.ts"), "utf8");
    expect(dts).not.toMatch(/from\s*["']\.{1,2}\//);
  });

  describe("used from plain JavaScript", () => {
    let server: FakeServer;
    let http: HttpBridge;
    const events = recording("nova3-run");

    beforeAll(async () => {
      server = new FakeServer([events]);
      // The POST stream breaks off about half way (the recording is 41 kB): the run must resume, not restart.
      server.faults.push({ cutAfterBytes: 20_000 });
      http = await serveOverHttp(server.fetch);
    });
    afterAll(() => http?.close());

    it("follows a run over HTTP through a dropped connection, every event once, verified", async () => {
      const { stdout } = await run(process.execPath, ["consumer.mjs", http.url], {
        cwd: app,
        env: cleanEnv(),
        timeout: 60_000,
      });
      const got = JSON.parse(stdout);
      const final = events.at(-1)?.payload as RunCompletePayload;
      expect(got.status).toBe(final.status);
      expect(got.content).toBe(final.content);
      expect(got.content.length).toBeGreaterThan(100);
      expect(got.ids).toEqual(events.map((e) => e.id));
      expect(got.chunks).toBe(events.filter((e) => e.event_type === "llm_chunk").length);
      expect(got.reconnects).toBe(1);
      expect(got.integrity).toBe("verified");
      // `done` follows run_complete at once (it waited for the 45 s idle timeout on Node's fetch).
      expect(got.settleMs).toBeLessThan(5_000);
      const resume = server.requestsTo(/\/events$/);
      expect(resume).toHaveLength(1);
      const from = Number(resume[0].headers.get("Last-Event-ID"));
      expect(from).toBeGreaterThan(1);
      expect(from).toBeLessThan(events.length);
    });
  });

  describe.each(["bundler", "node16"] as const)("used from strict TypeScript (moduleResolution %s)", (resolution) => {
    it("type-checks an app that uses its types", async () => {
      writeFileSync(join(app, `tsconfig.good.${resolution}.json`), tsconfig(resolution, ["good.ts"]));
      const result = await tsc(`tsconfig.good.${resolution}.json`, app);
      expect(result.output).toBe("");
      expect(result.ok).toBe(true);
    });

    it("rejects each deliberate type error, so its declarations are real types, not any", async () => {
      writeFileSync(join(app, `tsconfig.wrong.${resolution}.json`), tsconfig(resolution, ["wrong.ts"]));
      const result = await tsc(`tsconfig.wrong.${resolution}.json`, app);
      expect(result.ok).toBe(false);
      const errors = [...result.output.matchAll(/^wrong\.ts\((\d+),\d+\): error (TS\d+)/gm)].map((m) => Number(m[1]));
      const marked = readFileSync(join(CONSUMER, "wrong.ts"), "utf8")
        .split("\n")
        .flatMap((line, i) => (line.includes("// error:") ? [i + 1] : []));
      expect(marked).toHaveLength(4);
      expect(errors, result.output).toEqual(marked);
      expect(result.output).not.toMatch(/TS2307|TS7016/); // "cannot find module", "implicitly any": the package must resolve
    });
  });
});
