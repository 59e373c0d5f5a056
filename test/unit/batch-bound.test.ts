import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventDraft } from "../../src/protocol/events";
import { BatchBound, draftBytes, EVENT_ENVELOPE_BYTES } from "../../src/session/batch-bound";
import type { EventLog, NewLogRow } from "../../src/session/event-log";
import { EventWriter } from "../../src/session/event-writer";

const chunk = (content: string): EventDraft => ({
  event_type: "llm_chunk",
  agent_source: "x",
  payload: { content, content_type: "text", is_complete: false },
});

describe("BatchBound", () => {
  it("counts a draft as its envelope plus its payload's strings", () => {
    expect(draftBytes(chunk("abcd"))).toBe(EVENT_ENVELOPE_BYTES + 4 + "text".length);
  });

  it("is due at writeBatchMaxEvents only once the last write is repaid", () => {
    let repaid = false;
    const bound = new BatchBound(2, 1_000_000, () => repaid);
    bound.add(chunk("a"));
    bound.add(chunk("b"));
    expect(bound.due()).toBe(false);
    repaid = true;
    expect(bound.due()).toBe(true);
    bound.clear();
    expect(bound.due()).toBe(false);
  });

  it("is due at its byte bound whether or not the last write is repaid", () => {
    const bound = new BatchBound(1_000, 3 * EVENT_ENVELOPE_BYTES, () => false);
    bound.add(chunk("a"));
    bound.add(chunk("b"));
    expect(bound.due()).toBe(false);
    bound.add(chunk("c"));
    expect(bound.due()).toBe(true);
  });
});

/**
 * A producer emitting `events` drafts, `perMs` each millisecond, into a writer (a full batch at 16
 * events) whose every commit keeps the thread busy `commitMs`: the fake clock jumps inside the
 * transaction, as the object's thread sleeps in a local commit's fsync. Returns the batches' sizes
 * and how long the run took to its last commit, ms.
 */
function run(commitMs: number, maxBytes = 1_048_576, events = 2_000, perMs = 10) {
  vi.setSystemTime(1_000);
  const rows: NewLogRow[] = [];
  const log = {
    append: (batch: readonly NewLogRow[]) => {
      for (const row of batch) {
        if (row.id !== rows.length + 1) throw new Error("gap");
        rows.push(row);
      }
    },
  };
  Object.defineProperty(log, "head", { get: () => rows.length });
  const sizes: number[] = [];
  let lastCommitAt = 0;
  const writer = new EventWriter(
    log as unknown as EventLog,
    {
      chunkWindowMs: 0,
      chunkMaxMs: 500,
      chunkMaxChars: 4096,
      writeBatchMs: 10,
      writeBatchMaxEvents: 16,
      writeBatchMaxBytes: maxBytes,
    },
    (batch) => {
      sizes.push(batch.jsons.length);
      lastCommitAt = Date.now();
    },
    () => Date.now(),
    {
      transact: (fn) => {
        const out = fn();
        vi.setSystemTime(Date.now() + commitMs);
        return out;
      },
    },
  );
  for (let i = 0; i < events; i++) {
    writer.emit("r", chunk("w"));
    if ((i + 1) % perMs === 0) vi.advanceTimersByTime(1);
  }
  vi.advanceTimersByTime(1_000);
  // Every event stored once, in order (the log refuses gaps).
  expect(rows.map((r) => r.id)).toEqual(Array.from({ length: events }, (_, i) => i + 1));
  return { sizes, tookMs: lastCommitAt - 1_000 };
}

describe("EventWriter with slow commits", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes larger batches, not fewer events a second, when each commit is slower", () => {
    const fast = run(1);
    const slow = run(20);
    // Producing alone takes 200 ms. A fixed cap of 16 events would make 125 commits of 20 ms:
    // 2,700 ms in all. Growing batches keep the slow run within twice the fast one.
    expect(slow.sizes.length * 3).toBeLessThanOrEqual(fast.sizes.length);
    expect(Math.max(...slow.sizes)).toBeGreaterThan(16 * 10);
    expect(slow.tookMs).toBeLessThan(2 * fast.tookMs);
  });

  it("leaves a producer slower than the cap to the write window: batches of writeBatchMs", () => {
    const { sizes } = run(1, 1_048_576, 200, 1);
    // One event a millisecond never fills 16 events within the 10 ms window.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(11);
  });

  it("never grows a batch past its byte bound", () => {
    const perEvent = draftBytes(chunk("w"));
    const { sizes } = run(20, 40 * perEvent);
    expect(Math.max(...sizes)).toBe(40);
  });
});
