/**
 * The session store on real SQLite: run texts and conversation turns are kept in bounded chunks
 * and read back whole; a running agent's partial text is not written mid-run; a content that is
 * one agent's text is stored once; rows written before texts moved out are still read.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { newRunRecord, type RunRecord } from "../../src/agents/run-record";
import { MODES } from "../../src/protocol/events";
import { TEXT_CHUNK_CHARS } from "../../src/session/run-texts";
import type { SessionObject } from "../../src/session/session-object";
import { SessionStore } from "../../src/session/session-store";

const LONG = "Storage é 🙂 ".repeat(Math.ceil((2.5 * TEXT_CHUNK_CHARS) / 12));

function inObject<T>(test: (sql: SqlStorage) => T | Promise<T>): Promise<T> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return runInDurableObject(namespace.get(namespace.newUniqueId()), (_object, state) => test(state.storage.sql));
}

function run(): RunRecord {
  return newRunRecord({ runId: "r1", mode: MODES.LOOMI, message: "m", options: {} }, 1, Date.now());
}

const textRows = (sql: SqlStorage) =>
  sql
    .exec<{ part: string; n: number; longest: number }>(
      "SELECT part, COUNT(*) AS n, MAX(length(chunk)) AS longest FROM run_text GROUP BY part ORDER BY part",
    )
    .toArray();

it("keeps a long agent text in bounded chunks, stores a content that is that text once, and reads both back whole", async () => {
  await inObject((sql) => {
    const store = new SessionStore(sql);
    const record = run();
    store.insertRun(record);
    record.agents.loomi_concierge = { status: "running", text: LONG.slice(0, 1000), model: "m" };
    record.agents.content_agent = { status: "completed", text: "done", model: "m" };
    store.saveRun(record);
    // Mid-run, the running agent's partial text is not written: a resume discards it anyway.
    expect(textRows(sql).map((r) => r.part)).toEqual(["content_agent"]);

    record.agents.loomi_concierge = { status: "completed", text: LONG, model: "m" };
    record.content = LONG;
    record.status = "completed";
    store.saveRun(record);
    const rows = textRows(sql);
    expect(rows.map((r) => [r.part, r.n])).toEqual([
      ["content_agent", 1],
      ["loomi_concierge", Math.ceil(LONG.length / TEXT_CHUNK_CHARS)],
    ]);
    for (const row of rows) expect(row.longest).toBeLessThanOrEqual(TEXT_CHUNK_CHARS);
    const state = sql.exec<{ state: string }>("SELECT state FROM runs").one().state;
    expect(state.length).toBeLessThan(300);
    expect(JSON.parse(state)).toMatchObject({ content_of: "loomi_concierge" });

    const read = new SessionStore(sql).getRun("r1");
    expect(read?.agents.loomi_concierge).toEqual({ status: "completed", text: LONG, model: "m" });
    expect(read?.content).toBe(LONG);
    expect(read?.agents.content_agent.text).toBe("done");
  });
});

it("keeps a content that is no one agent's text as its own part, and a cancelled run's partial texts", async () => {
  await inObject((sql) => {
    const store = new SessionStore(sql);
    const record = run();
    store.insertRun(record);
    record.agents.loomi_concierge = { status: "completed", text: "reply", model: "m" };
    record.agents.content_agent = { status: "running", text: "half", model: "m" };
    record.content = "reply\n\nwritten";
    record.status = "cancelled";
    store.saveRun(record);
    expect(textRows(sql).map((r) => r.part)).toEqual(["#content", "content_agent", "loomi_concierge"]);
    const read = store.listRuns()[0];
    expect(read.content).toBe("reply\n\nwritten");
    expect(read.agents.content_agent.text).toBe("half");
  });
});

it("resumes with what is stored, and rewrites only what changed", async () => {
  await inObject((sql) => {
    const record = run();
    new SessionStore(sql).insertRun(record);
    record.agents.loomi_concierge = { status: "completed", text: LONG, model: "m" };
    new SessionStore(sql).saveRun(record);
    // A new instance finds the unfinished run with its finished agent's text...
    const store = new SessionStore(sql);
    const resumed = store.findUnfinishedRun();
    expect(resumed?.agents.loomi_concierge.text).toBe(LONG);
    // ...and saving it again without a change writes no text.
    const before = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM run_text").one().n;
    let writes = 0;
    const counting = new Proxy(sql, {
      get: (target, key) =>
        key === "exec"
          ? (query: string, ...bindings: unknown[]) => {
              if (/run_text/.test(query) && !query.startsWith("SELECT") && !query.startsWith("CREATE")) writes++;
              return target.exec(query, ...bindings);
            }
          : Reflect.get(target, key),
    });
    const again = new SessionStore(counting);
    const loaded = again.findUnfinishedRun() as RunRecord;
    loaded.resumes += 1;
    again.saveRun(loaded);
    expect(writes).toBe(0);
    expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM run_text").one().n).toBe(before);
  });
});

it("keeps a long turn in chunked rows and gives it back as one turn", async () => {
  await inObject((sql) => {
    const store = new SessionStore(sql);
    store.addTurn("r1", "user", "Tell me everything");
    store.addTurn("r1", "assistant", LONG);
    store.addTurn("r2", "user", "And again");
    store.addTurn("r2", "assistant", "Short.");
    const rows = sql.exec<{ len: number }>("SELECT length(content) AS len FROM turns").toArray();
    expect(rows.length).toBe(3 + Math.ceil(LONG.length / TEXT_CHUNK_CHARS));
    for (const row of rows) expect(row.len).toBeLessThanOrEqual(TEXT_CHUNK_CHARS);
    expect([...store.newestTurns()].reverse()).toEqual([
      { role: "user", content: "Tell me everything" },
      { role: "assistant", content: LONG },
      { role: "user", content: "And again" },
      { role: "assistant", content: "Short." },
    ]);
  });
});

it("still reads a run stored before texts moved out of its record", async () => {
  await inObject((sql) => {
    new SessionStore(sql);
    const legacy = {
      agents: { loomi_concierge: { status: "completed", text: "old reply", model: "m" } },
      content: "old reply",
      resumes: 1,
    };
    sql.exec(
      "INSERT INTO runs (run_id, mode, status, message, options, started_at, finished_at, first_event_id, end_event_id, state) VALUES ('old', 'loomi', 'completed', 'm', '{}', 't', 't', 1, 9, ?)",
      JSON.stringify(legacy),
    );
    const read = new SessionStore(sql).getRun("old");
    expect(read).toMatchObject({ content: "old reply", resumes: 1 });
    expect(read?.agents.loomi_concierge).toEqual({ status: "completed", text: "old reply", model: "m" });
  });
});
