/**
 * A request that is refused (4xx) leaves the session's storage exactly as it found it: no table,
 * row or alarm for a session that does not exist, no change for one that does. And an object
 * that has storage always has its alarm (a running session's keepalive, an idle one's expiry), so
 * nothing is kept forever. Storage is read inside the object with `runInDurableObject`.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/agents/run-context";
import { loadConfig } from "../../src/env";
import { DemoModel } from "../../src/llm/demo-model";
import { MODES, type RunStatus } from "../../src/protocol/events";
import { Session, type SessionHost } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";
import { type Auth, api, postChat, startDetached, waitIdle } from "../helpers/api";

const INTRUDER: Auth = { user: "intruder" };
const BEYOND = "999999";

function stubOf(sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/** Everything an object stores: its tables' rows (the runtime's own `_cf_` tables aside) and its alarm. */
interface Stored {
  tables: Record<string, unknown[]>;
  alarm: number | null;
}

async function storedIn(state: DurableObjectState): Promise<Stored> {
  const names = state.storage.sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .toArray();
  const tables: Record<string, unknown[]> = {};
  for (const { name } of names) tables[name] = state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray();
  return { tables, alarm: await state.storage.getAlarm() };
}

function stored(sessionId: string): Promise<Stored> {
  return runInDurableObject(stubOf(sessionId), (_object, state) => storedIn(state));
}

/** An object with storage has its alarm; one without has neither. */
function expectAlarmIffStored(now: Stored): void {
  expect(now.alarm !== null).toBe(Object.keys(now.tables).length > 0);
}

/** Every request about session `id` that `auth` must be refused, by name. */
function requestsAbout(id: string, auth: Auth): [string, () => Promise<Response>][] {
  return [
    ["snapshot", () => api(`/sessions/${id}`, {}, auth)],
    ["events", () => api(`/sessions/${id}/events`, {}, auth)],
    ["events resumed", () => api(`/sessions/${id}/events`, { headers: { "Last-Event-ID": "1" } }, auth)],
    ["websocket", () => api(`/sessions/${id}/ws`, { headers: { Upgrade: "websocket" } }, auth)],
    ["cancel", () => api(`/sessions/${id}/cancel`, { method: "POST" }, auth)],
    ["delete", () => api(`/sessions/${id}`, { method: "DELETE" }, auth)],
    ["novachat", () => postChat("novachat", { message: "hijack", session_id: id }, {}, auth)],
    ["loomichat", () => postChat("loomichat", { message: "hijack", session_id: id }, {}, auth)],
  ];
}

async function expectRefused(requests: [string, () => Promise<Response>][], status: number): Promise<void> {
  for (const [name, request] of requests) {
    const response = await request();
    expect([name, response.status]).toEqual([name, status]);
    await response.body?.cancel();
  }
}

describe("refused requests write nothing", () => {
  it("leaves a session that does not exist without any storage or alarm", async () => {
    const id = crypto.randomUUID();
    await expectRefused(requestsAbout(id, {}), 404);
    expect(await stored(id)).toEqual({ tables: {}, alarm: null });
  });

  it("leaves another user's session exactly as it was", async () => {
    const { session_id: id } = await startDetached("novachat", { message: "mine" });
    await waitIdle(id);
    const before = await stored(id);
    expectAlarmIffStored(before);
    await expectRefused(requestsAbout(id, INTRUDER), 404);
    expect(await stored(id)).toEqual(before);
  });

  it("leaves the owner's session as it was after a bad resume point, a cancel with no run, a bad body", async () => {
    const { session_id: id } = await startDetached("loomichat", { message: "hello" });
    await waitIdle(id);
    const before = await stored(id);
    await expectRefused(
      [
        ["events beyond the log", () => api(`/sessions/${id}/events?last_event_id=${BEYOND}`)],
        ["events resumed beyond", () => api(`/sessions/${id}/events`, { headers: { "Last-Event-ID": BEYOND } })],
        ["events malformed", () => api(`/sessions/${id}/events?last_event_id=x`)],
        [
          "websocket beyond",
          () => api(`/sessions/${id}/ws?last_event_id=${BEYOND}`, { headers: { Upgrade: "websocket" } }),
        ],
        ["chat without a message", () => postChat("loomichat", { message: "", session_id: id })],
      ],
      400,
    );
    await expectRefused([["cancel with no active run", () => api(`/sessions/${id}/cancel`, { method: "POST" })]], 404);
    expect(await stored(id)).toEqual(before);
  });
});

