/**
 * Configuration: every tunable setting, its default and its parsing, in one place.
 * Values come from `wrangler.toml` vars, `.dev.vars` locally, or secrets in production.
 */

/** Which language model backs the agents (see docs/llm.md). */
export const LLM_PROVIDERS = { DEMO: "demo", OPENAI: "openai" } as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[keyof typeof LLM_PROVIDERS];

/** Parsed configuration used by the Worker and the session object. */
export interface Config {
  /** Delay between demo-model tokens, ms. */
  demoTokenDelayMs: number;
  /** Approximate length of each demo-model answer, in tokens. */
  demoTokens: number;
  /** Consecutive chunks of one agent arriving within this gap (ms) merge into one event; 0 = one event per token. */
  chunkWindowMs: number;
  /** Upper bound on how long one merged chunk event may stay open, ms: bounds the latency merging adds. */
  chunkMaxMs: number;
  /** Upper bound on one merged chunk's content, characters. */
  chunkMaxChars: number;
  /**
   * Write coalescing, ms: events emitted within this long of the previous storage write wait and
   * go in the next one together, so a fast producer costs one commit per window instead of one per
   * event. The most it delays an event; 0 = write at the end of every event-loop turn.
   */
  writeBatchMs: number;
  /** Most events in one storage write (and one write to each reader); a full batch is written at once. */
  writeBatchMaxEvents: number;
  /** Rows a reader reads from storage per page when it replays or catches up. */
  replayPageRows: number;
  /** Idle session lifetime, seconds: the session and its log are deleted this long after its last activity. */
  sessionTtlSeconds: number;
  /** Longest silence on an open event stream before a `: heartbeat` comment, ms. */
  heartbeatMs: number;
  /** Reconnection delay advertised to EventSource clients in the `retry:` field, ms. */
  sseRetryMs: number;
  /** An LLM attempt with no chunk for this long is aborted as a stall and retried, ms. */
  llmIdleTimeoutMs: number;
  /** Retries of one agent after its first attempt fails with a retryable error. */
  llmMaxRetries: number;
  /** Backoff before the first retry, ms; each later retry waits `llmRetryFactor` times longer (with jitter). */
  llmRetryBaseMs: number;
  /** Growth factor of the backoff between retries. */
  llmRetryFactor: number;
  /** Upper bound on one wait between attempts, ms, also when `Retry-After` asks for longer. */
  llmRetryMaxMs: number;
  /**
   * A run whose session logs nothing for this long is stalled, ms: the object is restarted and the
   * run resumes from its checkpoint (see src/session/run-watchdog.ts). Keep it above both
   * `llmIdleTimeoutMs` and `llmRetryMaxMs`, the longest silences of a healthy run.
   */
  runStallMs: number;
  /** `LLM_PROVIDER`: the one setting that selects the model backend. */
  llmProvider: LlmProviderName;
  /** `LLM_MODEL`: model every agent uses unless overridden; empty = the provider's default. */
  llmModel: string;
  /** `LLM_MODEL_<AGENT_NAME>` (e.g. `LLM_MODEL_CONTENT_AGENT`): per-agent models, keyed by agent name. */
  llmAgentModels: Record<string, string>;
  /** `LLM_FALLBACK_MODEL`: tried once after an agent's retries are exhausted; empty = no fallback. */
  llmFallbackModel: string;
  /** `OPENAI_BASE_URL`: any OpenAI-compatible endpoint; empty = api.openai.com. */
  openaiBaseUrl: string;
  /** `OPENAI_API_KEY` (a secret: never log it). */
  openaiApiKey: string;
  /** Open event streams one user may hold at once, across every Worker instance. */
  maxStreamsPerUser: number;
  /** Open event streams one session may have at once (GET /sessions/:id/events). */
  maxStreamsPerSession: number;
  /** Runs one user may have active at once, across all their sessions. */
  maxRunsPerUser: number;
  /** Sustained rate of run-starting requests per user, per minute (token bucket refill). */
  runRatePerMinute: number;
  /** Run-starting requests a user may make in a burst (token bucket size). */
  runBurst: number;
  /** Lifetime of a stream lease, seconds: an open stream renews it; a dead one stops counting after this. */
  streamLeaseSeconds: number;
  /** Largest accepted request body, bytes (413 above). */
  maxBodyBytes: number;
  /** Longest accepted chat `message`, characters (400 above). */
  maxMessageChars: number;
  /** Upper bound on a read token's life, seconds; it also dies with its session. */
  readTokenTtlSeconds: number;
}

