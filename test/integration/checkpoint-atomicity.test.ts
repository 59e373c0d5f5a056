/**
 * A checkpoint commits as one: a run's terminal event with its record, an agent's `agent_complete`
 * with the checkpoint that marks it completed, a resume's `interrupted` errors with the resume
 * count. A Session is driven directly over the object's SQLite storage with one SQL statement
 * made to fail once (as a full disk would); afterwards storage holds both halves or neither, and
 * the next instance (the "next wake") carries the run to one clean end.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { RunContext } from "../../src/agents/run-context";
import { loadConfig } from "../../src/env";
import { DemoModel } from "../../src/llm/demo-model";
import { ERROR_TYPES, EVENT_TYPES, MODES, type RunStatus, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { Session, type SessionHost } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";

type Statement = (query: string, bindings: unknown[]) => boolean;

/** `sql` whose first statement matching `fails` throws instead of running. */
function failingOnce(sql: SqlStorage, fails: Statement): SqlStorage {
  let armed = true;
  const exec = (query: string, ...bindings: unknown[]) => {
    if (armed && fails(query, bindings)) {
      armed = false;
      throw new Error("SQLITE_FULL: database or disk is full (injected)");
    }
    return sql.exec(query, ...bindings);
  };
  return new Proxy(sql, { get: (target, key) => (key === "exec" ? exec : Reflect.get(target, key)) });
}

/** The run record's UPDATE: bindings are status, finished_at, end_event_id, state, run_id. */
const savesRun = (query: string) => query.startsWith("UPDATE runs");
const stateOf = (bindings: unknown[]) =>
  JSON.parse(String(bindings[3])) as { agents: Record<string, { status: string }>; resumes: number };

function hostOn(
  state: DurableObjectState,
  sql: SqlStorage,
  restarts: string[],
  llm = new DemoModel(0, 12),
): SessionHost {
  return {
    sql,
    transactionSync: (fn) => state.storage.transactionSync(fn),
    config: loadConfig(env),
    llm,
    setAlarm: () => {},
    deleteAll: async () => {},
    sockets: () => [],
    restart: async (reason) => {
      restarts.push(reason);
    },
  };
}

const START = { sessionId: "s", userId: "u", mode: MODES.LOOMI, message: "Hello there", options: {}, create: true };

function loggedEvents(state: DurableObjectState): StreamEvent[] {
  return state.storage.sql
    .exec<{ json: string }>("SELECT json FROM events ORDER BY id")
    .toArray()
    .map((row) => JSON.parse(row.json) as StreamEvent);
}

function storedRun(state: DurableObjectState) {
  return state.storage.sql
    .exec<{ status: string; end_event_id: number | null; concierge: string | null; resumes: number }>(
      "SELECT status, end_event_id, json_extract(state, '$.agents.loomi_concierge.status') AS concierge, json_extract(state, '$.resumes') AS resumes FROM runs",
    )
    .one();
}

const ofType = (events: StreamEvent[], type: StreamEvent["event_type"]) => events.filter((e) => e.event_type === type);

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Wakes a new instance on the same storage and waits for it to finish the run it resumed. */
async function nextWake(state: DurableObjectState): Promise<StreamEvent[]> {
  const session = new Session(hostOn(state, state.storage.sql, []));
  await until(
    () => session.snapshot("u").ok && (session.snapshot("u") as { status: string }).status === "idle",
    "idle",
  );
  return loggedEvents(state);
}

/** What every finished run must show: one clean end, agreed on by the log and the record. */
function expectOneCleanEnd(state: DurableObjectState, events: StreamEvent[]): void {
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  const ends = ofType(events, EVENT_TYPES.RUN_COMPLETE) as StreamEvent<"run_complete">[];
  expect(ends).toHaveLength(1);
  expect(ends[0].payload.status).toBe("completed");
  expect(ends[0].id).toBe(events.length);
  expect(storedRun(state)).toMatchObject({ status: "completed", end_event_id: ends[0].id, concierge: "completed" });
  expect(ofType(events, EVENT_TYPES.AGENT_COMPLETE)).toHaveLength(1);
  expect(findIntegrityMismatches(events)).toEqual([]);
  expect(ends[0].payload.content).toBe(reconstructTexts(events).loomi_concierge);
  const turns = state.storage.sql.exec<{ role: string }>("SELECT role FROM turns ORDER BY seq").toArray();
  expect(turns.map((t) => t.role)).toEqual(["user", "assistant"]);
}

function objectStub(): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.newUniqueId());
}

