import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventDraft, StreamEvent } from "../../src/protocol/events";
import { textDigest } from "../../src/protocol/text-digest";
import type { EventLog, NewLogRow } from "../../src/session/event-log";
import { EventWriter, type FlushedBatch, type MergeOptions } from "../../src/session/event-writer";
import { idsOf, range } from "../helpers/event-lists";

/** An in-memory stand-in for the SQLite log with the same append contract. */
function memoryLog() {
  const rows: NewLogRow[] = [];
  const log = {
    get head() {
      return rows.length;
    },
    append(batch: readonly NewLogRow[]) {
      for (const row of batch) {
        if (row.id !== rows.length + 1) throw new Error("gap");
        rows.push(row);
      }
    },
  };
  return { log: log as unknown as EventLog, rows };
}

const chunk = (agent: string, content: string): EventDraft => ({
  event_type: "llm_chunk",
  agent_source: agent,
  payload: { content, content_type: "text", is_complete: false },
});
const start = (agent: string): EventDraft => ({
  event_type: "agent_start",
  agent_source: agent,
  payload: { status: "started", task_description: "t", model: "demo" },
});
const runComplete: EventDraft = {
  event_type: "run_complete",
  agent_source: "supervisor",
  payload: { status: "completed", content: "", content_chars: 0, content_digest: textDigest(""), agents: {} },
};

function setup(options: Partial<MergeOptions> = {}) {
  // The writer's clock is the fake timers' own, so a timer fires at the time it was due.
  vi.setSystemTime(1_000);
  const { log, rows } = memoryLog();
  const batches: FlushedBatch[] = [];
  const writer = new EventWriter(
    log,
    { chunkWindowMs: 30, chunkMaxMs: 500, chunkMaxChars: 4096, ...options },
    (b) => batches.push(b),
    () => Date.now(),
  );
  const events = () => rows.map((r) => JSON.parse(r.json) as StreamEvent);
  return {
    writer,
    rows,
    batches,
    events,
    advance: (ms: number) => vi.advanceTimersByTime(ms),
  };
}

