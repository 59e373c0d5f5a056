import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventDraft } from "../../src/protocol/events";
import type { EventLog, NewLogRow } from "../../src/session/event-log";
import { EventWriter } from "../../src/session/event-writer";
import {
  FULL_BATCH_REPAY,
  FULL_BATCH_WAIT_MAX_MS,
  WRITE_IDLE_MAX_MS,
  WriteWindow,
} from "../../src/session/write-window";

/** A window on a hand-driven clock whose "next free turn" runs when the test says. */
function setup(minMs: number) {
  let now = 1_000;
  const probes: (() => void)[] = [];
  const window = new WriteWindow(
    minMs,
    () => now,
    (fn) => probes.push(fn),
  );
  return {
    window,
    at: (t: number) => {
      now = t;
    },
    /** The event loop comes free at `t`: the probes queued so far run. */
    freeAt: (t: number) => {
      now = t;
      for (const probe of probes.splice(0)) probe();
    },
  };
}

describe("WriteWindow", () => {
  it("waits writeBatchMs after a cheap write", () => {
    const t = setup(10);
    t.window.wrote(1_000);
    t.freeAt(1_002);
    expect(t.window.lastCostMs).toBe(2);
    expect(t.window.waitMs()).toBe(8);
    t.at(1_010);
    expect(t.window.waitMs()).toBe(0);
  });

  it("after a write that kept the thread busy, waits as long again once the thread is free", () => {
    const t = setup(10);
    t.window.wrote(1_000);
    // Before its cost is known the writer waits writeBatchMs only, and asks again then.
    t.at(1_005);
    expect(t.window.waitMs()).toBe(5);
    t.freeAt(1_030);
    expect(t.window.lastCostMs).toBe(30);
    expect(t.window.waitMs()).toBe(30);
    t.at(1_059);
    expect(t.window.waitMs()).toBe(1);
    t.at(1_060);
    expect(t.window.waitMs()).toBe(0);
  });

  it("bounds the free time it waits for by WRITE_IDLE_MAX_MS", () => {
    const t = setup(10);
    t.window.wrote(1_000);
    t.freeAt(1_500);
    expect(t.window.waitMs()).toBe(WRITE_IDLE_MAX_MS);
  });

  it("measures each write from its own start; a late probe of an older write is ignored", () => {
    const t = setup(10);
    t.window.wrote(1_000);
    t.at(1_020);
    t.window.wrote(1_020);
    t.freeAt(1_024);
    expect(t.window.lastCostMs).toBe(4);
    expect(t.window.waitMs()).toBe(6);
  });

  it("keeps one probe waiting however many writes a turn makes (the runtime caps active timeouts at 10,000)", () => {
    let probes = 0;
    const window = new WriteWindow(
      10,
      () => 1_000,
      () => probes++,
    );
    for (let i = 0; i < 10_001; i++) window.wrote(1_000);
    expect(probes).toBe(1);
  });

  it("never waits with writeBatchMs 0 (a write at the end of every turn)", () => {
    const t = setup(0);
    t.window.wrote(1_000);
    t.freeAt(1_200);
    expect(t.window.waitMs()).toBe(0);
  });

  it("lets the first write go at once", () => {
    expect(setup(10).window.waitMs()).toBe(0);
  });
});