type NumericKey = { [K in keyof Config]: Config[K] extends number ? K : never }[keyof Config];

/** Defaults, chosen so a 1,000-token answer at the demo pace is about fifty stored rows. */
export const DEFAULTS: Config = {
  demoTokenDelayMs: 25,
  demoTokens: 60,
  chunkWindowMs: 30,
  chunkMaxMs: 500,
  chunkMaxChars: 4096,
  writeBatchMs: 10,
  writeBatchMaxEvents: 256,
  replayPageRows: 256,
  sessionTtlSeconds: 3600,
  heartbeatMs: 15_000,
  sseRetryMs: 1000,
  // Long enough for a slow first token from a large model; reasoning models may need more.
  llmIdleTimeoutMs: 30_000,
  llmMaxRetries: 3,
  llmRetryBaseMs: 1000,
  llmRetryFactor: 2,
  llmRetryMaxMs: 30_000,
  runStallMs: 90_000,
  llmProvider: LLM_PROVIDERS.DEMO,
  llmModel: "",
  llmAgentModels: {},
  llmFallbackModel: "",
  openaiBaseUrl: "",
  openaiApiKey: "",
  maxStreamsPerUser: 20,
  maxStreamsPerSession: 50,
  maxRunsPerUser: 3,
  runRatePerMinute: 30,
  runBurst: 10,
  streamLeaseSeconds: 60,
  maxBodyBytes: 64 * 1024,
  maxMessageChars: 32_000,
  readTokenTtlSeconds: 24 * 3600,
};

const ENV_NAMES: Record<NumericKey, string> = {
  demoTokenDelayMs: "DEMO_TOKEN_DELAY_MS",
  demoTokens: "DEMO_TOKENS",
  chunkWindowMs: "CHUNK_WINDOW_MS",
  chunkMaxMs: "CHUNK_MAX_MS",
  chunkMaxChars: "CHUNK_MAX_CHARS",
  writeBatchMs: "WRITE_BATCH_MS",
  writeBatchMaxEvents: "WRITE_BATCH_MAX_EVENTS",
  replayPageRows: "REPLAY_PAGE_ROWS",
  sessionTtlSeconds: "SESSION_TTL_SECONDS",
  heartbeatMs: "HEARTBEAT_MS",
  sseRetryMs: "SSE_RETRY_MS",
  llmIdleTimeoutMs: "LLM_IDLE_TIMEOUT_MS",
  llmMaxRetries: "LLM_MAX_RETRIES",
  llmRetryBaseMs: "LLM_RETRY_BASE_MS",
  llmRetryFactor: "LLM_RETRY_FACTOR",
  llmRetryMaxMs: "LLM_RETRY_MAX_MS",
  runStallMs: "RUN_STALL_MS",
  maxStreamsPerUser: "MAX_STREAMS_PER_USER",
  maxStreamsPerSession: "MAX_STREAMS_PER_SESSION",
  maxRunsPerUser: "MAX_RUNS_PER_USER",
  runRatePerMinute: "RUN_RATE_PER_MINUTE",
  runBurst: "RUN_BURST",
  streamLeaseSeconds: "STREAM_LEASE_SECONDS",
  maxBodyBytes: "MAX_BODY_BYTES",
  maxMessageChars: "MAX_MESSAGE_CHARS",
  readTokenTtlSeconds: "READ_TOKEN_TTL_SECONDS",
};

