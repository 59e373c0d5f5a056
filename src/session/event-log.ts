/**
 * The session's append-only event log in the Durable Object's SQLite storage. Each row keeps the
 * exact JSON delivered live, so a replay is byte-for-byte what a live reader received.
 */
import { DEFAULTS } from "../env";
import type { EventType } from "../protocol/events";
import { encodeEventFrame } from "../protocol/sse";
import { ISOLATE_FRAME_CACHE } from "./frame-cache";

/** One stored event: its id and its JSON text. */
export interface LogRow {
  id: number;
  json: string;
}

/** A page of SSE frames and the id of its last event. */
export interface FramesPage {
  frames: Uint8Array;
  lastId: number;
}

/** A row about to be appended. */
export interface NewLogRow extends LogRow {
  runId: string;
  type: EventType;
}

/** Rows read per storage page while replaying, unless configured (Config.replayPageRows). */
export const REPLAY_PAGE_ROWS = DEFAULTS.replayPageRows;

/**
 * encodeEventFrame (src/protocol/sse.ts) as an SQLite expression over a row's `id` and `json`,
 * so storage builds a replay page as one value instead of handing over one row per event (the
 * per-row hand-over was most of a replay's cost). test/integration/event-log.test.ts holds the
 * two to the same bytes.
 */
const FRAME_SQL = "'id: ' || id || '\ndata: ' || json || '\n\n'";
// A range scan of the integer primary key visits rows in id order and group_concat keeps the
// order it is fed; ids are dense (append refuses gaps), so an id range is a page.
const READ_FRAMES_SQL = `SELECT CAST(group_concat(${FRAME_SQL}, '') AS BLOB) AS frames FROM events WHERE id > ? AND id <= ?`;

/**
 * Rows appended by one statement, as bound values: Durable Object SQLite binds at most 100
 * parameters a statement (developers.cloudflare.com/durable-objects/platform/limits/), four a row.
 */
const APPEND_ROWS = 25;
/** The INSERT of `n` rows, for n = 0..APPEND_ROWS, built once. */
const APPEND_SQL = Array.from(
  { length: APPEND_ROWS + 1 },
  (_, n) => `INSERT INTO events (id, run_id, type, json) VALUES ${Array(n).fill("(?, ?, ?, ?)").join(", ")}`,
);

const encoder = new TextEncoder();

export class EventLog {
  #sql: SqlStorage;
  #head: number;
  #keptBytes: number;
  /** This log's owner number in the isolate's page cache. */
  #owner = ISOLATE_FRAME_CACHE.newOwner();

  /** `keptBytes`: most bytes of replay pages the isolate keeps in memory (Config.replayKeptBytes; frame-cache.ts). */
  constructor(sql: SqlStorage, keptBytes = DEFAULTS.replayKeptBytes) {
    this.#sql = sql;
    this.#keptBytes = keptBytes;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL)",
    );
    this.#head = 0;
    this.reloadHead();
  }

  /** Id of the newest stored event; 0 when the log is empty. */
  get head(): number {
    return this.#head;
  }

  /** Reads the head from storage again: after a transaction that appended was rolled back. */
  reloadHead(): void {
    const row = this.#sql.exec<{ head: number | null }>("SELECT MAX(id) AS head FROM events").one();
    this.#head = row.head ?? 0;
  }

  /**
   * Appends rows whose ids continue the log without a gap. A batch over one group is several
   * statements: the caller's transaction (event-writer.ts) makes them commit as one.
   */
  append(rows: readonly NewLogRow[]): void {
    for (let i = 0; i < rows.length; i++) {
      const expected = this.#head + 1 + i;
      if (rows[i].id !== expected) throw new Error(`event log gap: expected id ${expected}, got ${rows[i].id}`);
    }
    // One statement per group of rows instead of one per row: the per-statement cost was a third
    // of a fast producer's time per event. Bound values, not a JSON array of the rows: that array
    // escaped every event's JSON again, garbage of about the batch's size (docs/performance.md).
    const values: (string | number)[] = [];
    for (let start = 0; start < rows.length; start += APPEND_ROWS) {
      const end = Math.min(rows.length, start + APPEND_ROWS);
      values.length = 0;
      for (let i = start; i < end; i++) {
        const row = rows[i];
        values.push(row.id, row.runId, row.type, row.json);
      }
      this.#sql.exec(APPEND_SQL[end - start], ...values);
      this.#head = rows[end - 1].id;
    }
  }

  /** Up to `limit` rows with id greater than `afterId` and at most `untilId`, in order. */
  readAfter(afterId: number, limit = REPLAY_PAGE_ROWS, untilId = this.#head): LogRow[] {
    const cursor = this.#sql.exec<{ id: number; json: string }>(
      "SELECT id, json FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
      afterId,
      untilId,
      limit,
    );
    // raw() hands over plain arrays: about half the cost of toArray()'s named-column objects.
    const rows: LogRow[] = [];
    for (const [id, json] of cursor.raw<[number, string]>()) rows.push({ id, json });
    return rows;
  }

  /**
   * The SSE frames of the events after `afterId`, at most `limit` of them and none past `untilId`,
   * as one byte array, with the id of the last one. With `keep`, pages are aligned to multiples
   * of `limit` (a resume point between two ends at the next multiple) and whole ones are kept in
   * memory for the next reader (frame-cache.ts).
   */
  readFrames(afterId: number, limit = REPLAY_PAGE_ROWS, untilId = this.#head, keep = false): FramesPage {
    if (!keep) return this.#buildFrames(afterId, Math.min(untilId, afterId + limit));
    const lastId = Math.min(untilId, (Math.floor(afterId / limit) + 1) * limit);
    const whole = afterId % limit === 0 && lastId === afterId + limit;
    const kept = whole ? ISOLATE_FRAME_CACHE.get(this.#owner, afterId, limit) : undefined;
    if (kept) return { frames: kept, lastId };
    const page = this.#buildFrames(afterId, lastId);
    if (whole) ISOLATE_FRAME_CACHE.put(this.#owner, afterId, limit, page.frames, this.#keptBytes);
    return page;
  }

  #buildFrames(afterId: number, lastId: number): FramesPage {
    try {
      const { frames } = this.#sql.exec<{ frames: ArrayBuffer | null }>(READ_FRAMES_SQL, afterId, lastId).one();
      return { frames: new Uint8Array(frames ?? new ArrayBuffer(0)), lastId };
    } catch (error) {
      // A page of very large events can exceed SQLite's value size: build that one here instead.
      if (!/TOOBIG|too big/i.test(String(error))) throw error;
      let text = "";
      for (const row of this.readAfter(afterId, lastId - afterId, lastId)) text += encodeEventFrame(row.id, row.json);
      return { frames: encoder.encode(text), lastId };
    }
  }

  /** Every event of one run, in order (for tests, snapshots and recovery). */
  readRun(runId: string): LogRow[] {
    return this.#sql
      .exec<{ id: number; json: string }>("SELECT id, json FROM events WHERE run_id = ? ORDER BY id", runId)
      .toArray();
  }
}