describe("EventWriter under a costly fan-out", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const chunk: EventDraft = {
    event_type: "llm_chunk",
    agent_source: "x",
    payload: { content: "w", content_type: "text", is_complete: false },
  };

  /** Sizes of the batches written for `events` emitted one per ms, each write costing `costMs`. */
  function batchSizes(costMs: number, events: number): number[] {
    vi.setSystemTime(1_000);
    const rows: NewLogRow[] = [];
    const log = { head: 0, append: (batch: NewLogRow[]) => rows.push(...batch) };
    Object.defineProperty(log, "head", { get: () => rows.length });
    const sizes: number[] = [];
    const writer = new EventWriter(
      log as unknown as EventLog,
      { chunkWindowMs: 0, chunkMaxMs: 500, chunkMaxChars: 4096, writeBatchMs: 10 },
      (batch) => {
        sizes.push(batch.jsons.length);
        // The readers' pulls and socket writes keep the thread busy this long after the write.
        vi.setSystemTime(Date.now() + costMs);
      },
      () => Date.now(),
    );
    for (let i = 0; i < events; i++) {
      writer.emit("r", chunk);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(1_000);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    return sizes;
  }

  it("sets a bounded number of timers for a burst written one event a batch (the naive design)", () => {
    const rows: NewLogRow[] = [];
    const log = { append: (batch: NewLogRow[]) => rows.push(...batch) };
    Object.defineProperty(log, "head", { get: () => rows.length });
    const writer = new EventWriter(
      log as unknown as EventLog,
      { chunkWindowMs: 0, chunkMaxMs: 500, chunkMaxChars: 4096, writeBatchMs: 0, writeBatchMaxEvents: 1 },
      () => {},
      () => Date.now(),
    );
    for (let i = 0; i < 10_000; i++) writer.emit("r", chunk);
    expect(rows).toHaveLength(10_000);
    expect(vi.getTimerCount()).toBeLessThan(10);
  });

  it("writes fewer, larger batches when each write keeps the thread busy", () => {
    const cheap = batchSizes(0, 200);
    const costly = batchSizes(40, 200);
    // Cheap: a write every writeBatchMs (10 events each). Costly: the producer gets as much free
    // time as a write took (40 ms here) before the next one, which carries what it emitted then.
    expect(Math.max(...cheap)).toBe(10);
    expect(Math.max(...costly)).toBeGreaterThanOrEqual(40);
    expect(costly.length).toBeLessThan(cheap.length / 1.5);
  });
});

describe("WriteWindow.repaid: when a full batch may be written", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("after a write costlier than writeBatchMs, waits FULL_BATCH_REPAY times its cost of free time, up to FULL_BATCH_WAIT_MAX_MS", () => {
    vi.setSystemTime(1_000);
    const window = new WriteWindow(10, () => Date.now());
    expect(window.repaid()).toBe(true); // no write yet
    window.wrote(Date.now());
    vi.setSystemTime(1_015); // a slow commit and the delivery keep the thread 15 ms
    expect(window.repaid()).toBe(false); // its cost is not known before the next free turn
    vi.advanceTimersByTime(0);
    expect(window.lastCostMs).toBe(15);
    expect(window.waitMs(true)).toBe(15 * FULL_BATCH_REPAY);
    vi.setSystemTime(Date.now() + 15 * FULL_BATCH_REPAY - 1);
    expect(window.repaid()).toBe(false);
    vi.setSystemTime(Date.now() + 1);
    expect(window.repaid()).toBe(true);

    window.wrote(Date.now());
    vi.setSystemTime(Date.now() + 500); // a very slow commit
    vi.advanceTimersByTime(0);
    expect(window.waitMs(true)).toBe(FULL_BATCH_WAIT_MAX_MS);
  });

  it("repays a write cheaper than writeBatchMs at once: full batches go at the cap as before", () => {
    vi.setSystemTime(1_000);
    const window = new WriteWindow(10, () => Date.now());
    window.wrote(Date.now());
    vi.setSystemTime(1_005);
    expect(window.repaid()).toBe(false);
    vi.advanceTimersByTime(0);
    expect(window.lastCostMs).toBe(5);
    expect(window.repaid()).toBe(true);
  });

  it("is always repaid with writeBatchMs 0 (coalescing off)", () => {
    const window = new WriteWindow(0, () => Date.now());
    window.wrote(Date.now());
    expect(window.repaid()).toBe(true);
    expect(window.waitMs(true)).toBe(0);
  });
});
