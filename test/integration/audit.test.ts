import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { sessionStub } from "../../src/http/session-client";
import { api, postChat, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { auditRecords } from "../helpers/audit-log";
import { readSse } from "../helpers/sse";

const SECRET_WORDS = "purple-elephant-confidential";

describe("audit log", () => {
  let log: MockInstance<typeof console.log>;

  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());

  const records = () => auditRecords(log);

  /**
   * The records once `predicate` holds for them (a run's end is audited after its stream ends), or
   * after 5 s: then the assertions that follow say what is missing.
   */
  async function until(predicate: (all: Record<string, unknown>[]) => boolean): Promise<Record<string, unknown>[]> {
    await vi.waitUntil(() => predicate(records()), { timeout: 5_000, interval: 25 }).catch(() => {});
    return records();
  }

  it("records a session's life with user, session and run ids, and never its content or tokens", async () => {
    const started = await startDetached("novachat", { message: `${SECRET_WORDS} one` });
    await waitIdle(started.session_id);
    const second = await startDetached("novachat", { message: "two", session_id: started.session_id });
    // (cancelling is audited in test/limits, where runs are slow enough to cancel for sure)
    await waitIdle(started.session_id);
    await api(`/sessions/${started.session_id}`, { method: "DELETE" });
    await api(`/sessions/${started.session_id}`, {}, { token: "not-a-token" });

    const all = await until((rs) => rs.filter((r) => r.event === "run_finished").length >= 2);
    const mine = all.filter((r) => r.session_id === started.session_id);
    const ids = { user_id: TEST_USER, session_id: started.session_id };
    expect(mine.map((r) => r.event)).toEqual(
      expect.arrayContaining(["session_created", "run_started", "run_finished", "session_deleted"]),
    );
    expect(mine.find((r) => r.event === "session_created")).toMatchObject(ids);
    expect(mine.filter((r) => r.event === "run_started").map((r) => r.run_id)).toEqual([started.run_id, second.run_id]);
    const finished = mine.filter((r) => r.event === "run_finished");
    expect(finished.map((r) => r.run_id).sort()).toEqual([started.run_id, second.run_id].sort());
    expect(finished.find((r) => r.run_id === started.run_id)).toMatchObject({ ...ids, status: "completed" });
    expect(all.find((r) => r.event === "auth_refused" && r.path === `/sessions/${started.session_id}`)).toMatchObject({
      user_id: null,
      method: "GET",
      reason: "token is malformed",
    });

    const text = log.mock.calls.map((call) => String(call[0])).join("\n");
    expect(text).not.toContain(SECRET_WORDS);
    expect(text).not.toContain(started.read_token);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it("records a refused read with the reason and no token", async () => {
    const res = await postChat("novachat", { message: "x" }, {}, { token: null });
    expect(res.status).toBe(401);
    const refused = records().find((r) => r.event === "auth_refused" && r.path === "/novachat");
    expect(refused).toMatchObject({ user_id: null, method: "POST", reason: "missing Authorization: Bearer token" });
  });

  it("streams still work while audited (sanity: the POST stream is logged as a run start)", async () => {
    const res = await postChat("loomichat", { message: "hello" });
    const runId = res.headers.get("X-Run-Id");
    await readSse(res);
    const all = await until((rs) => rs.some((r) => r.event === "run_finished" && r.run_id === runId));
    expect(all.some((r) => r.event === "run_started" && r.run_id === runId)).toBe(true);
    expect(all.some((r) => r.event === "run_finished" && r.run_id === runId)).toBe(true);
  });

  it("records a session the alarm deleted after its TTL", async () => {
    const started = await startDetached("novachat", { message: "expire" });
    await waitIdle(started.session_id);
    const stub = sessionStub(env, started.session_id);
    await runInDurableObject(stub, (_o, state) => {
      const old = new Date(Date.now() - 3601 * 1000).toISOString();
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'updated_at'", old);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const all = await until((rs) => rs.some((r) => r.event === "session_expired"));
    expect(all.find((r) => r.event === "session_expired")).toMatchObject({
      user_id: TEST_USER,
      session_id: started.session_id,
    });
  });
});
