/**
 * Builds the package: dist/index.js (ESM, one file, with esbuild) and dist/index.d.ts (one file,
 * with dts-bundle-generator). Both inline the wire definitions the client imports from the
 * service's src/protocol/ and src/lib/ (the one definition, shared with the Worker), so the package
 * depends on nothing of this repository; its one dependency, eventsource-parser, stays an import.
 *
 * `npm run build` here (or `npm run build:client` at the root) runs it; so do `npm pack` (prepack),
 * the root's `prepare` (after `npm install`/`npm ci`) and `pretypecheck`; the demo's builds
 * (scripts/build-demo.mjs, scripts/dev.mjs, which also rebuilds on changes) and the tests' global
 * setup build the JavaScript only. Each file is replaced atomically (write, then
 * rename) and only when it changed, so a test or a bundler reading dist/ never sees half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${packageRoot}package.json`, "utf8"));
const ENTRY = `${packageRoot}src/index.ts`;
export const DIST_JS = `${packageRoot}dist/index.js`;
export const DIST_DTS = `${packageRoot}dist/index.d.ts`;

/** The esbuild options of dist/index.js: not minified (the app's bundler does that), dependencies left as imports. */
export const CLIENT_JS_BUILD = {
  absWorkingDir: packageRoot,
  entryPoints: [ENTRY],
  outfile: DIST_JS,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: Object.keys(pkg.dependencies ?? {}),
  legalComments: "none",
  logLevel: "warning",
  write: false,
};

/** Replaces `file` with `contents` unless it already holds them; returns whether it wrote. */
function writeIfChanged(file, contents) {
  const bytes = Buffer.from(contents);
  if (existsSync(file) && bytes.equals(readFileSync(file))) return false;
  mkdirSync(`${packageRoot}dist`, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
  return true;
}

/** Writes dist/index.js (esbuild's output of CLIENT_JS_BUILD) unless unchanged; returns whether it wrote. */
export function writeClientJs(contents) {
  return writeIfChanged(DIST_JS, contents);
}

/** Builds dist/index.js. */
export async function buildClientJs() {
  const result = await build(CLIENT_JS_BUILD);
  writeClientJs(result.outputFiles[0].contents);
}

/** Builds dist/index.d.ts: every exported type spelled out, none widened to `any`. */
export async function buildClientTypes() {
  // Loaded here, not at the top: it loads TypeScript, which the JavaScript-only builds do without.
  const { default: dtsBundleGenerator } = await import("dts-bundle-generator");
  const [text] = dtsBundleGenerator.generateDtsBundle([{ filePath: ENTRY, output: { noBanner: true } }], {
    preferredConfigPath: `${packageRoot}tsconfig.json`,
  });
  writeIfChanged(DIST_DTS, text);
}

/** Builds the whole package. */
export async function buildClient() {
  await buildClientJs();
  await buildClientTypes();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildClient();
