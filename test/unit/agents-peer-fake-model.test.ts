/**
 * The Agents SDK peer's fake model (bench/agents-peer/fake-model.ts): the answer it streams, the
 * bounds on what a request may ask for, and where a recovery continuation picks up.
 */
import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { answerText } from "../../bench/agents-peer/chunks.mjs";
import { chunksIn, fakeAnswerOf, fakeAnswerStream, MAX_CHUNKS } from "../../bench/agents-peer/fake-model";

async function collect(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: UIMessageChunk[]) => chunks.map((c) => (c.type === "text-delta" ? c.delta : "")).join("");

describe("agents peer fake model", () => {
  it("streams chunks 0..n-1 as text deltas between a text start and end", async () => {
    const chunks = await collect(fakeAnswerStream({ chunks: 12, paceMs: 0, holdMs: 0 }));
    expect(chunks.map((c) => c.type)).toEqual(["text-start", ...Array(12).fill("text-delta"), "text-end"]);
    expect(text(chunks)).toBe(answerText(12));
  });

  it("continues from the chunks an interrupted answer already has", async () => {
    const start = chunksIn(answerText(7));
    expect(start).toBe(7);
    const rest = text(await collect(fakeAnswerStream({ chunks: 10, paceMs: 0, holdMs: 0 }, undefined, start)));
    expect(answerText(7) + rest).toBe(answerText(10));
  });

  it("keeps the request's shape within bounds, falling back on bad values", () => {
    expect(fakeAnswerOf({ chunks: 5, paceMs: 25, holdMs: 100 })).toEqual({ chunks: 5, paceMs: 25, holdMs: 100 });
    expect(fakeAnswerOf({ chunks: MAX_CHUNKS + 1, paceMs: -1, holdMs: "x" })).toEqual({
      chunks: 10,
      paceMs: 0,
      holdMs: 0,
    });
    expect(fakeAnswerOf(undefined)).toEqual({ chunks: 10, paceMs: 0, holdMs: 0 });
  });
});
