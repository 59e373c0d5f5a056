/**
 * The benchmark's synthetic event source: a run pipeline that emits fixed-size `llm_chunk`s
 * through the session's real write path (EventWriter -> EventLog -> FanOut -> reader streams),
 * as fast as it can or at a set rate, after waiting for its readers to connect.
 */
import type { Pipeline, RunContext } from "../agents/run-context";
import { sleep } from "../lib/sleep";
import { RUN_STATUSES } from "../protocol/events";
import { benchContent, benchDraft } from "./synthetic-events";

/** What a synthetic run does. */
export interface SyntheticSpec {
  /** Events to emit. */
  events: number;
  /** Characters of content in each event. */
  contentChars: number;
  /** Events a second; 0 = as fast as it can. */
  rate: number;
  /** Events emitted back to back before the source yields to the event loop (when rate is 0). */
  burst: number;
  /** Start only once this many readers have the session's stream open. */
  waitForReaders: number;
  /** Idle time after the readers arrived, before the first event, ms. */
  holdMs: number;
}

/** Longest a synthetic run waits for its readers before it fails, ms. */
export const READERS_TIMEOUT_MS = 120_000;
/** How often the source checks whether its readers arrived, ms. */
const READERS_POLL_MS = 5;

/** One turn of the event loop: what an I/O-driven producer gives up between deliveries. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function waitForReaders(ctx: RunContext, wanted: number, readers: () => number): Promise<void> {
  const deadline = Date.now() + READERS_TIMEOUT_MS;
  while (readers() < wanted) {
    if (Date.now() > deadline) throw new Error(`only ${readers()} of ${wanted} readers connected`);
    await sleep(READERS_POLL_MS, ctx.signal);
  }
}

/** The pipeline of a synthetic run; `readers` tells how many streams the session has open. */
export function syntheticPipeline(spec: SyntheticSpec, readers: () => number): Pipeline {
  return async (ctx) => {
    await waitForReaders(ctx, spec.waitForReaders, readers);
    if (spec.holdMs > 0) await sleep(spec.holdMs, ctx.signal);
    const content = benchContent(spec.contentChars);
    const start = Date.now();
    for (let i = 0; i < spec.events; i++) {
      ctx.signal.throwIfAborted();
      ctx.emit(benchDraft(content));
      if (spec.rate > 0) {
        const due = start + ((i + 1) * 1000) / spec.rate;
        if (due > Date.now()) await sleep(due - Date.now(), ctx.signal);
      } else if ((i + 1) % spec.burst === 0) {
        await nextTurn();
      }
    }
    return { status: RUN_STATUSES.COMPLETED, content: "" };
  };
}
