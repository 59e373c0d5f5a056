/**
 * The writer's commits: pending events and a checkpoint's own writes go to storage in one
 * transaction, readers get the batch only after it committed, and a commit that fails leaves
 * neither half, no published batch and the log's head where storage has it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventDraft, StreamEvent } from "../../src/protocol/events";
import { textDigest } from "../../src/protocol/text-digest";
import type { EventLog, NewLogRow } from "../../src/session/event-log";
import { EventWriter, type FlushedBatch, type Transact } from "../../src/session/event-writer";

/** An in-memory log and a side table whose transactions roll back both on a throw. */
function memoryStorage() {
  const rows: NewLogRow[] = [];
  const records: string[] = [];
  let head = 0;
  const log = {
    get head() {
      return head;
    },
    append(batch: readonly NewLogRow[]) {
      for (const row of batch) {
        if (row.id !== head + 1) throw new Error("gap");
        rows.push(row);
        head = row.id;
      }
    },
    reloadHead() {
      head = rows.length;
    },
  };
  const transact: Transact = (fn) => {
    const saved = { rows: rows.length, records: records.length };
    try {
      return fn();
    } catch (error) {
      rows.length = saved.rows;
      records.length = saved.records;
      throw error;
    }
  };
  return { log: log as unknown as EventLog, rows, records, transact };
}

const progress = (step: number): EventDraft => ({
  event_type: "progress",
  agent_source: "supervisor",
  payload: { completed_steps: step, total_steps: 5, percent: step * 20, stage: "s" },
});
const runComplete: EventDraft = {
  event_type: "run_complete",
  agent_source: "supervisor",
  payload: { status: "completed", content: "", content_chars: 0, content_digest: textDigest(""), agents: {} },
};

function setup() {
  const storage = memoryStorage();
  const batches: FlushedBatch[] = [];
  const failures: unknown[] = [];
  const writer = new EventWriter(
    storage.log,
    { chunkWindowMs: 30, chunkMaxMs: 500, chunkMaxChars: 4096, writeBatchMs: 10 },
    (batch) => batches.push(batch),
    Date.now,
    { transact: storage.transact, onFailed: (error) => failures.push(error) },
  );
  const types = () => storage.rows.map((row) => (JSON.parse(row.json) as StreamEvent).event_type);
  return { ...storage, writer, batches, failures, types };
}

describe("EventWriter commits", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes the pending events, then the checkpoint's writes (which see the new head), as one", () => {
    const t = setup();
    t.writer.emit("r", progress(1));
    t.writer.commit(() => t.records.push(`checkpoint at ${t.log.head}`));
    expect(t.types()).toEqual(["progress"]);
    expect(t.records).toEqual(["checkpoint at 1"]);
    expect(t.batches).toHaveLength(1);
  });

  it("commits run_complete with the run's record, and writes nothing of either when the record fails", () => {
    const t = setup();
    t.writer.emit("r", progress(1));
    expect(() =>
      t.writer.emitAndCommit("r", runComplete, () => {
        t.records.push("record");
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(t.rows).toEqual([]);
    expect(t.records).toEqual([]);
    expect(t.batches).toEqual([]);
    expect(t.log.head).toBe(0);

    // The next commit starts from what storage holds: no gap, no id used twice.
    t.writer.emitAndCommit("r", runComplete, () => t.records.push(`record ends at ${t.log.head}`));
    expect(t.types()).toEqual(["run_complete"]);
    expect(t.records).toEqual(["record ends at 1"]);
    expect(t.batches.map((b) => [b.firstId, b.lastId])).toEqual([[1, 1]]);
  });

  it("reports a failed write it started by itself, instead of throwing into a timer", () => {
    const t = setup();
    const append = vi.spyOn(t.log, "append").mockImplementationOnce(() => {
      throw new Error("disk full");
    });
    t.writer.emit("r", progress(1));
    vi.advanceTimersByTime(20);
    expect(t.failures).toMatchObject([{ message: "disk full" }]);
    expect(t.batches).toEqual([]);
    append.mockRestore();
  });
});
