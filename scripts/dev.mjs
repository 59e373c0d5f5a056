#!/usr/bin/env node
/**
 * `npm run dev [-- <wrangler dev options>]`: builds the client package's JavaScript
 * (packages/client/dist/index.js, which the page imports as `@edge-stream/client`) and bundles the
 * demo pages (scripts/build-demo.mjs), keeps rebuilding both while their sources change (esbuild's
 * own watchers: a client change rewrites dist/index.js, which the page's watcher sees), and runs
 * `wrangler dev` with the given options, stopping the watchers when wrangler exits.
 *
 * Why not wrangler's `build.command`: wrangler 4.84 runs a custom build a second time as soon as
 * its file watcher is ready (cloudflare/workers-sdk#7934, fixed in later releases), so every start
 * built the bundle twice and reloaded ("The file src changed, restarting build..."). Without a
 * custom build, wrangler bundles and watches the Worker itself, and reloads the page's assets when
 * public/app.js changes.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { context } from "esbuild";
import { CLIENT_JS_BUILD, writeClientJs } from "../packages/client/scripts/build.mjs";
import { DEMO_BUILD, writeBundles } from "./build-demo.mjs";

/** Starts esbuild's watcher on `options`, handing each good build to `write`; resolves after the first build. */
async function watch(options, write) {
  let firstBuild;
  const built = new Promise((resolve) => {
    firstBuild = resolve;
  });
  const watcher = await context({
    ...options,
    plugins: [
      {
        name: "write-output",
        setup(build) {
          build.onEnd((result) => {
            // A failed build keeps the last good output; esbuild has printed why.
            if (result.errors.length === 0) write(result.outputFiles);
            firstBuild();
          });
        },
      },
    ],
  });
  await watcher.watch();
  await built;
  return watcher;
}

// The client first: the page's first build reads its output.
const client = await watch(CLIENT_JS_BUILD, (outputFiles) => {
  if (writeClientJs(outputFiles[0].contents)) console.log("[demo] built packages/client/dist/index.js");
});
// One line per build of both pages (test/e2e/dev-start.test.ts counts them).
const demo = await watch(DEMO_BUILD, (outputFiles) => {
  const changed = writeBundles(outputFiles).length;
  console.log(`[demo] bundled public/app.js and public/ai.js (${changed} changed)`);
});

const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const child = spawn(process.execPath, [wrangler, "dev", ...process.argv.slice(2)], { stdio: "inherit" });
// As wrangler's own launcher does: a signal to this process stops wrangler, which then exits.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill());
child.on("exit", async (code, signal) => {
  await Promise.all([client.dispose(), demo.dispose()]);
  process.exit(code ?? (signal ? 1 : 0));
});
