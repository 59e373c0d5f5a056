/** The Hono application: every public route, the error mapping and the 404/405 answers. */
import { Hono } from "hono";
import { benchRoutes } from "../bench/bench-routes";
import { errorBody } from "../protocol/errors";
import type { AppEnv } from "./app-env";
import { chatRoutes } from "./chat-routes";
import { onError } from "./errors";
import { anonymousUser } from "./middleware";
import { sessionRoutes } from "./session-routes";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok", time: new Date().toISOString() }));
  app.use("*", anonymousUser);
  app.route("/", chatRoutes);
  app.route("/sessions", sessionRoutes);
  app.route("/_bench", benchRoutes); // 404 unless BENCH_ROUTES is "on" (docs/performance.md)
  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(onError);
  return app;
}
