/**
 * Session metadata and run records in the object's SQLite storage. A run record doubles as the
 * run's checkpoint: its state (per-agent status and text) is saved after every agent finishes.
 */
import type { RunRecord } from "../agents/run-record";
import type { Mode, RunState } from "../protocol/events";

type RunRow = {
  run_id: string;
  mode: string;
  status: string;
  message: string;
  options: string;
  started_at: string;
  finished_at: string | null;
  first_event_id: number;
  end_event_id: number | null;
  state: string;
};

function fromRow(row: RunRow): RunRecord {
  const state = JSON.parse(row.state) as Pick<RunRecord, "agents" | "content" | "resumes">;
  return {
    run_id: row.run_id,
    mode: row.mode as Mode,
    status: row.status as RunState,
    message: row.message,
    options: JSON.parse(row.options) as Record<string, unknown>,
    started_at: row.started_at,
    finished_at: row.finished_at,
    first_event_id: row.first_event_id,
    end_event_id: row.end_event_id,
    ...state,
  };
}

export class SessionStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec(`CREATE TABLE IF NOT EXISTS runs (
      run_id TEXT PRIMARY KEY, mode TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL,
      options TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, first_event_id INTEGER NOT NULL,
      end_event_id INTEGER, state TEXT NOT NULL)`);
    sql.exec(
      "CREATE TABLE IF NOT EXISTS turns (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL)",
    );
  }

  /** Appends a conversation turn (Loomi keeps the session's dialogue here). */
  addTurn(runId: string, role: "user" | "assistant", content: string): void {
    this.#sql.exec("INSERT INTO turns (run_id, role, content) VALUES (?, ?, ?)", runId, role, content);
  }

  /** The conversation so far, newest first, as a lazy cursor: a reader that stops early reads no older rows. */
  newestTurns(): Iterable<{ role: "user" | "assistant"; content: string }> {
    return this.#sql.exec<{ role: "user" | "assistant"; content: string }>(
      "SELECT role, content FROM turns ORDER BY seq DESC",
    );
  }

  getMeta(key: string): string | undefined {
    return this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  setMeta(key: string, value: string): void {
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  insertRun(run: RunRecord): void {
    this.#sql.exec(
      "INSERT INTO runs (run_id, mode, status, message, options, started_at, finished_at, first_event_id, end_event_id, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      run.run_id,
      run.mode,
      run.status,
      run.message,
      JSON.stringify(run.options),
      run.started_at,
      run.finished_at,
      run.first_event_id,
      run.end_event_id,
      JSON.stringify({ agents: run.agents, content: run.content, resumes: run.resumes }),
    );
  }

  /** Saves a run's mutable part: status, end and checkpoint state. */
  saveRun(run: RunRecord): void {
    this.#sql.exec(
      "UPDATE runs SET status = ?, finished_at = ?, end_event_id = ?, state = ? WHERE run_id = ?",
      run.status,
      run.finished_at,
      run.end_event_id,
      JSON.stringify({ agents: run.agents, content: run.content, resumes: run.resumes }),
      run.run_id,
    );
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.#sql.exec<RunRow>("SELECT * FROM runs WHERE run_id = ?", runId).toArray()[0];
    return row ? fromRow(row) : undefined;
  }

  /** Every run of the session, oldest first. */
  listRuns(): RunRecord[] {
    return this.#sql.exec<RunRow>("SELECT * FROM runs ORDER BY first_event_id").toArray().map(fromRow);
  }

  /** The run still marked running in storage, if any (after a restart: the one to resume). */
  findUnfinishedRun(): RunRecord | undefined {
    const row = this.#sql.exec<RunRow>("SELECT * FROM runs WHERE status = 'running' LIMIT 1").toArray()[0];
    return row ? fromRow(row) : undefined;
  }
}