it("commits run_complete with the run's record: when the record cannot be saved, neither is stored", async () => {
  await runInDurableObject(objectStub(), async (_object, state) => {
    const restarts: string[] = [];
    const sql = failingOnce(state.storage.sql, (query, bindings) => savesRun(query) && bindings[0] === "completed");
    const session = new Session(hostOn(state, sql, restarts));
    expect(session.startRun(START).ok).toBe(true);
    await until(
      () => restarts.length > 0 || (session.snapshot("u") as { status?: string }).status === "idle",
      "the run to end or the object to restart",
    );

    // The failed commit left the log and the record as they were before it, and the object restarts.
    const before = loggedEvents(state);
    expect(ofType(before, EVENT_TYPES.RUN_COMPLETE)).toEqual([]);
    expect(storedRun(state)).toMatchObject({ status: "running", end_event_id: null, concierge: "completed" });
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/SQLITE_FULL/);

    // The next wake resumes the run, redoes nothing (the agent completed), and ends it once.
    const events = await nextWake(state);
    expect(events.slice(0, before.length)).toEqual(before);
    expectOneCleanEnd(state, events);
    expect(ofType(events, EVENT_TYPES.ERROR)).toEqual([]);
  });
});

it("commits agent_complete with the checkpoint that marks the agent completed", async () => {
  await runInDurableObject(objectStub(), async (_object, state) => {
    const restarts: string[] = [];
    const sql = failingOnce(
      state.storage.sql,
      (query, bindings) =>
        savesRun(query) &&
        bindings[0] === "running" &&
        stateOf(bindings).agents.loomi_concierge?.status === "completed",
    );
    // Paced (5 ms a token), so the agent's start and some of its text are logged before it completes.
    const session = new Session(hostOn(state, sql, restarts, new DemoModel(5, 12)));
    expect(session.startRun(START).ok).toBe(true);
    await until(
      () => restarts.length > 0 || (session.snapshot("u") as { status?: string }).status === "idle",
      "the run to end or the object to restart",
    );

    // Neither the event nor the checkpoint is stored; the run is not failed for a storage error.
    const before = loggedEvents(state);
    expect(reconstructTexts(before).loomi_concierge?.length).toBeGreaterThan(0);
    expect(ofType(before, EVENT_TYPES.AGENT_COMPLETE)).toEqual([]);
    expect(ofType(before, EVENT_TYPES.RUN_COMPLETE)).toEqual([]);
    expect(ofType(before, EVENT_TYPES.ERROR)).toEqual([]);
    expect(storedRun(state)).toMatchObject({ status: "running", concierge: null });
    expect(restarts).toHaveLength(1);

    // The next wake treats the agent as cut off: its logged text is discarded and it runs again.
    const events = await nextWake(state);
    expectOneCleanEnd(state, events);
    const errors = ofType(events, EVENT_TYPES.ERROR) as StreamEvent<"error">[];
    expect(errors.map((e) => e.payload.error_type)).toEqual([ERROR_TYPES.INTERRUPTED]);
    expect(errors[0].payload.discarded_chars).toBe(reconstructTexts(before).loomi_concierge.length);
  });
});

it("commits a resume's interrupted errors with its resume count", async () => {
  await runInDurableObject(objectStub(), async (_object, state) => {
    // A first instance logs an agent's start and some text, then dies mid-answer (never finishes).
    const first = new Session(hostOn(state, state.storage.sql, []));
    const cutOff = (ctx: RunContext) => {
      ctx.emit({
        event_type: EVENT_TYPES.AGENT_START,
        agent_source: "loomi_concierge",
        payload: { status: "started", task_description: "t", model: "demo" },
      });
      ctx.emit({
        event_type: EVENT_TYPES.LLM_CHUNK,
        agent_source: "loomi_concierge",
        payload: { content: "half an answ", content_type: "text", is_complete: false },
      });
      ctx.checkpoint();
      return new Promise<{ status: RunStatus; content: string }>(() => {});
    };
    expect(first.startRun(START, cutOff).ok).toBe(true);
    const before = loggedEvents(state);

    // The next instance's resume cannot save the record: nothing of the resume is stored.
    const sql = failingOnce(state.storage.sql, (query, bindings) => savesRun(query) && stateOf(bindings).resumes === 1);
    expect(() => new Session(hostOn(state, sql, []))).toThrow(/SQLITE_FULL/);
    expect(loggedEvents(state)).toEqual(before);
    expect(storedRun(state)).toMatchObject({ status: "running", resumes: 0 });

    // The one after it resumes once: one interrupted error, one resume counted.
    const events = await nextWake(state);
    expectOneCleanEnd(state, events);
    const errors = ofType(events, EVENT_TYPES.ERROR) as StreamEvent<"error">[];
    expect(errors.map((e) => [e.agent_source, e.payload.error_type, e.payload.discarded_chars])).toEqual([
      ["loomi_concierge", ERROR_TYPES.INTERRUPTED, "half an answ".length],
    ]);
    expect(storedRun(state).resumes).toBe(1);
  });
});
