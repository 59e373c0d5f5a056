/**
 * The bench's Worker entry (docs/performance.md): the production app plus the `/_bench/*` hooks,
 * and the session and limits objects with their bench RPCs (and the cost meter), exported under the production class names so the
 * same wrangler configuration binds it. `npm run bench` bundles this file instead of
 * src/index.ts; the production bundle contains none of it (test/unit/production-bundle.test.ts).
 */
import { createApp } from "../http/app";
import { relayBenchRoutes } from "./bench-relay-object";
import { benchRoutes } from "./bench-routes";

export { StreamObject } from "../streams/stream-object";
export { BenchUserLimitsObject as UserLimitsObject } from "./bench-limits-object";
export { BenchRelayObject as RelayObject } from "./bench-relay-object";
export { BenchSessionObject as SessionObject } from "./bench-session-object";

const app = createApp();
app.route("/_bench", benchRoutes);
app.route("/_bench", relayBenchRoutes);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
