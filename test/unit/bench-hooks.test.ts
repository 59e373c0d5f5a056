import { describe, expect, it, vi } from "vitest";
import type { RunContext } from "../../src/agents/run-context";
import { pipeStream } from "../../src/bench/pipe";
import { BENCH_AGENT } from "../../src/bench/synthetic-events";
import { syntheticPipeline } from "../../src/bench/synthetic-source";
import type { EventDraft, StreamEvent } from "../../src/protocol/events";
import { idsOf, range } from "../helpers/event-lists";
import { parseSse } from "../helpers/sse";

/** Just what the synthetic source uses of a run's context: emit and the cancel signal. */
function fakeContext() {
  const emitted: EventDraft[] = [];
  const abort = new AbortController();
  const ctx = { signal: abort.signal, emit: (draft: EventDraft) => emitted.push(draft) } as unknown as RunContext;
  return { ctx, emitted, abort };
}

const spec = { events: 5, contentChars: 10, rate: 0, burst: 2, waitForReaders: 0, holdMs: 0 };

describe("synthetic source (bench)", () => {
  it("waits for its readers, then emits the asked number of fixed-size chunks", async () => {
    const { ctx, emitted } = fakeContext();
    let readers = 0;
    let looks = 0;
    const done = syntheticPipeline({ ...spec, waitForReaders: 2 }, () => {
      looks++;
      return readers;
    })(ctx);
    // It is waiting, not merely not started: it looked at its readers, found too few, and looked again.
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(3), { timeout: 1_000, interval: 5 });
    expect(emitted).toHaveLength(0);
    readers = 2;
    expect(await done).toEqual({ status: "completed", content: "" });
    expect(emitted).toHaveLength(5);
    for (const draft of emitted) {
      expect(draft.event_type).toBe("llm_chunk");
      expect(draft.agent_source).toBe(BENCH_AGENT);
      expect(draft.event_type === "llm_chunk" && draft.payload.content).toHaveLength(10);
    }
  });

  it("stops when the run is cancelled", async () => {
    const { ctx, abort } = fakeContext();
    const done = syntheticPipeline({ ...spec, waitForReaders: 1 }, () => 0)(ctx);
    abort.abort(new Error("cancelled"));
    await expect(done).rejects.toThrow("cancelled");
  });
});

async function framesOf(stream: ReadableStream<Uint8Array>): Promise<{ retry: boolean; events: StreamEvent[] }> {
  const text = await new Response(stream).text();
  return { retry: text.startsWith("retry: 1000\n\n"), events: parseSse(text) };
}

describe("pipe stream (bench)", () => {
  it("sends the asked events, in order, shaped like a session's", async () => {
    const { retry, events } = await framesOf(pipeStream({ events: 600, contentChars: 16, rate: 0 }));
    expect(retry).toBe(true);
    expect(idsOf(events)).toEqual(range(1, 600));
    expect(events.every((e) => e.event_type === "llm_chunk" && e.payload.content.length === 16)).toBe(true);
  });

  it("paces its events when given a rate, each stamped when sent", async () => {
    const started = Date.now();
    const { events } = await framesOf(pipeStream({ events: 3, contentChars: 4, rate: 100 }));
    expect(idsOf(events)).toEqual([1, 2, 3]);
    expect(Date.parse(events[2].timestamp)).toBeGreaterThanOrEqual(Date.parse(events[0].timestamp));
    expect(Date.parse(events[0].timestamp)).toBeGreaterThanOrEqual(started - 1);
  });
});
