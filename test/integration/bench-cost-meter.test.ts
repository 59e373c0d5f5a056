/**
 * The cost bench's counting parts (docs/cost.md), on real workerd SQLite: the meter counts the
 * statements, rows and alarms an object's storage sees (src/bench/object-meter.ts), and the Agents
 * SDK's row pattern packs ten chunks a row (src/bench/agents-row-pattern.ts). Both are bench-only
 * modules; they run here inside a session object of the test Worker.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agentsRowPattern } from "../../src/bench/agents-row-pattern";
import { meterStorage, readMeter } from "../../src/bench/object-meter";
import { newCounts } from "../../src/bench/rows-written";

const stubOf = (name: string) => env.SESSIONS.get(env.SESSIONS.idFromName(name));

describe("cost meter", () => {
  it("counts the statements, rows written and read, and alarms of an object's storage", async () => {
    await runInDurableObject(stubOf(`meter-${crypto.randomUUID()}`), async (_o, state) => {
      meterStorage(state);
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE bench_meter_t (n INTEGER)");
      sql.exec("INSERT INTO bench_meter_t (n) VALUES (1), (2), (3)");
      sql.exec("SELECT n FROM bench_meter_t").toArray();
      await state.storage.setAlarm(Date.now() + 60_000);
      await Promise.resolve();
      const reading = readMeter(state);
      expect(reading.constructed).toBe(1);
      expect(reading.statements).toBe(3);
      expect(reading.rowsWritten).toBeGreaterThanOrEqual(3);
      expect(reading.rowsRead).toBeGreaterThanOrEqual(3);
      expect(reading.alarmsSet).toBe(1);
      expect(reading.databaseBytes).toBeGreaterThan(0);
      await state.storage.deleteAlarm();
    });
  });

  it("counts each statement once, into the meter and the object's own counts alike", async () => {
    await runInDurableObject(stubOf(`meter-${crypto.randomUUID()}`), async (_o, state) => {
      const own = newCounts();
      meterStorage(state, [own]);
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE bench_meter_once (n INTEGER)");
      sql.exec("INSERT INTO bench_meter_once (n) VALUES (1), (2)");
      await state.storage.put({ a: 1, b: 2 });
      await Promise.resolve();
      const reading = readMeter(state);
      // The KV put's two keys are rows written too (a SQLite-backed object keeps them in a table).
      expect(own.statements).toBe(2);
      expect(own.rowsWritten).toBeGreaterThanOrEqual(4);
      expect({ statements: reading.statements, rowsWritten: reading.rowsWritten }).toEqual({
        statements: own.statements,
        rowsWritten: own.rowsWritten,
      });
      await state.storage.delete(["a", "b"]);
    });
  });
});

describe("the Agents SDK's row pattern", () => {
  it("stores 25 chunks in three rows, with a metadata row and two messages", async () => {
    await runInDurableObject(stubOf(`agents-${crypto.randomUUID()}`), async (_o, state) => {
      const bodies = Array.from({ length: 25 }, (_, i) => JSON.stringify({ type: "text-delta", delta: `t${i} ` }));
      const cost = agentsRowPattern(state.storage.sql, bodies, "the answer");
      const count = (table: string) =>
        state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
      expect(count("cf_ai_chat_stream_chunks")).toBe(3);
      expect(count("cf_ai_chat_stream_metadata")).toBe(1);
      expect(count("cf_ai_chat_agent_messages")).toBe(2);
      const stored = state.storage.sql
        .exec<{ body: string }>("SELECT body FROM cf_ai_chat_stream_chunks ORDER BY chunk_index")
        .toArray()
        .flatMap((row) => JSON.parse(row.body) as string[]);
      expect(stored).toEqual(bodies);
      // Seven statements: user message, metadata, three chunk rows, metadata update, answer.
      expect(cost.statements).toBe(7);
      expect(cost.rowsWritten).toBeGreaterThanOrEqual(7);
      expect(cost.databaseBytesAdded).toBeGreaterThanOrEqual(0);
    });
  });
});
