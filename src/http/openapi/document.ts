/**
 * The OpenAPI 3.1 description of the API (`GET /openapi.json`): the paths of each group of routes,
 * the security schemes and the named schemas, converted from the routes' own zod schemas.
 * test/integration/openapi.test.ts holds its paths to the app's routes, both ways, and validates it;
 * docs/openapi.md says how it is built and why.
 */
import { componentSchemas } from "./components";
import type { Json } from "./operations";
import { BEARER_ONLY, SECURITY_SCHEMES } from "./operations";
import { aiPaths } from "./paths-ai";
import { chatPaths } from "./paths-chat";
import { interactionPaths } from "./paths-interaction";
import { relayPaths } from "./paths-relays";
import { servicePaths } from "./paths-service";
import { sessionPaths } from "./paths-sessions";
import { sharingPaths } from "./paths-sharing";
import { streamPaths } from "./paths-streams";

export { OPENAPI_PATH } from "./paths-service";

/** Version of the API the description describes (README: "API (v1)"). */
export const API_VERSION = "1.0.0";

function buildDocument(maxMessageChars: number): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-stream",
      version: API_VERSION,
      summary: "Real-time streaming API for multi-agent AI generation: SSE and WebSocket, resumable",
      description:
        "Every route but /health, /openapi.json and the development-only /dev/token needs " +
        "`Authorization: Bearer <JWT>`. A session belongs to its creator, who may add members " +
        "(editor, viewer) and make share links (docs/sharing.md); anyone else gets 404, a member " +
        "whose role does not allow an action 403. " +
        'Errors are `{"error": {"code", "message"}}`.',
    },
    tags: [
      { name: "chat", description: "Start runs" },
      { name: "sessions", description: "Read, follow, cancel and delete sessions" },
      { name: "sharing", description: "A session's members, share links and presence (docs/sharing.md)" },
      { name: "ai-sdk", description: "The Vercel AI SDK's useChat transport (docs/ai-sdk.md)" },
      { name: "service", description: "Usage, health and this description" },
      {
        name: "durable-streams",
        description: "The Durable Streams protocol under /v1/stream/ (docs/durable-streams.md)",
      },
      { name: "development", description: "Local development only; absent in production" },
    ],
    security: BEARER_ONLY,
    paths: {
      ...chatPaths(),
      ...sessionPaths(),
      ...relayPaths(),
      ...sharingPaths(),
      ...interactionPaths(),
      ...aiPaths(),
      ...servicePaths(),
      ...streamPaths(),
    },
    components: { securitySchemes: SECURITY_SCHEMES, schemas: componentSchemas(maxMessageChars) },
  };
}

const built = new Map<number, string>();

/**
 * The description as JSON text, for the chat message limit in force (MAX_MESSAGE_CHARS), built
 * once per limit value.
 */
export function openApiJson(maxMessageChars: number): string {
  let text = built.get(maxMessageChars);
  if (text === undefined) {
    text = JSON.stringify(buildDocument(maxMessageChars));
    built.set(maxMessageChars, text);
  }
  return text;
}

/** The description as an object (for tests and tools). */
export function openApiDocument(maxMessageChars: number): Json {
  return JSON.parse(openApiJson(maxMessageChars)) as Json;
}
