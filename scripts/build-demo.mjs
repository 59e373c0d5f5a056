/**
 * Bundles the demo page's script, src/demo/main.ts, into public/app.js with esbuild, so the bundle
 * is built, never committed. The page imports the client library as an app does, by its package
 * name `@edge-stream/client` (the workspace link in node_modules, resolved through the package's
 * `exports` to its built dist/index.js), so the package's JavaScript is built first. `npm run dev` builds it and
 * rebuilds it as its sources change (scripts/dev.mjs), `npm run deploy` builds it before uploading,
 * `npm run build:demo` (this file run directly) builds it once. The file is replaced atomically
 * (write, then rename), so a server reading it never sees half a bundle, and only when it changed,
 * so a running server's asset watcher sees no change that is none.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildClientJs } from "../packages/client/scripts/build.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${root}public/app.js`;

/** The esbuild options of the bundle (`write: false`: writeBundle writes it). */
export const DEMO_BUILD = {
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
};

/** Replaces public/app.js with `contents` unless it already holds them; returns whether it wrote. */
export function writeBundle(contents) {
  if (existsSync(outfile) && Buffer.from(contents).equals(readFileSync(outfile))) return false;
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, outfile);
  return true;
}

/** Builds the client package's JavaScript, then the bundle, once. */
export async function buildDemo() {
  await buildClientJs();
  const result = await build(DEMO_BUILD);
  writeBundle(result.outputFiles[0].contents);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDemo();