/** A Session over the object's own storage and alarm, as the object would build it. */
function sessionIn(state: DurableObjectState, sql: SqlStorage = state.storage.sql): Session {
  const host: SessionHost = {
    sql,
    transactionSync: (fn) => state.storage.transactionSync(fn),
    config: loadConfig(env),
    llm: new DemoModel(0, 12),
    setAlarm: (at) => void state.storage.setAlarm(at),
    deleteAll: async () => {},
    sockets: () => [],
    restart: async () => {},
  };
  return new Session(host);
}

const START = { sessionId: "s", userId: "u", mode: MODES.NOVA3, message: "m", options: {}, create: true };
const endless = (_ctx: RunContext) => new Promise<{ status: RunStatus; content: string }>(() => {});

function freshObject(): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.newUniqueId());
}

describe("refused while a run is active", () => {
  it("writes nothing for a second run, another user, a bad resume point or a full session", async () => {
    await runInDurableObject(freshObject(), async (_object, state) => {
      const session = sessionIn(state);
      expect(session.startRun(START, endless).ok).toBe(true);
      const before = await storedIn(state);
      expectAlarmIffStored(before);
      const refusals = [
        session.startRun({ ...START, create: false }),
        session.startRun({ ...START, userId: "other" }),
        session.startRun({ ...START, userId: "other", create: false }),
        session.sockets.canOpen("u", Number(BEYOND), Number.POSITIVE_INFINITY),
        session.sockets.canOpen("u", 0, 0),
        session.sockets.canOpen("other", 0, Number.POSITIVE_INFINITY),
        session.openEvents("u", Number(BEYOND)),
        session.openEvents("u", 0, { maxReaders: 0 }),
        session.openEvents("other", 0),
        session.cancel("other"),
        session.snapshot("other"),
        await session.destroy("other"),
      ];
      expect(refusals.map((r) => (r.ok ? "ok" : r.code))).toEqual([
        "run_active",
        "not_found",
        "not_found",
        "invalid_resume_point",
        "rate_limited",
        "not_found",
        "invalid_resume_point",
        "rate_limited",
        "not_found",
        "not_found",
        "not_found",
        "not_found",
      ]);
      expect(await storedIn(state)).toEqual(before);
    });
  });
});

/** `sql` whose first statement matching `fails` throws instead of running. */
function failingOnce(sql: SqlStorage, fails: (query: string) => boolean): SqlStorage {
  let armed = true;
  const exec = (query: string, ...bindings: unknown[]) => {
    if (armed && fails(query)) {
      armed = false;
      throw new Error("SQLITE_FULL: database or disk is full (injected)");
    }
    return sql.exec(query, ...bindings);
  };
  return new Proxy(sql, { get: (target, key) => (key === "exec" ? exec : Reflect.get(target, key)) });
}

describe("every object with storage has its alarm", () => {
  for (const [what, statement] of [
    ["run_start", "INSERT INTO events"],
    ["run record", "INSERT INTO runs"],
  ] as const) {
    it(`stores nothing of a new session whose ${what} cannot be written, and starts it on the next try`, async () => {
      await runInDurableObject(freshObject(), async (_object, state) => {
        const session = sessionIn(
          state,
          failingOnce(state.storage.sql, (query) => query.startsWith(statement)),
        );
        expect(() => session.startRun(START, endless)).toThrow(/SQLITE_FULL/);
        expect(await storedIn(state)).toEqual({ tables: {}, alarm: null });

        expect(session.startRun(START, endless).ok).toBe(true);
        const after = await storedIn(state);
        expect(after.tables.runs).toHaveLength(1);
        expectAlarmIffStored(after);
      });
    });
  }

  it("keeps an idle session's alarm at its expiry, and takes both away when it is deleted", async () => {
    const { session_id: id } = await startDetached("novachat", { message: "expire me" });
    const running = await stored(id);
    expectAlarmIffStored(running);
    const snap = await waitIdle(id);
    const idle = await stored(id);
    const ttlMs = loadConfig(env).sessionTtlSeconds * 1000;
    expect(idle.alarm).toBe(Date.parse(String(snap.updated_at)) + ttlMs);

    // A second run in the session, then the owner deletes it: nothing is left, not even the alarm.
    await startDetached("novachat", { message: "again", session_id: id });
    await waitIdle(id);
    expectAlarmIffStored(await stored(id));
    expect((await api(`/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await stored(id)).toEqual({ tables: {}, alarm: null });
  });
});
