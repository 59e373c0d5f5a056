/**
 * The production bundle (what `wrangler deploy` uploads) contains no benchmark code: the bench's
 * hooks live in their own entry point (src/bench/worker.ts). Both entries are bundled the way
 * wrangler deploys them, and the bench one is checked to contain the markers, so the check
 * cannot pass by looking for the wrong strings.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
/** Strings only the bench's code contains: its RPCs, its route prefix, its synthetic source. */
const BENCH_MARKERS = ["benchRun", "benchRowsWritten", "/_bench", "synthetic benchmark run", "pipeStream"];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function bundle(entry?: string): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), "edge-stream-bundle-"));
  dirs.push(outdir);
  const args = ["wrangler", "deploy", ...(entry ? [entry] : []), "--dry-run", "--outdir", outdir];
  await run("npx", args, { cwd: ROOT, maxBuffer: 1 << 24 });
  return readFile(join(outdir, entry ? "worker.js" : "index.js"), "utf8");
}

describe("production bundle", () => {
  it("has no bench code, which the bench's own bundle has", { timeout: 120_000 }, async () => {
    const [production, bench] = [await bundle(), await bundle("src/bench/worker.ts")];
    for (const marker of BENCH_MARKERS) {
      expect(bench, `bench bundle has ${marker}`).toContain(marker);
      expect(production, `production bundle has ${marker}`).not.toContain(marker);
    }
  });
});
