/**
 * The AI SDK UI message stream's chunks this service sends (src/protocol/ui-message-stream.ts) as
 * zod schemas, for the OpenAPI description only. The TypeScript type `UiChunk` stays the one
 * definition; the check at the end fails to compile when the schema and the type differ.
 */
import { z } from "zod";
import type { Equal } from "../lib/type-equal";
import { PROVIDER_KEY, UI_CHUNK_TYPES, type UiChunk } from "../protocol/ui-message-stream";

const ProviderMetadata = z.object({
  [PROVIDER_KEY]: z.object({
    agent: z.string(),
    attempt: z.number().int(),
    discarded: z.boolean().optional(),
  }),
});

const AgentPartData = z.object({
  name: z.string(),
  task: z.string(),
  uses: z.array(z.string()),
  required: z.boolean(),
  status: z.enum(["pending", "running", "complete", "failed", "skipped", "cancelled"]),
  retries: z.number().int(),
  model: z.string().optional(),
  error: z.string().optional(),
  text_part: z.string().optional(),
});

const ProgressPartData = z.object({
  completed_steps: z.number().int(),
  total_steps: z.number().int(),
  percent: z.number(),
  stage: z.string(),
});

/** One chunk: the JSON of each `data:` line of a UI message stream but the last, `[DONE]`. */
export const UiChunkSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal(UI_CHUNK_TYPES.START),
    messageId: z.string().describe("The run id"),
    messageMetadata: z.object({ session_id: z.string(), run_id: z.string(), pipeline: z.string() }),
  }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.TEXT_START), id: z.string(), providerMetadata: ProviderMetadata }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.TEXT_DELTA), id: z.string(), delta: z.string() }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.TEXT_END), id: z.string(), providerMetadata: ProviderMetadata.optional() }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.DATA_AGENT), id: z.string(), data: AgentPartData }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.DATA_PROGRESS), id: z.string(), data: ProgressPartData }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.ERROR), errorText: z.string() }),
  z.object({ type: z.literal(UI_CHUNK_TYPES.ABORT), reason: z.string() }),
  z.object({
    type: z.literal(UI_CHUNK_TYPES.FINISH),
    finishReason: z.enum(["stop", "error", "other"]),
    messageMetadata: z.object({ status: z.string() }),
  }),
]);

/** The schema describes exactly the chunks the service sends. */
export const UI_CHUNK_SCHEMA_MATCHES: Equal<z.infer<typeof UiChunkSchema>, UiChunk> = true;
