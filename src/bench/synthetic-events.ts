/**
 * The one shape of a benchmark event: an `llm_chunk` of a fixed size from a synthetic agent. The
 * synthetic source emits it through the real write path and the pipe route writes the same bytes
 * directly, so both baselines measure the same bytes.
 */
import { EVENT_TYPES, type EventDraft, type StreamEvent } from "../protocol/events";
import { encodeEventFrame } from "../protocol/sse";

/** The agent name benchmark events carry. */
export const BENCH_AGENT = "bench_source";

/** Content length of a benchmark chunk by default: with the envelope, a frame of about 230 bytes. */
export const DEFAULT_CONTENT_CHARS = 40;

const FILLER = "streaming tokens at the edge, one chunk at a time; ";

/** `chars` characters of plain text. */
export function benchContent(chars: number): string {
  return FILLER.repeat(Math.ceil(chars / FILLER.length)).slice(0, chars);
}

/** The draft the synthetic source emits. */
export function benchDraft(content: string): EventDraft<"llm_chunk"> {
  return {
    event_type: EVENT_TYPES.LLM_CHUNK,
    agent_source: BENCH_AGENT,
    payload: { content, content_type: "text", is_complete: false },
  };
}

/** The SSE frame of benchmark event `id`, as the log would store and send it. */
export function benchFrame(id: number, runId: string, timestamp: string, content: string): string {
  const { event_type, agent_source, payload } = benchDraft(content);
  const event: StreamEvent = { id, run_id: runId, event_type, agent_source, timestamp, payload };
  return encodeEventFrame(id, JSON.stringify(event));
}
