#!/usr/bin/env node
/**
 * `npm run dev [-- <wrangler dev options>]`: bundles the demo pages (scripts/build-demo.mjs), keeps
 * rebuilding them while their sources change (esbuild's own watcher), and runs `wrangler dev` with the
 * given options, stopping the watcher when wrangler exits.
 *
 * Why not wrangler's `build.command`: wrangler 4.84 runs a custom build a second time as soon as
 * its file watcher is ready (cloudflare/workers-sdk#7934, fixed in later releases), so every start
 * built the bundle twice and reloaded ("The file src changed, restarting build..."). Without a
 * custom build, wrangler bundles and watches the Worker itself, and reloads the pages' assets when
 * public/app.js or public/ai.js changes.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { context } from "esbuild";
import { DEMO_BUILD, writeBundles } from "./build-demo.mjs";

let firstBuild;
const built = new Promise((resolve) => {
  firstBuild = resolve;
});
const demo = await context({
  ...DEMO_BUILD,
  plugins: [
    {
      name: "write-demo-bundle",
      setup(build) {
        build.onEnd((result) => {
          // A failed build keeps the last good bundle; esbuild has printed why.
          if (result.errors.length === 0) {
            const changed = writeBundles(result.outputFiles).length;
            console.log(`[demo] bundled public/app.js and public/ai.js (${changed} changed)`);
          }
          firstBuild();
        });
      },
    },
  ],
});
await demo.watch();
await built;

const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const child = spawn(process.execPath, [wrangler, "dev", ...process.argv.slice(2)], { stdio: "inherit" });
// As wrangler's own launcher does: a signal to this process stops wrangler, which then exits.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill());
child.on("exit", async (code, signal) => {
  await demo.dispose();
  process.exit(code ?? (signal ? 1 : 0));
});
