/**
 * Bundles the demo pages' scripts with esbuild, so the bundles are built, never committed:
 * src/demo/main.ts into public/app.js, and the AI SDK page, src/demo-ai/main.ts (with the `ai`
 * package's Chat machinery), into public/ai.js. The first page imports the client library as an
 * app does, by its package name `@edge-stream/client` (the workspace link in node_modules,
 * resolved through the package's `exports` to its built dist/index.js), so the package's
 * JavaScript is built first. `npm run dev` builds them and rebuilds them as their sources change
 * (scripts/dev.mjs), `npm run deploy` builds them before uploading, `npm run build:demo` (this file
 * run directly) builds them once. Each file is replaced atomically (write, then rename), so a
 * server reading it never sees half a bundle, and only when it changed, so a running server's
 * asset watcher sees no change that is none.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildClientJs } from "../packages/client/scripts/build.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The esbuild options of both bundles, one build with an entry point per page (no code splitting,
 * so each bundle stands alone); `write: false`: writeBundles writes them. The keys name the files
 * in public/.
 */
export const DEMO_BUILD = {
  absWorkingDir: root,
  entryPoints: { app: "src/demo/main.ts", ai: "src/demo-ai/main.ts" },
  outdir: `${root}public`,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  write: false,
};

/** Replaces `path` with `contents` unless it already holds them; returns whether it wrote. */
function writeBundle(path, contents) {
  if (existsSync(path) && Buffer.from(contents).equals(readFileSync(path))) return false;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
  return true;
}

/** Writes a build's output files (esbuild's `outputFiles`); returns the paths it changed. */
export function writeBundles(outputFiles) {
  return outputFiles.filter((file) => writeBundle(file.path, file.contents)).map((file) => file.path);
}

/** Builds the client package's JavaScript, then the bundles, once. */
export async function buildDemo() {
  await buildClientJs();
  const result = await build(DEMO_BUILD);
  writeBundles(result.outputFiles);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDemo();
