/**
 * The Hono application: CORS first (preflights carry no credentials), the public /health and
 * /openapi.json and the dev-only token route, then the development-configuration guard,
 * authentication and the body limit in front of every API route, the error mapping and the 404
 * answer.
 */
import { Hono } from "hono";
import { errorBody } from "../protocol/errors";
import { aiRoutes } from "./ai-routes";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth";
import { chatRoutes } from "./chat-routes";
import { corsFromConfig } from "./cors";
import { refuseDevelopmentConfig } from "./dev-guard";
import { devRoutes } from "./dev-routes";
import { onError } from "./errors";
import { interactionRoutes } from "./interaction-routes";
import { limitBody } from "./middleware";
import { openApiRoutes } from "./openapi-routes";
import { pipelineRoutes } from "./pipeline-routes";
import { relayRoutes } from "./relay-routes";
import type { Health } from "./responses";
import { sessionRoutes } from "./session-routes";
import { sharingRoutes } from "./sharing-routes";
import { streamRoutes } from "./stream-routes";
import { usageRoutes } from "./usage-routes";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use("*", corsFromConfig);
  app.get("/health", (c) => c.json({ status: "ok", time: new Date().toISOString() } satisfies Health));
  app.route("/", openApiRoutes);
  app.route("/dev", devRoutes);
  app.use("*", refuseDevelopmentConfig);
  app.use("*", authenticate);
  app.use("*", limitBody);
  app.route("/", chatRoutes);
  app.route("/pipelines", pipelineRoutes);
  app.route("/sessions", sessionRoutes);
  app.route("/sessions", sharingRoutes);
  app.route("/sessions", interactionRoutes);
  app.route("/sessions", relayRoutes);
  app.route("/usage", usageRoutes);
  app.route("/ai", aiRoutes);
  app.route("/v1/stream", streamRoutes);
  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(onError);
  return app;
}
