/**
 * Bundles the demo page's script, src/demo/main.ts (and the client library it imports), into
 * public/app.js with esbuild. wrangler runs it (wrangler.jsonc `build.command`) before
 * `wrangler dev` and `wrangler deploy`, so the bundle is built, never committed.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ["src/demo/main.ts"],
  outfile: "public/app.js",
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
