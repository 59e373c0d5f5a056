/**
 * The end-to-end fault suite (`npm run test:faults`): the real service under `wrangler dev`,
 * broken on purpose. Scenarios run one at a time (each starts its own server on loopback) and
 * every one is bounded in time and count.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "faults",
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 90_000,
    globalSetup: ["test/helpers/build-client-setup.ts", "test/faults/global-setup.ts"],
  },
});
