/**
 * Bundles the demo pages' scripts with esbuild: src/demo/main.ts (and the client library it
 * imports) into public/app.js, and the AI SDK page, src/demo-ai/main.ts (with the `ai` package's
 * Chat machinery), into public/ai.js. wrangler runs it (wrangler.jsonc `build.command`) before
 * `wrangler dev` and `wrangler deploy`, so the bundles are built, never committed. Each file is
 * replaced atomically (write, then rename), so a server reading it never sees half a bundle.
 */
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
/** Entry point -> bundle, relative to the project root. */
const BUNDLES = {
  "src/demo/main.ts": "public/app.js",
  "src/demo-ai/main.ts": "public/ai.js",
};

for (const [entry, output] of Object.entries(BUNDLES)) {
  const outfile = `${root}${output}`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
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
}
