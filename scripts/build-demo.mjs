/**
 * Bundles the demo page's script, src/demo/main.ts (and the client library it imports), into
 * public/app.js with esbuild. wrangler runs it (wrangler.toml `build.command`) before
 * `wrangler dev` and `wrangler deploy`, so the bundle is built, never committed. The file is
 * replaced atomically (write, then rename), so a server reading it never sees half a bundle.
 */
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${root}public/app.js`;

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/demo/main.ts"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  write: false,
});
const temporary = `${outfile}.${process.pid}.tmp`;
writeFileSync(temporary, result.outputFiles[0].contents);
renameSync(temporary, outfile);