/** Prefix of the per-agent model overrides: `LLM_MODEL_CONTENT_AGENT` sets `content_agent`'s model. */
export const AGENT_MODEL_PREFIX = "LLM_MODEL_";

/** Reads the configuration from the environment; a missing or malformed value falls back to its default. */
export function loadConfig(env: object): Config {
  const vars = env as Record<string, unknown>;
  const config = { ...DEFAULTS };
  for (const key of Object.keys(ENV_NAMES) as NumericKey[]) {
    const raw = vars[ENV_NAMES[key]];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) config[key] = value;
  }
  Object.assign(config, loadLlmStrings(vars));
  return config;
}

function text(vars: Record<string, unknown>, name: string): string {
  const raw = vars[name];
  return typeof raw === "string" ? raw.trim() : "";
}

/** The string settings of the LLM backend. */
function loadLlmStrings(vars: Record<string, unknown>): Partial<Config> {
  const openaiApiKey = text(vars, "OPENAI_API_KEY");
  const named = text(vars, "LLM_PROVIDER").toLowerCase();
  // Unknown names fall back like malformed numbers do; a key alone is enough to go live.
  const llmProvider: LlmProviderName =
    named === LLM_PROVIDERS.OPENAI || named === LLM_PROVIDERS.DEMO
      ? named
      : openaiApiKey
        ? LLM_PROVIDERS.OPENAI
        : LLM_PROVIDERS.DEMO;
  const llmAgentModels: Record<string, string> = {};
  for (const name of Object.keys(vars)) {
    if (!name.startsWith(AGENT_MODEL_PREFIX)) continue;
    const model = text(vars, name);
    if (model) llmAgentModels[name.slice(AGENT_MODEL_PREFIX.length).toLowerCase()] = model;
  }
  return {
    llmProvider,
    llmModel: text(vars, "LLM_MODEL"),
    llmAgentModels,
    llmFallbackModel: text(vars, "LLM_FALLBACK_MODEL"),
    openaiBaseUrl: text(vars, "OPENAI_BASE_URL"),
    openaiApiKey,
  };
}

/** Authentication and browser-access settings: strings, unlike the numeric Config. */
export interface AccessConfig {
  /** HS256 secret every token is signed with; undefined = not configured (every authenticated route answers 503). */
  authSecret: string | undefined;
  /** Required `iss` claim of user tokens, when set. */
  issuer: string | undefined;
  /** Required `aud` claim of user tokens, when set. */
  audience: string | undefined;
  /** Origins allowed by CORS; `["*"]` only when configured so; empty = no cross-origin access. */
  corsOrigins: string[];
  /** `GET /dev/token` exists (local development only: never set DEV_TOKENS in production). */
  devTokens: boolean;
}

function optionalText(vars: Record<string, unknown>, name: string): string | undefined {
  const raw = vars[name];
  return typeof raw === "string" && raw.trim() !== "" ? raw.trim() : undefined;
}

/** Reads the access settings: AUTH_SECRET, AUTH_ISSUER, AUTH_AUDIENCE, CORS_ORIGINS, DEV_TOKENS. */
export function loadAccessConfig(env: object): AccessConfig {
  const vars = env as Record<string, unknown>;
  const secret = vars.AUTH_SECRET;
  return {
    authSecret: typeof secret === "string" && secret !== "" ? secret : undefined,
    issuer: optionalText(vars, "AUTH_ISSUER"),
    audience: optionalText(vars, "AUTH_AUDIENCE"),
    corsOrigins: (optionalText(vars, "CORS_ORIGINS") ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
    devTokens: optionalText(vars, "DEV_TOKENS") === "on",
  };
}

/**
 * `BENCH_ROUTES`: "on" mounts the benchmark's hooks at `/_bench/*` and lets the session object
 * run a synthetic event source (see docs/performance.md). Anything else, including unset, leaves
 * them out (404). `npm run bench` turns it on for its own local server only; never set it in production.
 */
export function benchRoutesEnabled(env: object): boolean {
  return (env as Record<string, unknown>).BENCH_ROUTES === "on";
}
