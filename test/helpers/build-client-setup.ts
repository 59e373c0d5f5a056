/**
 * Global setup of the projects whose tests import `@edge-stream/client`: they import it by its
 * name, as an app does, which resolves (through the workspace link in node_modules) to the
 * package's built dist/index.js. Building it here first means a test never runs an older build
 * than the sources (esbuild, well under a second; the file is rewritten only when it changed).
 */
import { buildClientJs } from "../../packages/client/scripts/build.mjs";

export default async function setup(): Promise<void> {
  await buildClientJs();
}
