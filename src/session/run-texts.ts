/**
 * Runs' texts in the object's SQLite storage, in bounded chunks: table `run_text` (run_id, part,
 * seq, chunk), where a part is an agent's text or the run's content. The run record keeps only
 * statuses and lengths, so no row grows with an answer (SQLite refuses a value over 2 MB here).
 * A part is rewritten only when its text changed since it was last stored or read here.
 */
import { splitText } from "./split-text";

/**
 * Most UTF-16 code units in one stored chunk: at most 768 KiB of UTF-8 (3 bytes a unit at worst),
 * inside the 2 MB row limit, and few rows for a long answer (a 5 MB text is 20).
 */
export const TEXT_CHUNK_CHARS = 256 * 1024;

/** The part that holds a run's content when it is not simply one agent's text (agent names never start with `#`). */
export const CONTENT_PART = "#content";

export class RunTexts {
  #sql: SqlStorage;
  /** Per run, each part's text as storage has it (absent: empty); runs not here are unknown. */
  #stored = new Map<string, Map<string, string>>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS run_text (
      run_id TEXT NOT NULL, part TEXT NOT NULL, seq INTEGER NOT NULL, chunk TEXT NOT NULL,
      PRIMARY KEY (run_id, part, seq))`);
  }

  /** A new run: nothing of it is stored yet. */
  started(runId: string): void {
    this.#stored.set(runId, new Map());
  }

  /**
   * Writes the parts of `runId` that differ from what is stored (an empty text: no rows). Call it
   * last in its transaction: what it remembers as stored is only true once that commits (after a
   * failed commit the session restarts its object, so nothing remembered outlives a rollback).
   */
  save(runId: string, parts: Record<string, string>, done: boolean): void {
    const known = this.#stored.get(runId);
    if (!known) this.#sql.exec("DELETE FROM run_text WHERE run_id = ?", runId);
    const stored = known ?? new Map<string, string>();
    for (const part of new Set([...stored.keys(), ...Object.keys(parts)])) {
      const text = parts[part] ?? "";
      if (known && (stored.get(part) ?? "") === text) continue;
      if (known) this.#sql.exec("DELETE FROM run_text WHERE run_id = ? AND part = ?", runId, part);
      splitText(text, TEXT_CHUNK_CHARS).forEach((chunk, seq) => {
        this.#sql.exec("INSERT INTO run_text (run_id, part, seq, chunk) VALUES (?, ?, ?, ?)", runId, part, seq, chunk);
      });
      stored.set(part, text);
    }
    // A finished run is not saved again: nothing to remember.
    if (done) this.#stored.delete(runId);
    else this.#stored.set(runId, stored);
  }

  /** Every stored part of `runId`, whole; `remember` when the run will be saved again (a resumed run). */
  load(runId: string, remember = false): Record<string, string> {
    const parts: Record<string, string> = {};
    const rows = this.#sql.exec<{ part: string; chunk: string }>(
      "SELECT part, chunk FROM run_text WHERE run_id = ? ORDER BY part, seq",
      runId,
    );
    for (const { part, chunk } of rows) parts[part] = (parts[part] ?? "") + chunk;
    if (remember) this.#stored.set(runId, new Map(Object.entries(parts)));
    return parts;
  }
}
