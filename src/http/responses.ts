/**
 * Response bodies of the JSON routes, as zod schemas: what the OpenAPI description publishes
 * (src/http/openapi/). The routes build each body with `satisfies` one of these types, so a field
 * added to or dropped from a response fails to compile until the schema says the same; the
 * snapshot, built in the session object, is checked against its type at the end of this file.
 */
import { z } from "zod";
import type { Equal } from "../lib/type-equal";
import { ERRORS } from "../protocol/errors";
import { ROLES } from "../protocol/roles";
import type { Snapshot } from "../session/snapshot";
import { AgentStatus, Mode, RunStatus, RunUsageSchema, TokenUsageSchema } from "./event-schemas";
import { Watcher } from "./sharing-schemas";
import { SessionId } from "./validation";

/**
 * The code of a 500: a fault of the service itself (src/http/errors.ts), the one code outside
 * ERRORS since nothing refuses a request with it on purpose.
 */
export const INTERNAL_ERROR_CODE = "internal";

/** Every error answer: `{"error": {"code", "message"}}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum([...(Object.keys(ERRORS) as (keyof typeof ERRORS)[]), INTERNAL_ERROR_CODE]),
    message: z.string(),
  }),
});

/** `GET /health`. */
export const Health = z.object({ status: z.literal("ok"), time: z.string().describe("ISO 8601") });
export type Health = z.infer<typeof Health>;

/** `202` of a chat route asked for JSON: the run goes on; read it at `events_url`. */
export const RunAccepted = z.object({
  session_id: SessionId,
  run_id: z.string(),
  events_url: z.string().describe("The session's events after the run's first event, with the read token"),
  read_token: z.string().describe("Opens GET /sessions/{id}, /events and /ws of this session as ?token="),
});
export type RunAccepted = z.infer<typeof RunAccepted>;

/** `202` of a cancel: the run ends shortly with `run_complete` status `cancelled`. */
export const CancelAccepted = z.object({
  session_id: SessionId,
  run_id: z.string(),
  status: z.literal("cancelling"),
});
export type CancelAccepted = z.infer<typeof CancelAccepted>;

/** `202` of an AI SDK stop: the chat's run ends shortly (its stream with an `abort` chunk). */
export const AiStopAccepted = z.object({
  chat_id: z.string(),
  session_id: SessionId,
  run_id: z.string(),
  status: z.literal("cancelling"),
});
export type AiStopAccepted = z.infer<typeof AiStopAccepted>;

const Count = z.number().int().min(0);

/** `GET /usage`. */
export const Usage = z.object({
  user_id: z.string(),
  streams: z.object({ open: Count, limit: Count }),
  runs: z.object({ active: Count, limit: Count }),
  sessions: z.object({ live: Count, limit: Count }),
  tokens: z.object({
    today: Count.describe("Tokens the user's runs used today (UTC), counted as each run ends"),
    limit_per_day: Count.nullable().describe("MAX_TOKENS_PER_USER_PER_DAY; null: no quota"),
    resets_at: z.string().describe("The next UTC midnight, ISO 8601"),
  }),
  log_bytes: z.object({
    limit_per_session: Count,
    by_session: z.record(z.string(), Count).describe("Bytes stored by each live session, as of its last activity"),
  }),
});
export type Usage = z.infer<typeof Usage>;

/** `GET /pipelines` (the wire type: src/protocol/pipelines.ts). */
export const Pipelines = z.object({
  pipelines: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      routes: z.array(z.string()).describe("The routes that start it: /runs/<name>, and the seed's alias"),
      conversational: z.boolean(),
      agents: z.array(
        z.object({
          name: z.string(),
          task: z.string(),
          uses: z.array(z.string()),
          required: z.boolean(),
          for_each: z.string().optional().describe("The list option it runs once per value of"),
          instance_name: z.string().optional(),
          conditional: z.boolean().optional(),
          model: z.string().optional(),
          temperature: z.number().optional(),
        }),
      ),
      options: z.record(z.string(), z.unknown()).describe("The pipeline's options as JSON Schema (draft 2020-12)"),
    }),
  ),
});

/** `GET /dev/token`. */
export const DevToken = z.object({
  token: z.string(),
  user: z.string(),
  expires_in: z.number().int().describe("Seconds"),
});
export type DevToken = z.infer<typeof DevToken>;

const RunSummary = z.object({
  run_id: z.string(),
  mode: Mode,
  status: z.union([z.literal("running"), z.literal("awaiting_input"), RunStatus]),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  first_event_id: z.number().int(),
  end_event_id: z.number().int().nullable(),
  content: z.string(),
  agents: z.record(
    z.string(),
    z.object({
      status: AgentStatus,
      text: z.string(),
      model: z.string().optional(),
      usage: TokenUsageSchema.optional(),
      retried: TokenUsageSchema.optional(),
      retries: z.number().int().optional(),
      fallback: z.boolean().optional(),
      first_token_ms: z.number().optional(),
      attempt: z.number().int().optional().describe("2 and up: a revision a review asked for"),
      revision: z
        .object({ previous: z.string(), feedback: z.string() })
        .optional()
        .describe("While a revision is pending or running: the answer revised and the reviewer's feedback"),
    }),
  ),
  usage: RunUsageSchema,
  wait: z
    .object({ agent: z.string(), attempt: z.number().int(), event_id: z.number().int(), expires_at: z.string() })
    .optional()
    .describe("While the run is paused (`awaiting_input`): the review it waits for"),
});

/** `GET /sessions/{id}`. */
export const SessionSnapshot = z.object({
  session_id: SessionId.optional(),
  status: z.enum(["idle", "running", "awaiting_input"]),
  active_run_id: z.string().nullable(),
  last_event_id: z.number().int(),
  readers: Count,
  sockets: Count,
  instance_started_at: z.string(),
  role: z.enum(ROLES).describe("The caller's role in the session"),
  watching: z.array(Watcher).describe("Who is watching now (presence; not logged)"),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  runs: z.array(RunSummary),
});

type Described = z.infer<typeof SessionSnapshot>;
type Run = Described["runs"][number];

/**
 * What the session object sends fits the description (as JSON, where `undefined` keys vanish), and
 * the two name the same fields, at the top and in each run.
 */
export const SNAPSHOT_MATCHES: [
  Snapshot extends Described ? true : false,
  Equal<keyof Snapshot, keyof Described>,
  Equal<keyof Snapshot["runs"][number], keyof Run>,
  Equal<keyof Snapshot["runs"][number]["agents"][string], keyof Run["agents"][string]>,
] = [true, true, true, true];
