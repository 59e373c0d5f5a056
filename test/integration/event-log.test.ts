import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { encodeEventFrame } from "../../src/protocol/sse";
import { EventLog, type NewLogRow } from "../../src/session/event-log";
import type { SessionObject } from "../../src/session/session-object";

/** A fresh object's storage to run the log on directly. */
function objectNamed(name: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(name));
}

function rowsOf(contents: string[]): NewLogRow[] {
  return contents.map((content, i) => ({
    id: i + 1,
    runId: "run",
    type: "llm_chunk",
    json: JSON.stringify({ id: i + 1, payload: { content } }),
  }));
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Reads the whole log after `after` page by page, as a reader does. */
function readAllFrames(log: EventLog, after: number, limit: number): string {
  let text = "";
  let cursor = after;
  while (cursor < log.head) {
    const page = log.readFrames(cursor, limit);
    expect(page.lastId).toBe(Math.min(log.head, cursor + limit));
    text += decode(page.frames);
    cursor = page.lastId;
  }
  return text;
}

describe("EventLog.append", () => {
  it("stores each row's id, run and JSON exactly, in one batch, and refuses a gap", async () => {
    await runInDurableObject(objectNamed("event-log-append"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      const rows = rowsOf(["a", 'quote " and \\ backslash', "ünïcødé 🚀", "x".repeat(600_000), "z"]);
      rows[1].runId = "other";
      log.append(rows);
      expect(log.head).toBe(5);
      expect(log.readAfter(0).map((r) => r.json)).toEqual(rows.map((r) => r.json));
      expect(log.readRun("other").map((r) => r.id)).toEqual([2]);
      expect(() => log.append(rowsOf(["gap"]).map((r) => ({ ...r, id: 7 })))).toThrow(/gap/);
      expect(log.head).toBe(5);
      // A fresh log over the same storage finds the same head.
      expect(new EventLog(state.storage.sql).head).toBe(5);
    });
  });
});

describe("EventLog.append in groups of statements", () => {
  it("stores a batch of several statements' rows, a partial group last, exactly and in order", async () => {
    await runInDurableObject(objectNamed("event-log-append-groups"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      const rows = rowsOf(Array.from({ length: 61 }, (_, i) => `event ${i} ü 🚀 "${"\\".repeat(i % 3)}"`));
      rows[30].runId = "other";
      log.append(rows.slice(0, 1));
      log.append(rows.slice(1));
      expect(log.head).toBe(61);
      expect(log.readAfter(0, 100)).toEqual(rows.map(({ id, json }) => ({ id, json })));
      expect(log.readRun("other").map((r) => r.id)).toEqual([31]);
      const types = state.storage.sql.exec<{ type: string }>("SELECT DISTINCT type FROM events").toArray();
      expect(types).toEqual([{ type: "llm_chunk" }]);
    });
  });
});

describe("EventLog.append: the stored text is the event's JSON exactly", () => {
  it("keeps every escape, number and character as JSON.stringify wrote it", async () => {
    await runInDurableObject(objectNamed("event-log-exact"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      const payloads = [
        { content: "control \u0000 \u001f tab\t newline\n return\r" },
        { content: "separators \u2028 \u2029 and a lone surrogate \ud800 and \udfff" },
        { content: "slash / backslash \\ quote \" apostrophe ' <script>" },
        { numbers: [0, -0, 0.1, 1e21, 1e-7, -123456789012, 2 ** 53] },
        { nested: { a: [true, false, null], b: "" }, empty: [], obj: {} },
        { content: "ünïcødé 🚀 中文 العربية" },
      ];
      const rows = payloads.map((payload, i) => ({
        id: i + 1,
        runId: 'run "quoted"',
        type: "llm_chunk" as const,
        json: JSON.stringify({ id: i + 1, payload }),
      }));
      log.append(rows);
      expect(log.readAfter(0).map((r) => r.json)).toEqual(rows.map((r) => r.json));
      expect(log.readRun('run "quoted"').map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });
});

describe("EventLog.readFrames: replay pages built by storage", () => {
  it("gives exactly encodeEventFrame's bytes from every resume point and page size", async () => {
    await runInDurableObject(objectNamed("event-log-frames"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      const rows = rowsOf([
        "plain words ",
        "ünïcødé ✓ 🚀 — 漢字",
        'quote " backslash \\ newline \n return \r tab \t',
        "",
        "x".repeat(5000),
        "id: 99\ndata: not a frame\n\n",
      ]);
      log.append(rows);
      const frames = rows.map((row) => encodeEventFrame(row.id, row.json));
      for (const limit of [1, 2, 4, 256]) {
        for (let after = 0; after < rows.length; after++) {
          expect(readAllFrames(log, after, limit)).toBe(frames.slice(after).join(""));
        }
      }
      // Bounded by untilId as well as by the limit.
      const page = log.readFrames(1, 256, 3);
      expect(page.lastId).toBe(3);
      expect(decode(page.frames)).toBe(frames.slice(1, 3).join(""));
    });
  });

  it("builds a page too large for one SQLite value in the Worker instead, with the same bytes", async () => {
    await runInDurableObject(objectNamed("event-log-large"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      // Two 1.5 MB events: each fits in a row, together they exceed SQLite's 2 MB value limit here.
      const rows = rowsOf(["a".repeat(1_500_000), "b".repeat(1_500_000)]);
      log.append(rows);
      const fallback = vi.spyOn(log, "readAfter");
      const page = log.readFrames(0, 256);
      expect(fallback).toHaveBeenCalledTimes(1);
      expect(page.lastId).toBe(2);
      expect(decode(page.frames)).toBe(rows.map((row) => encodeEventFrame(row.id, row.json)).join(""));
    });
  });
});

describe("EventLog.readFrames with keep: whole pages kept for the next reader", () => {
  /** Reads the whole log after `after` with keep, checking each page ends at a multiple of `limit` or the head. */
  function readKept(log: EventLog, after: number, limit: number): string {
    let text = "";
    let cursor = after;
    while (cursor < log.head) {
      const page = log.readFrames(cursor, limit, log.head, true);
      expect(page.lastId).toBe(Math.min(log.head, (Math.floor(cursor / limit) + 1) * limit));
      text += decode(page.frames);
      cursor = page.lastId;
    }
    return text;
  }

  it("gives the same bytes from every resume point, and serves whole pages from memory afterwards", async () => {
    await runInDurableObject(objectNamed("event-log-kept"), (_object, state) => {
      const log = new EventLog(state.storage.sql);
      const rows = rowsOf(Array.from({ length: 11 }, (_, i) => `chunk ${i} ✓`));
      log.append(rows);
      const frames = rows.map((row) => encodeEventFrame(row.id, row.json));
      for (let after = 0; after < rows.length; after++) {
        expect(readKept(log, after, 4)).toBe(frames.slice(after).join(""));
      }
      // The rows go from storage: the two whole pages (ids 1-4 and 5-8) still come from memory,
      // the partial last page (9-11) was never kept and is now empty.
      state.storage.sql.exec("DELETE FROM events");
      expect(decode(log.readFrames(0, 4, 11, true).frames)).toBe(frames.slice(0, 4).join(""));
      expect(decode(log.readFrames(4, 4, 11, true).frames)).toBe(frames.slice(4, 8).join(""));
      expect(decode(log.readFrames(8, 4, 11, true).frames)).toBe("");
      // Without keep, storage is asked as before.
      expect(decode(log.readFrames(0, 4, 11).frames)).toBe("");
    });
  });

  it("keeps nothing with REPLAY_KEPT_BYTES=0 (the naive design's setting)", async () => {
    await runInDurableObject(objectNamed("event-log-kept-none"), (_object, state) => {
      const log = new EventLog(state.storage.sql, 0);
      log.append(rowsOf(["a", "b", "c", "d"]));
      expect(decode(log.readFrames(0, 2, 4, true).frames)).toContain("id: 2\n");
      state.storage.sql.exec("DELETE FROM events");
      expect(decode(log.readFrames(0, 2, 4, true).frames)).toBe("");
    });
  });
});
