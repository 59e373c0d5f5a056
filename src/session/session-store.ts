/**
 * Session metadata, run records and the conversation in the object's SQLite storage. A run record
 * doubles as the run's checkpoint: its state (per-agent status, and the resume count) is saved
 * after every agent finishes. Texts are kept apart in bounded chunks (run-texts.ts; turns are
 * cut the same way), so no row grows with an answer.
 */
import { type AgentState, hasEnded, type RunRecord } from "../agents/run-record";
import type { Mode, RunState } from "../protocol/events";
import { CONTENT_PART, RunTexts, TEXT_CHUNK_CHARS } from "./run-texts";
import { splitText } from "./split-text";

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

/** `runs.state`: bounded by the number of agents. (`text` and `content` are only in rows written before texts moved out.) */
type StoredState = {
  agents: Record<
    string,
    Omit<AgentState, "text" | "revision"> & { chars?: number; text?: string; revision?: { feedback: string } }
  >;
  resumes: number;
  /** The content is this agent's text (stored once, as that agent's part). */
  content_of?: string;
  content?: string;
  /** Who started the run (absent in runs stored before sessions were shared: the owner). */
  started_by?: string;
} & Pick<RunRecord, "wait" | "reviewed" | "messages">;

type Turn = { role: "user" | "assistant"; content: string };

export class SessionStore {
  #sql: SqlStorage;
  #texts: RunTexts;

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
    this.#texts = new RunTexts(sql);
  }

  /** Appends a conversation turn (Loomi keeps the session's dialogue here), one row per chunk of it. */
  addTurn(runId: string, role: Turn["role"], content: string): void {
    for (const chunk of splitText(content, TEXT_CHUNK_CHARS)) {
      this.#sql.exec("INSERT INTO turns (run_id, role, content) VALUES (?, ?, ?)", runId, role, chunk);
    }
  }

  /**
   * The conversation so far, newest first, as a lazy cursor (a reader that stops early reads no
   * older rows): consecutive rows of one run and role are the chunks of one turn.
   */
  *newestTurns(): Generator<Turn> {
    let current: (Turn & { runId: string }) | undefined;
    const rows = this.#sql.exec<Turn & { run_id: string }>("SELECT run_id, role, content FROM turns ORDER BY seq DESC");
    for (const { run_id, role, content } of rows) {
      if (current && current.runId === run_id && current.role === role) {
        current.content = content + current.content;
        continue;
      }
      if (current) yield { role: current.role, content: current.content };
      current = { runId: run_id, role, content };
    }
    if (current) yield { role: current.role, content: current.content };
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
      JSON.stringify(storedState(run)),
    );
    this.#texts.started(run.run_id);
    this.#saveTexts(run);
  }

  /** Saves a run's mutable part: status, end and checkpoint state, and the texts that changed. */
  saveRun(run: RunRecord): void {
    this.#sql.exec(
      "UPDATE runs SET status = ?, finished_at = ?, end_event_id = ?, state = ? WHERE run_id = ?",
      run.status,
      run.finished_at,
      run.end_event_id,
      JSON.stringify(storedState(run)),
      run.run_id,
    );
    this.#saveTexts(run);
  }

  /**
   * A running agent's partial text is not stored mid-run: a resume discards it anyway. Its final
   * text is, and at the run's end every agent's text as it stands (a cancelled run's partials).
   */
  #saveTexts(run: RunRecord): void {
    const done = hasEnded(run);
    const parts: Record<string, string> = {};
    for (const [name, agent] of Object.entries(run.agents)) {
      parts[name] = done || agent.status !== "running" ? agent.text : "";
      if (agent.revision) parts[previousPart(name)] = agent.revision.previous;
    }
    if (contentOf(run) === undefined) parts[CONTENT_PART] = run.content;
    this.#texts.save(run.run_id, parts, done);
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.#sql.exec<RunRow>("SELECT * FROM runs WHERE run_id = ?", runId).toArray()[0];
    return row ? this.#fromRow(row) : undefined;
  }

  /** Every run of the session, oldest first. */
  listRuns(): RunRecord[] {
    const rows = this.#sql.exec<RunRow>("SELECT * FROM runs ORDER BY first_event_id").toArray();
    return rows.map((row) => this.#fromRow(row));
  }

  /** The run still marked running in storage, if any (after a restart: the one to resume and save again). */
  findUnfinishedRun(): RunRecord | undefined {
    const row = this.#sql.exec<RunRow>("SELECT * FROM runs WHERE status = 'running' LIMIT 1").toArray()[0];
    return row ? this.#fromRow(row, true) : undefined;
  }

  /** The run paused for a review, if any (remembered: it is saved again when answered or timed out). */
  findWaitingRun(): RunRecord | undefined {
    const row = this.#sql.exec<RunRow>("SELECT * FROM runs WHERE status = 'awaiting_input' LIMIT 1").toArray()[0];
    return row ? this.#fromRow(row, true) : undefined;
  }

  #fromRow(row: RunRow, remember = false): RunRecord {
    const state = JSON.parse(row.state) as StoredState;
    const texts = this.#texts.load(row.run_id, remember);
    const agents: Record<string, AgentState> = {};
    for (const [name, { text, chars: _chars, revision, ...rest }] of Object.entries(state.agents)) {
      agents[name] = { ...rest, text: texts[name] ?? text ?? "" };
      if (revision) agents[name].revision = { feedback: revision.feedback, previous: texts[previousPart(name)] ?? "" };
    }
    const content = state.content_of === undefined ? texts[CONTENT_PART] : agents[state.content_of]?.text;
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
      agents,
      content: content ?? state.content ?? "",
      resumes: state.resumes,
      ...(state.started_by === undefined ? {} : { started_by: state.started_by }),
      ...(state.wait ? { wait: state.wait } : {}),
      ...(state.reviewed ? { reviewed: state.reviewed } : {}),
      ...(state.messages ? { messages: state.messages } : {}),
    };
  }
}

/** The stored part of the answer an agent revises: stored apart like texts (agent names hold no `#`). */
const previousPart = (agent: string) => `${agent}#previous`;

/** The agent whose text the run's content is, if it is one agent's stored text (Nova3's optimizer, a Loomi reply). */
function contentOf(run: RunRecord): string | undefined {
  if (run.content === "") return undefined;
  const done = hasEnded(run);
  return Object.entries(run.agents).find(
    ([, agent]) => (done || agent.status !== "running") && agent.text === run.content,
  )?.[0];
}

function storedState(run: RunRecord): StoredState {
  const agents: StoredState["agents"] = {};
  // Everything but the text (stored apart, in chunks): status, model, token counts, retries.
  for (const [name, { text, revision, ...rest }] of Object.entries(run.agents)) {
    agents[name] = { ...rest, chars: text.length, ...(revision ? { revision: { feedback: revision.feedback } } : {}) };
  }
  const { wait, reviewed, messages } = run;
  const state: StoredState = { agents, resumes: run.resumes, wait, reviewed, messages };
  const of = contentOf(run);
  if (of !== undefined) state.content_of = of;
  if (run.started_by !== undefined) state.started_by = run.started_by;
  return state;
}
