/**
 * The event envelope (src/protocol/events.ts) as zod schemas, for the OpenAPI description only:
 * the service never parses its own events. The TypeScript types in protocol/events.ts stay the one
 * definition; the checks at the end of this file fail to compile when a schema and its type are not
 * identical, so the description cannot drift from the events the service sends.
 */
import { z } from "zod";
import type { Equal } from "../lib/type-equal";
import {
  type AgentCompletePayload,
  type AgentStartPayload,
  type AgentSummary,
  ERROR_TYPES,
  type ErrorPayload,
  EVENT_TYPES,
  type LlmChunkPayload,
  type MemberAddedPayload,
  type MemberRemovedPayload,
  MODES,
  type ProgressPayload,
  RUN_STATUSES,
  type RunCompletePayload,
  type RunStartPayload,
  type StreamEvent,
} from "../protocol/events";
import { GRANTABLE_ROLES } from "../protocol/roles";
import { AwaitingInputPayloadSchema, InputPayloadSchema, UserMessagePayloadSchema } from "./interaction-schemas";

/** A pipeline: the name of a registered one (`GET /pipelines`; the seed's are `nova3` and `loomi`). */
export const Mode = z
  .string()
  .describe(`A registered pipeline's name, e.g. ${Object.values(MODES).join(", ")}, localize`);
/** A run's terminal state. */
export const RunStatus = z.enum(RUN_STATUSES);

const PlannedAgent = z.object({
  name: z.string(),
  task: z.string(),
  uses: z.array(z.string()),
  required: z.boolean(),
  model: z.string().optional(),
  temperature: z.number().optional(),
});

const RunStartPayloadSchema = z.object({
  mode: Mode,
  model: z.string(),
  agents: z.array(PlannedAgent),
  options: z.record(z.string(), z.unknown()).optional().describe("The run's validated options"),
});

/** Tokens of LLM calls. */
export const TokenUsageSchema = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() });

/** A run's tokens, failed attempts included and also given apart. */
export const RunUsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  retried: TokenUsageSchema,
});

const AgentStartPayloadSchema = z.object({
  status: z.literal("started"),
  task_description: z.string(),
  model: z.string(),
  attempt: z.number().int().optional().describe("2 and up: a revision a review asked for; absent: 1"),
});

const LlmChunkPayloadSchema = z.object({
  content: z.string(),
  content_type: z.literal("text"),
  is_complete: z.boolean(),
});

const AgentCompletePayloadSchema = z.object({
  status: z.literal("completed"),
  summary: z.string(),
  text: z.string().optional().describe("The whole final text, when at most MAX_EVENT_TEXT_CHARS characters"),
  chars: z.number().int(),
  digest: z.string(),
  model: z.string(),
  prompt_tokens: z.number().int().optional(),
  completion_tokens: z.number().int().optional(),
  retried: TokenUsageSchema.optional().describe("Tokens of the agent's failed attempts"),
});

const ProgressPayloadSchema = z.object({
  completed_steps: z.number().int(),
  total_steps: z.number().int(),
  percent: z.number(),
  stage: z.string(),
});

const ErrorPayloadSchema = z.object({
  error: z.string(),
  error_type: z.string().describe(`One of: ${Object.values(ERROR_TYPES).join(", ")}`),
  retry_count: z.number().int(),
  will_retry: z.boolean(),
  discarded_chars: z.number().int().optional(),
  model: z.string().optional(),
  fallback_model: z.string().optional(),
});

/** An agent's state in a finished run (`run_complete`), and in a snapshot's runs. */
export const AgentStatus = z.enum(["pending", "running", "completed", "failed", "skipped", "cancelled"]);

const AgentSummarySchema = z.object({ status: AgentStatus, chars: z.number().int(), model: z.string().optional() });

const RunCompletePayloadSchema = z.object({
  status: RunStatus,
  content: z.string().optional().describe("Absent when longer than MAX_EVENT_TEXT_CHARS"),
  content_chars: z.number().int(),
  content_digest: z.string(),
  agents: z.record(z.string(), AgentSummarySchema),
  usage: RunUsageSchema.optional(),
});

const GrantableRole = z.enum(GRANTABLE_ROLES);

