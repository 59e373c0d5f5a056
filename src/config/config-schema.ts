/**
 * The schema of `Config`: the settings of settings.ts, the rules between them, and the one default
 * that depends on another setting (the provider). A combination that cannot work is refused when
 * the Worker starts, with a message naming every setting involved.
 */
import { z } from "zod";
import { varName } from "./parse";
import { CONFIG_FIELDS, LLM_PROVIDERS } from "./settings";

/**
 * How many heartbeats a stream lease must outlive. An idle open stream wakes at least every
 * HEARTBEAT_MS and renews its lease when a third of the lease has passed since the last renewal
 * (src/limits/stream-leases.ts), so renewals can be a third of the lease plus a heartbeat apart:
 * a lease of 1.5 heartbeats or less lapses under a healthy stream. Above two heartbeats at least a
 * sixth of the lease (with the defaults, 25 of 60 s) is left for the renewal's round trip and a late timer.
 */
export const LEASE_MIN_HEARTBEATS = 2;

const name = (field: keyof typeof CONFIG_FIELDS) => varName(CONFIG_FIELDS[field]);

type Values = z.output<z.ZodObject<typeof CONFIG_FIELDS>>;

/**
 * The longest a healthy run logs nothing, ms: after an attempt fails (its `error` is logged) the
 * agent waits out a backoff (at most LLM_RETRY_MAX_MS), then the next attempt's first chunk may
 * take up to LLM_IDLE_TIMEOUT_MS, and a merged chunk reaches storage up to CHUNK_MAX_MS +
 * WRITE_BATCH_MS after it arrives. The run watchdog must wait longer than that.
 */
export function longestHealthySilenceMs(c: Values): number {
  return c.llmRetryMaxMs + c.llmIdleTimeoutMs + c.chunkMaxMs + c.writeBatchMs;
}

function checkRules(c: Values, ctx: z.RefinementCtx): void {
  if (!(c.streamLeaseSeconds * 1000 > LEASE_MIN_HEARTBEATS * c.heartbeatMs)) {
    ctx.addIssue({
      code: "custom",
      message:
        `${name("streamLeaseSeconds")} (${c.streamLeaseSeconds} s) must be more than ${LEASE_MIN_HEARTBEATS} x ` +
        `${name("heartbeatMs")} (${c.heartbeatMs} ms): an idle open stream renews its lease only when it wakes ` +
        "for a heartbeat, so a shorter lease can lapse under a stream that is still open",
    });
  }
  const silence = longestHealthySilenceMs(c);
  if (!(c.runStallMs > silence)) {
    const parts = (["llmRetryMaxMs", "llmIdleTimeoutMs", "chunkMaxMs", "writeBatchMs"] as const).map(name);
    ctx.addIssue({
      code: "custom",
      message:
        `${name("runStallMs")} (${c.runStallMs} ms) must be more than a healthy run's longest silence, ` +
        `${parts.join(" + ")} = ${silence} ms: the watchdog would restart runs that are only waiting`,
    });
  }
}

/** Parses the settings of `Config`; an unset LLM_PROVIDER means openai when a key is set, else demo. */
export const CONFIG_SCHEMA = z
  .object(CONFIG_FIELDS)
  .superRefine(checkRules)
  .transform(({ llmProvider, ...rest }) => ({
    ...rest,
    llmProvider: llmProvider ?? (rest.openaiApiKey ? LLM_PROVIDERS.OPENAI : LLM_PROVIDERS.DEMO),
  }));
