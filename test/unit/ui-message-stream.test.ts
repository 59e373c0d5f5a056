/**
 * UI message stream framing on exact bytes, and the compact replay: folding the chunks before any
 * cut point, then going on chunk by chunk, builds the same message, part for part.
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { compactChunks } from "../../src/protocol/ui-message-compact";
import { UiMessageMapper } from "../../src/protocol/ui-message-mapper";
import { DONE_FRAME, encodeChunkFrame, encodeChunkFrames, type UiChunk } from "../../src/protocol/ui-message-stream";
import { recording, withFailedAttempt } from "../helpers/recorded";
import { draft, parseUiStream, planned, rebuild, runEvents } from "../helpers/ui-messages";

function mapAll(events: StreamEvent[]): UiChunk[] {
  const mapper = new UiMessageMapper("s");
  return events.flatMap((event) => mapper.push(event));
}

describe("UI message stream frames", () => {
  it("encodes a chunk as one data line, with the event id when given", () => {
    const chunk: UiChunk = { type: "text-delta", id: "a", delta: 'say "hi"\nthen go' };
    expect(encodeChunkFrame(chunk)).toBe('data: {"type":"text-delta","id":"a","delta":"say \\"hi\\"\\nthen go"}\n\n');
    expect(encodeChunkFrame(chunk, 7)).toBe(
      'id: 7\ndata: {"type":"text-delta","id":"a","delta":"say \\"hi\\"\\nthen go"}\n\n',
    );
    expect(DONE_FRAME).toBe("data: [DONE]\n\n");
  });

  it("puts an event's id on the last of its chunks only", () => {
    const chunks: UiChunk[] = [
      { type: "text-end", id: "a" },
      { type: "finish", finishReason: "stop", messageMetadata: { status: "completed" } },
    ];
    const text = encodeChunkFrames(chunks, 42);
    expect(text).toBe(
      'data: {"type":"text-end","id":"a"}\n\nid: 42\ndata: {"type":"finish","finishReason":"stop","messageMetadata":{"status":"completed"}}\n\n',
    );
    expect(parseUiStream(text).frames.map((f) => f.id)).toEqual([undefined, "42"]);
    expect(encodeChunkFrames([], 3)).toBe("");
  });
});

describe("compactChunks", () => {
  it("merges each text part's deltas and keeps each data part's latest state where it first appeared", () => {
    const events = runEvents("r", [
      draft.runStart([planned("a"), planned("b")]),
      draft.agentStart("a"),
      draft.chunk("a", "one "),
      draft.agentStart("b"),
      draft.chunk("b", "uno "),
      draft.chunk("a", "two"),
      draft.progress(1, 2, "a"),
      draft.chunk("b", "dos"),
      draft.progress(2, 2, "b"),
    ]);
    const data = (name: string, status: string) =>
      expect.objectContaining({ type: "data-agent", id: name, data: expect.objectContaining({ status }) });
    expect(compactChunks(mapAll(events))).toEqual([
      expect.objectContaining({ type: "start", messageId: "r" }),
      data("a", "running"),
      data("b", "running"),
      expect.objectContaining({ type: "text-start", id: "a" }),
      { type: "text-delta", id: "a", delta: "one two" },
      expect.objectContaining({ type: "text-start", id: "b" }),
      { type: "text-delta", id: "b", delta: "uno dos" },
      expect.objectContaining({ type: "data-progress", data: expect.objectContaining({ completed_steps: 2 }) }),
    ]);
  });

  it("does not change the chunks it is given", () => {
    const chunks = mapAll(runEvents("r", [draft.runStart([]), draft.chunk("a", "x"), draft.chunk("a", "y")]));
    const before = structuredClone(chunks);
    compactChunks(chunks);
    expect(chunks).toEqual(before);
  });

  // Every cut of a Loomi turn, and every fifth of a Nova3 run (each check rebuilds a whole message).
  it.each([
    ["loomi-turn2", withFailedAttempt(recording("loomi-turn2"), "content_agent"), 1],
    ["nova3-run", withFailedAttempt(recording("nova3-run"), "content_agent"), 5],
  ])("builds %s's message from every cut point: compact before it, chunk by chunk after", async (_, events, step) => {
    const chunks = mapAll(events);
    const whole = (await rebuild(chunks)).message;
    for (let cut = 0; cut <= chunks.length; cut += step) {
      const replayed = [...compactChunks(chunks.slice(0, cut)), ...chunks.slice(cut)];
      const { message, errors } = await rebuild(replayed);
      expect(errors).toEqual([]);
      expect(message).toEqual(whole);
    }
  });

  it("sends a whole recorded run in far fewer chunks and bytes", () => {
    const chunks = mapAll(recording("nova3-run"));
    const compact = compactChunks(chunks);
    const bytes = (list: UiChunk[]) => encodeChunkFrames(list).length;
    expect(compact.length).toBeLessThan(chunks.length / 4);
    expect(bytes(compact)).toBeLessThan(bytes(chunks) / 2);
  });
});
