/**
 * The description of the routes about the service and the caller rather than a session: usage,
 * health, the development token route and this description itself.
 */
import { DevTokenQuery } from "../dev-routes";
import { inline } from "./components";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  errorResponses,
  type Json,
  json,
  type Operation,
  PUBLIC,
  queryParam,
} from "./operations";

/** The path this description is served at. */
export const OPENAPI_PATH = "/openapi.json";

const usage: Operation = {
  operationId: "getUsage",
  summary: "The caller's live counts against their limits",
  description: "Why a request was refused for a limit; a session's bytes are as of its last activity.",
  tags: ["service"],
  security: BEARER_ONLY,
  responses: { "200": json("Usage", "The counts and limits"), ...errorResponses([...AUTH_ERRORS]) },
};

const pipelines: Operation = {
  operationId: "listPipelines",
  summary: "Every registered pipeline: its agents, what each uses, and its options as JSON Schema",
  description: "What a UI needs to offer any pipeline and build its options form (docs/pipelines.md).",
  tags: ["service"],
  security: BEARER_ONLY,
  responses: { "200": json("Pipelines", "The registered pipelines"), ...errorResponses([...AUTH_ERRORS]) },
};

const health: Operation = {
  operationId: "getHealth",
  summary: "The Worker is up",
  description: "Says nothing of the model or storage.",
  tags: ["service"],
  security: PUBLIC,
  responses: { "200": json("Health", "Up") },
};

const devToken: Operation = {
  operationId: "getDevToken",
  summary: "A user token for local development (dev-only)",
  description:
    "Development only: exists when DEV_TOKENS is `on` and the request comes from this machine to a " +
    "loopback host name; anywhere else it is `404 not_found` like any unknown route. Never enabled in " +
    "production. The token lives 12 hours.",
  tags: ["development"],
  security: PUBLIC,
  "x-dev-only": true,
  parameters: [queryParam("user", inline(DevTokenQuery.shape.user), "The user id (`sub`) of the token", true)],
  responses: {
    "200": json("DevToken", "A user token"),
    ...errorResponses(["invalid_query", "not_found", "not_configured"]),
  },
};

const description: Operation = {
  operationId: "getOpenApi",
  summary: "This OpenAPI 3.1 description",
  description: "Public, like /health. Generate a typed client from it (README.md).",
  tags: ["service"],
  security: PUBLIC,
  responses: {
    "200": { description: "The description", content: { "application/json": { schema: { type: "object" } } } },
  },
};

/** `paths` entries of the service routes. */
export function servicePaths(): Record<string, Json> {
  return {
    "/usage": { get: usage },
    "/pipelines": { get: pipelines },
    "/health": { get: health },
    "/dev/token": { get: devToken },
    [OPENAPI_PATH]: { get: description },
  };
}
