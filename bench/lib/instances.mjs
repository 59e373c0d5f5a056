/**
 * The bench's three service instances and their variables. Every value must be one the settings
 * schema accepts (src/config/settings.ts): a Worker with a bad setting answers every request with
 * 500, so test/unit/bench-settings.test.ts parses each instance's variables as the Worker would.
 */

/** Variables of the three instances; everything else comes from wrangler.toml and src/env.ts. */
export const INSTANCES = {
  // The design as it ships, fed by the synthetic source: zero model delay, and chunk merging off
  // so every synthetic event is stored and sent as one event (the bench counts events).
  real: { DEMO_TOKEN_DELAY_MS: "0", CHUNK_WINDOW_MS: "0" },
  // The naive design: the same service with its coalescing off: one storage write and one write
  // to each reader per event, and replay one row at a time from storage, nothing kept.
  naive: {
    DEMO_TOKEN_DELAY_MS: "0",
    CHUNK_WINDOW_MS: "0",
    WRITE_BATCH_MS: "0",
    WRITE_BATCH_MAX_EVENTS: "1",
    REPLAY_PAGE_ROWS: "1",
    REPLAY_KEPT_BYTES: "0",
  },
  // Default settings (wrangler.toml: 25 ms a token, 30 ms merge window) for rows per answer.
  defaults: { DEMO_TOKENS: "1000" },
};
