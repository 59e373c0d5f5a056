/**
 * Every tunable of the Worker and its session objects, spelled once: its var, type, default, range
 * and meaning. `Config` and `DEFAULTS` (src/env.ts) are derived from these; the rules between them
 * are in config-schema.ts; README.md's Configuration table is held to them by
 * test/unit/readme-config.test.ts.
 */
import { choice, decimal, integer, list, onOff, optionalInteger, perAgentText, text, url } from "./fields";

/** Which language model backs the agents (see docs/llm.md). */
export const LLM_PROVIDERS = { DEMO: "demo", OPENAI: "openai" } as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[keyof typeof LLM_PROVIDERS];

/** Prefix of the per-agent model overrides: `LLM_MODEL_CONTENT_AGENT` sets `content_agent`'s model. */
export const AGENT_MODEL_PREFIX = "LLM_MODEL_";

/** The fields of `Config`, each with its var, default, range and meaning. */
export const CONFIG_FIELDS = {
  demoTokenDelayMs: integer(
    "DEMO_TOKEN_DELAY_MS",
    { default: 25, min: 0, max: 60_000 },
    "Delay between demo-model tokens, ms.",
  ),
  demoTokens: integer(
    "DEMO_TOKENS",
    { default: 60, min: 1, max: 100_000 },
    "Approximate length of each demo-model answer, tokens.",
  ),
  // With the two below, a 1,000-token answer at the demo pace is about fifty stored rows.
  chunkWindowMs: integer(
    "CHUNK_WINDOW_MS",
    { default: 30, min: 0, max: 10_000 },
    "Consecutive chunks of one agent arriving within this gap merge into one event, ms; 0 = one event per token.",
  ),
  chunkMaxMs: integer(
    "CHUNK_MAX_MS",
    { default: 500, min: 0, max: 60_000 },
    "Longest one merged chunk event may stay open, ms: bounds the latency merging adds.",
  ),
  chunkMaxChars: integer(
    "CHUNK_MAX_CHARS",
    { default: 4096, min: 1, max: 1_048_576 },
    "Most characters in one merged chunk.",
  ),
  writeBatchMs: integer(
    "WRITE_BATCH_MS",
    { default: 10, min: 0, max: 10_000 },
    "Events emitted within this long of the previous storage write go in the next one together (one commit per window, not per event), ms; 0 = write at the end of every event-loop turn.",
  ),
  writeBatchMaxEvents: integer(
    "WRITE_BATCH_MAX_EVENTS",
    { default: 256, min: 1, max: 100_000 },
    "Events at which a batch is written at once (one storage write, one write to each reader) when storage keeps up; while the last write's cost (its commit and fan-out) is still being repaid, a batch grows past it, up to WRITE_BATCH_MAX_BYTES.",
  ),
  writeBatchMaxBytes: integer(
    "WRITE_BATCH_MAX_BYTES",
    { default: 1_048_576, min: 1024, max: 16_777_216 },
    "Most bytes of events (payload text plus 256 per event) in one storage write; a batch this large is written at once.",
  ),
  replayPageRows: integer(
    "REPLAY_PAGE_ROWS",
    { default: 256, min: 1, max: 100_000 },
    "Rows a reader reads from storage per page when it replays or catches up.",
  ),
  replayKeptBytes: integer(
    "REPLAY_KEPT_BYTES",
    { default: 8_388_608, min: 0, max: 67_108_864 },
    "Most bytes of replay pages of finished logs kept in memory for their next readers, per isolate, shared by its session objects (0 = none).",
  ),
  sessionTtlSeconds: integer(
    "SESSION_TTL_SECONDS",
    { default: 3600, min: 60, max: 31_536_000 },
    "Idle session lifetime, s: the session and its log are deleted this long after its last activity.",
  ),
  reviewTimeoutSeconds: integer(
    "REVIEW_TIMEOUT_SECONDS",
    { default: 3600, min: 1, max: 31_536_000 },
    "Longest wait of a run paused for a review (`options.review`), s: unanswered, the run ends as `timed_out`.",
  ),
  heartbeatMs: integer(
    "HEARTBEAT_MS",
    { default: 15_000, min: 100, max: 300_000 },
    "Longest silence on an open event stream before a `: heartbeat` comment, ms; an idle stream renews its lease no more often.",
  ),
  sseRetryMs: integer(
    "SSE_RETRY_MS",
    { default: 1000, min: 100, max: 600_000 },
    "Reconnection delay advertised to EventSource clients in the `retry:` field, ms.",
  ),
  llmIdleTimeoutMs: integer(
    "LLM_IDLE_TIMEOUT_MS",
    { default: 30_000, min: 100, max: 600_000 },
    "An LLM attempt with no chunk for this long (the first included) is aborted as a stall and retried, ms. Long enough for a slow first token from a large model; reasoning models may need more.",
  ),
  llmMaxRetries: integer(
    "LLM_MAX_RETRIES",
    { default: 3, min: 0, max: 10 },
    "Retries of one agent after its first attempt fails with a retryable error.",
  ),
  llmRetryBaseMs: integer(
    "LLM_RETRY_BASE_MS",
    { default: 1000, min: 0, max: 60_000 },
    "Backoff before the first retry, ms; each later one waits LLM_RETRY_FACTOR times longer (with jitter).",
  ),
  llmRetryFactor: decimal(
    "LLM_RETRY_FACTOR",
    { default: 2, min: 1, max: 10 },
    "Growth factor of the backoff between retries.",
  ),
  llmRetryMaxMs: integer(
    "LLM_RETRY_MAX_MS",
    { default: 30_000, min: 0, max: 600_000 },
    "Longest one wait between attempts, ms, also when `Retry-After` asks for longer.",
  ),
  runStallMs: integer(
    "RUN_STALL_MS",
    { default: 90_000, min: 1000, max: 3_600_000 },
    "A run whose session logs nothing for this long is stalled, ms: its object is restarted and the run resumes from its checkpoint (src/session/run-watchdog.ts). Must exceed a healthy run's longest silence (config-schema.ts).",
  ),
  llmProvider: choice(
    "LLM_PROVIDER",
    [LLM_PROVIDERS.DEMO, LLM_PROVIDERS.OPENAI],
    "Which model backend runs the agents; unset = openai when OPENAI_API_KEY is set, else demo.",
  ),
  llmModel: text("LLM_MODEL", "Model every agent uses unless overridden; unset = the provider's default."),
  llmAgentModels: perAgentText(
    AGENT_MODEL_PREFIX,
    "One agent's model: `LLM_MODEL_CONTENT_AGENT` sets content_agent's.",
  ),
  llmAllowedModels: list(
    "LLM_ALLOWED_MODELS",
    "Comma list of the models a request's options may name (`model`, `agents.<name>.model`); unset = any model.",
  ),
  llmFallbackModel: text(
    "LLM_FALLBACK_MODEL",
    "Model tried once after an agent's retries are exhausted; unset = none.",
  ),
  openaiBaseUrl: url("OPENAI_BASE_URL", "Any OpenAI-compatible endpoint; unset = api.openai.com."),
  openaiApiKey: text("OPENAI_API_KEY", "Key for the OpenAI-compatible endpoint (a secret: never logged).", {
    secret: true,
  }),
  maxStreamsPerUser: integer(
    "MAX_STREAMS_PER_USER",
    { default: 20, min: 1, max: 10_000 },
    "Open event streams one user may hold at once, across every Worker instance.",
  ),
  maxStreamsPerSession: integer(
    "MAX_STREAMS_PER_SESSION",
    { default: 50, min: 1, max: 10_000 },
    "Open event streams one session may have at once (GET /sessions/:id/events); with RELAYS=on, also the followers each relay object of it may serve.",
  ),
  maxRunsPerUser: integer(
    "MAX_RUNS_PER_USER",
    { default: 3, min: 1, max: 1000 },
    "Runs one user may have active at once, across all their sessions.",
  ),
  runRatePerMinute: integer(
    "RUN_RATE_PER_MINUTE",
    { default: 30, min: 1, max: 100_000 },
    "Sustained rate of run-starting requests per user, per minute (token bucket refill).",
  ),
  runBurst: integer(
    "RUN_BURST",
    { default: 10, min: 1, max: 10_000 },
    "Run-starting requests a user may make in a burst (token bucket size).",
  ),
  maxSessionsPerUser: integer(
    "MAX_SESSIONS_PER_USER",
    { default: 100, min: 1, max: 100_000 },
    "Live sessions one user may have at once (429 above; deleting or expiry frees one). 100 is far more conversations than a person keeps within SESSION_TTL_SECONDS, while the run rate alone let one user keep about 1,800 alive.",
  ),
  maxLogBytesPerSession: integer(
    "MAX_LOG_BYTES_PER_SESSION",
    { default: 8_388_608, min: 65_536, max: 10_737_418_240 },
    "Bytes one session may store (its event log with the run records and turns beside it, as SQLite counts its database); a run start in a session already past it is refused with 413, a run under way finishes. 8 MiB holds 50–200 long runs (a demo Nova3 run is about 40 KB) and replays in about 50 ms.",
  ),
  maxTokensPerUserPerDay: optionalInteger(
    "MAX_TOKENS_PER_USER_PER_DAY",
    { min: 1, max: 1_000_000_000_000 },
    "Tokens (prompt and completion, retried attempts included) one user's runs may use per UTC day; a run start at or over it is refused with 429 quota_exceeded until the next UTC midnight, a run under way finishes. Unset = no quota.",
  ),
  streamLeaseSeconds: integer(
    "STREAM_LEASE_SECONDS",
    { default: 60, min: 1, max: 3600 },
    "Lifetime of a stream lease, s: an open stream renews it; a dead one stops counting after this. Must exceed twice HEARTBEAT_MS (config-schema.ts).",
  ),
  maxBodyBytes: integer(
    "MAX_BODY_BYTES",
    { default: 65_536, min: 1024, max: 10_485_760 },
    "Largest accepted request body, bytes (413 above).",
  ),
  maxStreamBytes: integer(
    "MAX_STREAM_BYTES",
    { default: 67_108_864, min: 1024, max: 10_737_418_240 },
    "Most bytes one Durable Stream (/v1/stream/*) stores; an append or create past it is refused with 413 and stores nothing.",
  ),
  maxDurableStreamsPerUser: integer(
    "MAX_DURABLE_STREAMS_PER_USER",
    { default: 1000, min: 1, max: 1_000_000 },
    "Durable Streams one user may have at once (429 + Retry-After for a create above; a delete or expiry frees one).",
  ),
  streamAppendsPerSecond: integer(
    "STREAM_APPENDS_PER_SECOND",
    { default: 100, min: 1, max: 100_000 },
    "Durable Streams appends (POST) per user per second (token bucket refill; 429 + Retry-After above).",
  ),
  streamAppendBurst: integer(
    "STREAM_APPEND_BURST",
    { default: 200, min: 1, max: 100_000 },
    "Durable Streams appends per user in a burst (token bucket size).",
  ),
  maxStreamAppendBytes: integer(
    "MAX_STREAM_APPEND_BYTES",
    { default: 8_388_608, min: 1024, max: 104_857_600 },
    "Largest body of one Durable Streams request (PUT or POST on /v1/stream/*), bytes (413 above); MAX_BODY_BYTES covers the other routes.",
  ),
  streamLongPollMs: integer(
    "STREAM_LONG_POLL_MS",
    { default: 20_000, min: 100, max: 120_000 },
    "How long a Durable Streams long-poll waits for data before answering 204, ms; also the SSE keep-alive interval.",
  ),
  streamSseLifetimeMs: integer(
    "STREAM_SSE_LIFETIME_MS",
    { default: 60_000, min: 1000, max: 3_600_000 },
    "When the server ends a Durable Streams SSE connection (the client reconnects from its last offset, and CDNs can collapse), ms.",
  ),
  maxMessageChars: integer(
    "MAX_MESSAGE_CHARS",
    { default: 32_000, min: 1, max: 1_000_000 },
    "Longest accepted chat `message`, characters (400 above).",
  ),
  readTokenTtlSeconds: integer(
    "READ_TOKEN_TTL_SECONDS",
    { default: 86_400, min: 60, max: 2_592_000 },
    "Longest life of a read token, s; it also dies with its session.",
  ),
  relays: onOff(
    "RELAYS",
    "`on`: `GET /sessions/:id/relay/:n/stream` serves a session's events through relay objects (docs/scale.md; a prototype); `off`: that route is a 404.",
  ),
  loomiHistoryChars: integer(
    "LOOMI_HISTORY_CHARS",
    { default: 24_000, min: 0, max: 1_000_000 },
    "Most characters of earlier turns one Loomi request carries upstream: the newest exchanges, whole; older ones are left out. 0 = none.",
  ),
};
