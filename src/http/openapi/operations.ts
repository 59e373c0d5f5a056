/**
 * Building blocks of the description's operations: JSON and SSE bodies, the error answers
 * grouped by status from the one list of codes (src/protocol/errors.ts), parameters and the two
 * ways a request authenticates.
 */
import { ERRORS, type ErrorCode } from "../../protocol/errors";
import { READ_TOKEN_HEADER, RUN_ID_HEADER, SESSION_ID_HEADER } from "../headers";
import { type ComponentName, ref } from "./components";

/** A JSON object of the document. */
export type Json = Record<string, unknown>;

/** One operation (OpenAPI Operation Object), typed loosely: the test validates the whole document. */
export interface Operation extends Json {
  operationId: string;
  summary: string;
  tags: string[];
  responses: Record<string, Json>;
}

/** Security requirement names, defined in the document's `components.securitySchemes`. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A user token (`sub` = user id, `exp` required): HS256 signed with AUTH_SECRET, or RS256/ES256 from the identity provider at AUTH_JWKS_URL when set",
  },
  readToken: {
    type: "apiKey",
    in: "query",
    name: "token",
    description: `A session's read token (the ${READ_TOKEN_HEADER} header or \`read_token\` of a run start), or a share link's token (POST /sessions/{id}/shares): opens that session's GET routes only, for EventSource, which cannot send headers`,
  },
} as const;

/** A user token only (the document's default). */
export const BEARER_ONLY = [{ bearer: [] }];
/** A user token, or the session's read token as `?token=`. */
export const BEARER_OR_READ_TOKEN = [{ bearer: [] }, { readToken: [] }];
/** No authentication. */
export const PUBLIC: Json[] = [];

/** A JSON response whose body is the named component. */
export function json(schema: ComponentName, description: string, headers?: Json): Json {
  return { description, ...(headers && { headers }), content: { "application/json": { schema: ref(schema) } } };
}

/** Describes the SSE framing of a stream whose `data:` lines are each one `schema`. */
export function eventStream(schema: Json, description: string, headers?: Json): Json {
  return {
    description,
    ...(headers && { headers }),
    content: { "text/event-stream": { schema } },
  };
}

/** `headers` of a response. */
export function responseHeaders(names: Record<string, string>): Json {
  return Object.fromEntries(
    Object.entries(names).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
  );
}

/** The headers of a response about a run: session, run, read token. */
export const RUN_HEADERS = responseHeaders({
  [SESSION_ID_HEADER]: "The session the run belongs to",
  [RUN_ID_HEADER]: "The run",
  [READ_TOKEN_HEADER]: "The session's read token (for ?token=)",
});

/** The header of a response about one session. */
export const SESSION_HEADER = responseHeaders({ [SESSION_ID_HEADER]: "The session" });

const RETRY_AFTER = responseHeaders({ "Retry-After": "Seconds to wait before trying again" });

/** Refusals every authenticated route can answer. */
export const AUTH_ERRORS: ErrorCode[] = ["unauthorized", "not_configured", "insecure_config"];

/**
 * Refusals of a run start, whichever route asks (`/novachat`, `/runs/:pipeline`, `/ai/:pipeline`):
 * they all start runs through the same admission code (src/http/run-start.ts).
 */
export const RUN_START_ERRORS: ErrorCode[] = [
  "invalid_body",
  ...AUTH_ERRORS,
  "not_found",
  "run_active",
  "payload_too_large",
  "session_full",
  "unsupported_media_type",
  "rate_limited",
  "quota_exceeded",
];

/** The error answers of `codes`, one response per status, each naming its codes. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERRORS[code], [...(byStatus.get(ERRORS[code]) ?? []), code]);
  const responses: Record<string, Json> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = status === 429 ? RETRY_AFTER : undefined;
    responses[String(status)] = json("Error", `Error: ${group.map((code) => `\`${code}\``).join(", ")}`, headers);
  }
  responses["500"] = json("Error", "Error: `internal` (a fault of the service)");
  return responses;
}

/** A path parameter (always required). */
export function pathParam(name: string, schema: Json, description: string): Json {
  return { name, in: "path", required: true, description, schema };
}

/** A query parameter. */
/** The `{id}` of every `/sessions/{id}/...` path. */
export const SESSION_ID_PARAM = pathParam("id", ref("SessionId"), "The session");

export function queryParam(name: string, schema: Json, description: string, required = false): Json {
  return { name, in: "query", required, description, schema };
}

/** A header parameter. */
export function headerParam(name: string, schema: Json, description: string, required = false): Json {
  return { name, in: "header", required, description, schema };
}

/** A JSON request body. */
export function jsonBody(schema: ComponentName): Json {
  return { required: true, content: { "application/json": { schema: ref(schema) } } };
}