const MemberAddedPayloadSchema = z.object({
  user_id: z.string(),
  role: GrantableRole,
  previous_role: GrantableRole.nullable().describe("The role before this change; null for a new member"),
  actor: z.string().describe("Who made the change"),
});

const MemberRemovedPayloadSchema = z.object({ user_id: z.string(), role: GrantableRole, actor: z.string() });

/** One event type's envelope. */
function envelope<T extends string, P extends z.ZodType>(eventType: T, payload: P) {
  return z.object({
    id: z.number().int().min(1),
    run_id: z.string(),
    event_type: z.literal(eventType),
    agent_source: z.string(),
    timestamp: z.string().describe("ISO 8601"),
    payload,
  });
}

/** One delivered event: the JSON of each SSE `data:` line, and each element of a WebSocket batch. */
export const StreamEventSchema = z.discriminatedUnion("event_type", [
  envelope(EVENT_TYPES.RUN_START, RunStartPayloadSchema),
  envelope(EVENT_TYPES.AGENT_START, AgentStartPayloadSchema),
  envelope(EVENT_TYPES.LLM_CHUNK, LlmChunkPayloadSchema),
  envelope(EVENT_TYPES.AGENT_COMPLETE, AgentCompletePayloadSchema),
  envelope(EVENT_TYPES.PROGRESS, ProgressPayloadSchema),
  envelope(EVENT_TYPES.ERROR, ErrorPayloadSchema),
  envelope(EVENT_TYPES.RUN_COMPLETE, RunCompletePayloadSchema),
  envelope(EVENT_TYPES.MEMBER_ADDED, MemberAddedPayloadSchema),
  envelope(EVENT_TYPES.MEMBER_REMOVED, MemberRemovedPayloadSchema),
  envelope(EVENT_TYPES.AWAITING_INPUT, AwaitingInputPayloadSchema),
  envelope(EVENT_TYPES.INPUT, InputPayloadSchema),
  envelope(EVENT_TYPES.USER_MESSAGE, UserMessagePayloadSchema),
]);

/** Named payload schemas, for the description's components. */
export const PAYLOAD_SCHEMAS = {
  RunStartPayload: RunStartPayloadSchema,
  AgentStartPayload: AgentStartPayloadSchema,
  LlmChunkPayload: LlmChunkPayloadSchema,
  AgentCompletePayload: AgentCompletePayloadSchema,
  ProgressPayload: ProgressPayloadSchema,
  ErrorPayload: ErrorPayloadSchema,
  RunCompletePayload: RunCompletePayloadSchema,
  MemberAddedPayload: MemberAddedPayloadSchema,
  MemberRemovedPayload: MemberRemovedPayloadSchema,
  AwaitingInputPayload: AwaitingInputPayloadSchema,
  InputPayload: InputPayloadSchema,
  UserMessagePayload: UserMessagePayloadSchema,
} as const;

// Each schema describes exactly its protocol type: a change to either side that the other lacks
// stops the build here.
type Infer<S extends z.ZodType> = z.infer<S>;
export const EVENT_SCHEMAS_MATCH_PROTOCOL: [
  Equal<Infer<typeof RunStartPayloadSchema>, RunStartPayload>,
  Equal<Infer<typeof AgentStartPayloadSchema>, AgentStartPayload>,
  Equal<Infer<typeof LlmChunkPayloadSchema>, LlmChunkPayload>,
  Equal<Infer<typeof AgentCompletePayloadSchema>, AgentCompletePayload>,
  Equal<Infer<typeof ProgressPayloadSchema>, ProgressPayload>,
  Equal<Infer<typeof ErrorPayloadSchema>, ErrorPayload>,
  Equal<Infer<typeof AgentSummarySchema>, AgentSummary>,
  Equal<Infer<typeof RunCompletePayloadSchema>, RunCompletePayload>,
  Equal<Infer<typeof MemberAddedPayloadSchema>, MemberAddedPayload>,
  Equal<Infer<typeof MemberRemovedPayloadSchema>, MemberRemovedPayload>,
  Equal<Infer<typeof StreamEventSchema>, StreamEvent>,
] = [true, true, true, true, true, true, true, true, true, true, true];
