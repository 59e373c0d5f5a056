/**
 * Configuration: every tunable setting, its default and its parsing, in one place.
 * Values come from `wrangler.jsonc` vars, `.dev.vars` locally, or secrets in production.
 */

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
}

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
};

const ENV_NAMES: Record<keyof Config, string> = {
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
};

/** Reads the configuration from the environment; a missing or malformed value falls back to its default. */
export function loadConfig(env: object): Config {
  const vars = env as Record<string, unknown>;
  const config = { ...DEFAULTS };
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    const raw = vars[ENV_NAMES[key]];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) config[key] = value;
  }
  return config;
}

/**
 * `BENCH_ROUTES`: "on" mounts the benchmark's hooks at `/_bench/*` and lets the session object
 * run a synthetic event source (see docs/performance.md). Anything else, including unset, leaves
 * them out (404). `npm run bench` turns it on for its own local server only; never set it in production.
 */
export function benchRoutesEnabled(env: object): boolean {
  return (env as Record<string, unknown>).BENCH_ROUTES === "on";
}