describe("EventWriter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("merges one agent's chunks that arrive within the window into one event", () => {
    const t = setup();
    for (const word of ["a ", "b ", "c"]) {
      t.writer.emit("r", chunk("x", word));
      t.advance(10);
    }
    t.advance(100);
    expect(t.events().map((e) => e.event_type === "llm_chunk" && e.payload.content)).toEqual(["a b c"]);
  });

  it("merges into its own copy: the drafts a producer emitted are left as they were", () => {
    const t = setup();
    const first = chunk("x", "a ");
    const second = chunk("x", "b");
    t.writer.emit("r", first);
    t.writer.emit("r", second);
    // Merging appended "b" to the writer's copy, not to the producer's first draft...
    expect(first).toEqual(chunk("x", "a "));
    // ...and what the producer does to its drafts afterwards does not reach the log.
    (first.payload as { content: string }).content = "changed after emit";
    t.advance(100);
    expect(t.events().map((e) => e.event_type === "llm_chunk" && e.payload.content)).toEqual(["a b"]);
    expect(second).toEqual(chunk("x", "b"));
  });

  it("starts a new event after a gap longer than the window", () => {
    const t = setup();
    t.writer.emit("r", chunk("x", "a"));
    t.advance(50);
    t.writer.emit("r", chunk("x", "b"));
    t.advance(50);
    expect(t.events()).toHaveLength(2);
  });

  it("bounds a merged event by its age, so merging adds bounded latency", () => {
    const t = setup({ chunkMaxMs: 100 });
    for (let i = 0; i < 50; i++) {
      t.writer.emit("r", chunk("x", "w "));
      t.advance(10);
    }
    t.advance(100);
    const chunks = t.events();
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.length).toBeLessThanOrEqual(6);
    expect(chunks.map((e) => (e.event_type === "llm_chunk" ? e.payload.content : "")).join("")).toBe("w ".repeat(50));
  });

  it("emits one event per token with a window of 0", () => {
    const t = setup({ chunkWindowMs: 0 });
    for (const w of ["a", "b", "c"]) t.writer.emit("r", chunk("x", w));
    t.advance(1);
    expect(t.events()).toHaveLength(3);
    expect(t.batches).toHaveLength(1);
  });

  it("keeps each agent's order while interleaved agents merge separately", () => {
    const t = setup();
    t.writer.emit("r", start("x"));
    t.writer.emit("r", start("y"));
    for (let i = 0; i < 4; i++) {
      t.writer.emit("r", chunk("x", `x${i}`));
      t.writer.emit("r", chunk("y", `y${i}`));
      t.advance(5);
    }
    t.writer.emit("r", {
      ...start("x"),
      event_type: "agent_complete",
      payload: {
        status: "completed",
        summary: "",
        text: "x0x1x2x3",
        chars: 8,
        digest: textDigest("x0x1x2x3"),
        model: "demo",
      },
    });
    t.advance(100);
    const evs = t.events();
    expect(idsOf(evs)).toEqual(range(1, evs.length));
    const ofX = evs.filter((e) => e.agent_source === "x").map((e) => e.event_type);
    expect(ofX).toEqual(["agent_start", "llm_chunk", "agent_complete"]);
    const ofY = evs
      .filter((e) => e.agent_source === "y")
      .map((e) => (e.event_type === "llm_chunk" ? e.payload.content : e.event_type));
    expect(ofY).toEqual(["agent_start", "y0y1y2y3"]);
  });

  it("writes run_complete last, after every open chunk, at once", () => {
    const t = setup();
    t.writer.emit("r", chunk("x", "tail"));
    t.writer.emit("r", runComplete);
    const evs = t.events();
    expect(evs.map((e) => e.event_type)).toEqual(["llm_chunk", "run_complete"]);
    expect(t.batches).toHaveLength(1);
  });

  it("writes an event emitted after a quiet spell at the end of its turn, without waiting", () => {
    const t = setup({ chunkWindowMs: 0, writeBatchMs: 5 });
    t.writer.emit("r", start("x"));
    t.advance(0);
    expect(t.batches).toHaveLength(1);
  });

  it("coalesces events emitted over several turns within writeBatchMs into one write", () => {
    const t = setup({ chunkWindowMs: 0, writeBatchMs: 5 });
    t.writer.emit("r", chunk("x", "first"));
    t.advance(0);
    for (let i = 0; i < 4; i++) {
      t.writer.emit("r", chunk("x", `w${i}`));
      t.advance(1);
    }
    expect(t.batches).toHaveLength(1);
    t.advance(1);
    expect(t.batches.map((b) => b.jsons.length)).toEqual([1, 4]);
    expect(idsOf(t.events())).toEqual([1, 2, 3, 4, 5]);
  });

  it("writes a full batch at once, before writeBatchMs has passed, once the last write is repaid", () => {
    const t = setup({ chunkWindowMs: 0, writeBatchMs: 1000, writeBatchMaxEvents: 3 });
    t.writer.emit("r", chunk("x", "a"));
    // The write, then its probe at the next free turn (fake timers run a 0 ms timeout 1 ms later,
    // so it measures 1 ms), then as long again free: the write is repaid.
    t.advance(5);
    for (const w of ["b", "c", "d"]) t.writer.emit("r", chunk("x", w));
    expect(t.batches.map((b) => b.jsons.length)).toEqual([1, 3]);
  });

  it("lets a full batch grow while the last write's cost is not known yet", () => {
    const t = setup({ chunkWindowMs: 0, writeBatchMs: 1000, writeBatchMaxEvents: 3 });
    t.writer.emit("r", chunk("x", "a"));
    t.writer.flush(); // a write whose cost is measured at the next free turn, not yet
    for (const w of ["b", "c", "d", "e"]) t.writer.emit("r", chunk("x", w));
    expect(t.batches.map((b) => b.jsons.length)).toEqual([1]);
    t.advance(0);
    t.writer.emit("r", chunk("x", "f"));
    expect(t.batches.map((b) => b.jsons.length)).toEqual([1, 5]);
  });

  it("writes every event by itself with writeBatchMaxEvents 1 and writeBatchMs 0 (the naive baseline)", () => {
    const t = setup({ chunkWindowMs: 0, writeBatchMs: 0, writeBatchMaxEvents: 1 });
    for (const w of ["a", "b", "c"]) t.writer.emit("r", chunk("x", w));
    expect(t.batches.map((b) => b.jsons.length)).toEqual([1, 1, 1]);
  });

  it("stores exactly the JSON it publishes, with the envelope's field order", () => {
    const t = setup();
    t.writer.emit("run-1", start("x"));
    t.writer.flush();
    const [row] = t.rows;
    expect(Object.keys(JSON.parse(row.json))).toEqual([
      "id",
      "run_id",
      "event_type",
      "agent_source",
      "timestamp",
      "payload",
    ]);
    expect(new TextDecoder().decode(t.batches[0].frames)).toBe(`id: 1\ndata: ${row.json}\n\n`);
  });

  it("gives a batch's readers one shared encoding of its frames, in log order", () => {
    const t = setup({ chunkWindowMs: 0 });
    t.writer.emit("r", start("x"));
    t.advance(20);
    for (const w of ["a", "b", "c"]) t.writer.emit("r", chunk("x", w));
    t.writer.flush();
    const batch = t.batches[1];
    expect(batch.frames).toBe(batch.frames);
    const expected = t.rows.slice(1).map((row) => `id: ${row.id}\ndata: ${row.json}\n\n`);
    expect(new TextDecoder().decode(batch.frames)).toBe(expected.join(""));
  });
});
