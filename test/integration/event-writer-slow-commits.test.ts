import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EventDraft, StreamEvent } from "../../src/protocol/events";
import { EventLog } from "../../src/session/event-log";
import { EventWriter, type FlushedBatch } from "../../src/session/event-writer";
import type { SessionObject } from "../../src/session/session-object";

const EVENTS = 4_000;
const CAP = 64;

const draft = (i: number): EventDraft => ({
  event_type: "llm_chunk",
  agent_source: "x",
  payload: { content: `w${i} `, content_type: "text", is_complete: false },
});

/** Keeps the object's thread busy `ms` (as a local commit's fsync does), bounded in spins. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  for (let spins = 0; Date.now() < until && spins < 50_000_000; spins++);
}

/**
 * A producer emitting one event per event-loop turn through the real writer into the object's
 * SQLite log, each commit slowed by `commitMs`. Returns the batches readers were handed and the
 * log's rows.
 */
async function produce(name: string, commitMs: number) {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  const stub = namespace.get(namespace.idFromName(name));
  return runInDurableObject(stub, async (_object, state) => {
    const log = new EventLog(state.storage.sql);
    const batches: FlushedBatch[] = [];
    const options = { chunkWindowMs: 0, chunkMaxMs: 500, chunkMaxChars: 4096, writeBatchMaxEvents: CAP };
    const writer = new EventWriter(log, options, (b) => batches.push(b), Date.now, {
      transact: (fn) => {
        const out = state.storage.transactionSync(fn);
        busy(commitMs);
        return out;
      },
    });
    for (let i = 1; i <= EVENTS; i++) {
      writer.emit("run", draft(i));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    writer.close();
    return { batches, rows: log.readAfter(0, EVENTS + 1) };
  });
}

describe("EventWriter on the object's storage with slow commits", () => {
  it("hands readers every event once, in order, in fewer and larger batches than the cap", async () => {
    const { batches, rows } = await produce("slow-commits", 15);
    // Readers get contiguous batches covering the log exactly: every id once, in order.
    const delivered = batches.flatMap((b) => b.jsons.map((json) => (JSON.parse(json) as StreamEvent).id));
    expect(delivered).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    expect(rows.map((r) => r.json)).toEqual(batches.flatMap((b) => b.jsons));
    const contents = rows.map((r) => (JSON.parse(r.json) as StreamEvent<"llm_chunk">).payload.content);
    expect(contents).toEqual(Array.from({ length: EVENTS }, (_, i) => `w${i + 1} `));
    // Each commit costs more than the 10 ms write window: a batch grows past the cap meanwhile.
    expect(Math.max(...batches.map((b) => b.jsons.length))).toBeGreaterThan(CAP);
    expect(batches.length).toBeLessThan(EVENTS / CAP);
  });
});
