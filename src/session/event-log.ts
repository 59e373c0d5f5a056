/**
 * The session's append-only event log in the Durable Object's SQLite storage. Each row keeps the
 * exact JSON delivered live, so a replay is byte-for-byte what a live reader received.
 */
import type { EventType } from "../protocol/events";

/** One stored event: its id and its JSON text. */
export interface LogRow {
  id: number;
  json: string;
}

/** A row about to be appended. */
export interface NewLogRow extends LogRow {
  runId: string;
  type: EventType;
}

/** Rows read per storage page while replaying. */
export const REPLAY_PAGE_ROWS = 256;

export class EventLog {
  #sql: SqlStorage;
  #head: number;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL)",
    );
    const row = sql.exec<{ head: number | null }>("SELECT MAX(id) AS head FROM events").one();
    this.#head = row.head ?? 0;
  }

  /** Id of the newest stored event; 0 when the log is empty. */
  get head(): number {
    return this.#head;
  }

  /** Appends rows whose ids continue the log without a gap. Runs synchronously, so the batch commits as one. */
  append(rows: readonly NewLogRow[]): void {
    for (const row of rows) {
      if (row.id !== this.#head + 1) throw new Error(`event log gap: expected id ${this.#head + 1}, got ${row.id}`);
      this.#sql.exec(
        "INSERT INTO events (id, run_id, type, json) VALUES (?, ?, ?, ?)",
        row.id,
        row.runId,
        row.type,
        row.json,
      );
      this.#head = row.id;
    }
  }

  /** Up to `limit` rows with id greater than `afterId` and at most `untilId`, in order. */
  readAfter(afterId: number, limit = REPLAY_PAGE_ROWS, untilId = this.#head): LogRow[] {
    return this.#sql
      .exec<{ id: number; json: string }>(
        "SELECT id, json FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
        afterId,
        untilId,
        limit,
      )
      .toArray();
  }

  /** Every event of one run, in order (for tests, snapshots and recovery). */
  readRun(runId: string): LogRow[] {
    return this.#sql
      .exec<{ id: number; json: string }>("SELECT id, json FROM events WHERE run_id = ? ORDER BY id", runId)
      .toArray();
  }
}
