/**
 * `GET /openapi.json`: the OpenAPI 3.1 description of this API (src/http/openapi/). Public
 * documentation like /health: no authentication, CORS as for every route.
 */
import { Hono } from "hono";
import { loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { OPENAPI_PATH, openApiJson } from "./openapi/document";

export const openApiRoutes = new Hono<AppEnv>().get(OPENAPI_PATH, (c) => {
  const text = openApiJson(loadConfig(c.env).maxMessageChars);
  return c.body(text, 200, { "Content-Type": "application/json; charset=utf-8" });
});
