/**
 * Setup of the `e2e` project: finds Chromium and starts `wrangler dev` once for all browser tests.
 * Without Chromium the tests are skipped with a message saying why, unless CI is set (CI installs
 * Chromium first, so there a missing browser is a failure, never a silent skip).
 */
import type { TestProject } from "vitest/node";
import { CHROMIUM_PATH, findChromium } from "../helpers/chromium";
import { startTempDevServer } from "../helpers/dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Chromium executable, or "" when the browser tests are skipped. */
    chromiumPath: string;
    /** Base URL of the wrangler dev server under test ("" when skipped). */
    e2eBaseUrl: string;
  }
}

const SKIP_MESSAGE = `
*** Browser tests (test/e2e) SKIPPED: Chromium not found at ${CHROMIUM_PATH}.
*** Install it with \`bash scripts/install-chromium.sh\` (Debian's chromium package),
*** or set CHROMIUM_PATH to a Chromium binary. CI (CI set) fails instead of skipping.

`;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    if (process.env.CI)
      throw new Error(`CI: Chromium is required at ${CHROMIUM_PATH} (run scripts/install-chromium.sh)`);
    process.stderr.write(SKIP_MESSAGE);
    project.provide("chromiumPath", "");
    project.provide("e2eBaseUrl", "");
    return async () => {
      process.stderr.write(SKIP_MESSAGE);
    };
  }
  // Dev tokens on (the page signs in through /dev/token) and the demo model at a watchable pace,
  // on fresh persisted state that stop() removes.
  const server = await startTempDevServer("edge-stream-e2e", { DEV_TOKENS: "on", DEMO_TOKEN_DELAY_MS: "20" });
  project.provide("chromiumPath", chromiumPath);
  project.provide("e2eBaseUrl", server.url);
  return server.stop;
}
