/**
 * A fake model for the Agents SDK peer: a UI message stream (the AI SDK's documented server
 * format, what `streamText(...).toUIMessageStream()` yields) of `chunks` text deltas, one every
 * `paceMs` milliseconds, with no network. Chunk `i` carries `chunkText(i)`.
 */
import { createUIMessageStream, type UIMessageChunk } from "ai";
import { chunkText } from "./chunks.mjs";

/** Largest answer the peer streams on request (the bench's longest is 10,000 chunks). */
export const MAX_CHUNKS = 100_000;
/** Slowest pace the peer accepts, ms between chunks. */
export const MAX_PACE_MS = 10_000;
/**
 * Longest pause after the last chunk before the answer ends (a model finishing slowly, or a tool
 * running): the SDK replays a stream's stored chunks only while the stream is active.
 */
export const MAX_HOLD_MS = 600_000;

/** What one answer streams: `chunks` deltas, `paceMs` apart, then `holdMs` before it ends. */
export interface FakeAnswer {
  chunks: number;
  paceMs: number;
  holdMs: number;
}

function bounded(value: unknown, max: number, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max ? value : fallback;
}

/** Reads the answer's shape from the chat request's extra body fields; out-of-range values fall back. */
export function fakeAnswerOf(body: Record<string, unknown> | undefined): FakeAnswer {
  return {
    chunks: bounded(body?.chunks, MAX_CHUNKS, 10),
    paceMs: bounded(body?.paceMs, MAX_PACE_MS, 0),
    holdMs: bounded(body?.holdMs, MAX_HOLD_MS, 0),
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Chunks already in `partial`, the text of an interrupted answer the SDK persisted: where a model
 * asked to continue it (the SDK's recovery continuation) picks up.
 */
export function chunksIn(partial: string): number {
  return partial.match(/c\d+ /g)?.length ?? 0;
}

/**
 * The answer as a UI message stream from chunk `start` on; stops early (without `finish`) when
 * `signal` aborts.
 */
export function fakeAnswerStream(
  { chunks, paceMs, holdMs }: FakeAnswer,
  signal?: AbortSignal,
  start = 0,
): ReadableStream<UIMessageChunk> {
  return createUIMessageStream({
    execute: async ({ writer }) => {
      const id = "text-0";
      writer.write({ type: "text-start", id });
      for (let i = start; i < chunks && !signal?.aborted; i++) {
        if (paceMs > 0 && i > start) await sleep(paceMs, signal);
        writer.write({ type: "text-delta", id, delta: chunkText(i) });
      }
      if (holdMs > 0) await sleep(holdMs, signal);
      writer.write({ type: "text-end", id });
    },
  });
}
