/** No `llm_chunk` grows with an answer: a provider's oversized delta is cut into bounded events. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { attemptFailed, errorMessage, MAX_ERROR_MESSAGE_CHARS } from "../../src/agents/failures";
import { type EventDraft, MAX_EVENT_TEXT_CHARS } from "../../src/protocol/events";
import { ChunkMerger, type Pending } from "../../src/session/chunk-merger";

const chunk = (content: string, isComplete = false): EventDraft<"llm_chunk"> => ({
  event_type: "llm_chunk",
  agent_source: "x",
  payload: { content, content_type: "text", is_complete: isComplete },
});

function merger(chunkWindowMs: number) {
  const closed: Pending[] = [];
  const chunks = new ChunkMerger(
    { chunkWindowMs, chunkMaxMs: 500, chunkMaxChars: 4096 },
    () => 0,
    (p) => closed.push(p),
    () => {},
  );
  const contents = () => closed.map((p) => (p.draft.event_type === "llm_chunk" ? p.draft.payload : undefined));
  return { chunks, closed, contents };
}

describe("ChunkMerger", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("cuts a delta longer than one event may carry, whole surrogate pairs only, marking only the last complete", () => {
    for (const window of [0, 30]) {
      const t = merger(window);
      const delta = "é🙂 word ".repeat(40_000); // 360,000 UTF-16 units
      t.chunks.add("r", chunk(delta, true), "t", 0);
      t.chunks.closeAll();
      const payloads = t.contents();
      expect(payloads.map((p) => p?.content).join("")).toBe(delta);
      expect(payloads.length).toBe(Math.ceil(delta.length / MAX_EVENT_TEXT_CHARS));
      for (const p of payloads) {
        expect(p?.content.length).toBeLessThanOrEqual(MAX_EVENT_TEXT_CHARS);
        expect(new TextDecoder().decode(new TextEncoder().encode(p?.content))).toBe(p?.content);
      }
      expect(payloads.map((p) => p?.is_complete)).toEqual(payloads.map((_, i) => i === payloads.length - 1));
    }
  });

  it("still merges ordinary deltas up to chunkMaxChars", () => {
    const t = merger(30);
    for (let i = 0; i < 3; i++) t.chunks.add("r", chunk("abc"), "t", 0);
    t.chunks.closeAll();
    expect(t.contents().map((p) => p?.content)).toEqual(["abcabcabc"]);
  });
});

describe("error events", () => {
  it("carry at most MAX_ERROR_MESSAGE_CHARS of an error's message", () => {
    const body = `HTTP 502: ${"<html>".repeat(100_000)}`;
    const message = errorMessage(new Error(body));
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    expect(body.startsWith(message.slice(0, -1))).toBe(true);
    expect(attemptFailed("x", new Error(body), { retryCount: 0, willRetry: true, discarded: 0 }).payload.error).toBe(
      message,
    );
    expect(errorMessage(new Error("short"))).toBe("short");
    // Never half a surrogate pair at the cut.
    const emoji = errorMessage(`${"a".repeat(MAX_ERROR_MESSAGE_CHARS - 2)}🙂🙂`);
    expect(new TextDecoder().decode(new TextEncoder().encode(emoji))).toBe(emoji);
  });
});
