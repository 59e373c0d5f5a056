/**
 * The description's named schemas, converted from the very zod schemas the routes validate with
 * (validation.ts, ai-validation.ts) and build their answers from (responses.ts, event-schemas.ts),
 * by zod's own JSON Schema generator (draft 2020-12, the dialect of OpenAPI 3.1). A schema used
 * inside another becomes a `$ref` to its component.
 */
import { z } from "zod";
import { aiChatBody } from "../ai-validation";
import { ChatOptions } from "../chat-options";
import { PAYLOAD_SCHEMAS, StreamEventSchema } from "../event-schemas";
import { InputAccepted, inputBody, messageBody } from "../interaction-schemas";
import {
  AiStopAccepted,
  CancelAccepted,
  DevToken,
  ErrorBody,
  Health,
  Pipelines,
  RunAccepted,
  SessionSnapshot,
  Usage,
} from "../responses";
import { MemberBody, MemberChanged, MemberList, ShareBody, ShareCreated, ShareList, Watcher } from "../sharing-schemas";
import { UiChunkSchema } from "../ui-chunk-schemas";
import { chatBody, SessionId } from "../validation";

/** Where components live in the document. */
const COMPONENT_PREFIX = "#/components/schemas/";

/** A `$ref` to a named component schema. */
export function ref(name: ComponentName): { $ref: string } {
  return { $ref: `${COMPONENT_PREFIX}${name}` };
}

type JsonSchema = Record<string, unknown>;

/** The named schemas, with the chat message limit in force. */
function namedSchemas(maxMessageChars: number) {
  return {
    SessionId,
    ChatBody: chatBody(maxMessageChars),
    ChatOptions,
    StreamEvent: StreamEventSchema,
    ...PAYLOAD_SCHEMAS,
    RunAccepted,
    SessionSnapshot,
    CancelAccepted,
    InputBody: inputBody(maxMessageChars),
    MessageBody: messageBody(maxMessageChars),
    InputAccepted,
    Usage,
    Pipelines,
    Health,
    DevToken,
    AiChatBody: aiChatBody(maxMessageChars),
    UiChunk: UiChunkSchema,
    AiStopAccepted,
    MemberBody,
    MemberList,
    MemberChanged,
    ShareBody,
    ShareCreated,
    ShareList,
    Watcher,
    Error: ErrorBody,
  };
}

export type ComponentName = keyof ReturnType<typeof namedSchemas>;

const DESCRIPTIONS: Partial<Record<ComponentName, string>> = {
  SessionId: "A session id: the UUID the service handed out",
  ChatOptions:
    "Per-run options, checked against the pipeline's own schema (GET /pipelines publishes each as " +
    "JSON Schema): model, temperature, max_tokens, language, agents.<name>.model/.temperature, skip, " +
    "and the pipeline's own (localize: languages). An unknown or bad option is 400 invalid_body " +
    "naming it. Nested at most 8 levels deep and at most 4096 bytes of JSON.",
  StreamEvent:
    "One event of a session's log: the JSON of an SSE `data:` line (its `id:` line is the same id), " +
    "and one element of a WebSocket message's array",
  AiChatBody:
    "The body the AI SDK's DefaultChatTransport sends. Only the last message is read: it must be the " +
    "user's, with text (the chat message limits apply to its text parts joined).",
  UiChunk:
    "One chunk of an AI SDK UI message stream (protocol v1) as this service sends it: the JSON of " +
    "each `data:` line but the last, `[DONE]`. docs/ai-sdk.md has the mapping from run events.",
  Watcher: "One watcher of a session now: the snapshot's `watching` and a WebSocket `presence` message",
  Error: "Every error answer. The codes and their statuses: src/protocol/errors.ts",
};

/** Drops the keywords that make a generated schema a standalone document. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * A pipe whose input is any JSON (a bound on depth and size, json-bounds.ts) piped into the schema
 * of what the value may be is described by that second schema: "any value" would tell a client
 * nothing of what the service accepts.
 */
function describeGuardedPipe(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const schema = ctx.zodSchema;
  if (!(schema instanceof z.ZodPipe) || !(schema.in instanceof z.ZodUnknown)) return;
  Object.assign(ctx.jsonSchema, embedded(z.toJSONSchema(schema.out, { target: "draft-2020-12", io: "output" })));
}

/** A schema written out in place (a parameter's), in the same dialect. */
export function inline(schema: z.ZodType): JsonSchema {
  return embedded(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }));
}

/** `components.schemas` of the description, for a given chat message limit. */
export function componentSchemas(maxMessageChars: number): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string; description?: string }>();
  for (const [id, schema] of Object.entries(namedSchemas(maxMessageChars))) {
    registry.add(schema, { id, description: DESCRIPTIONS[id as ComponentName] });
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    metadata: registry,
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
    override: describeGuardedPipe,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema)]));
}
