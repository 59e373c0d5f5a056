import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sessionStub } from "../../src/http/session-client";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { api, postChat, startDetached, waitIdle } from "../helpers/api";
import { idsOf, range } from "../helpers/event-lists";
import { sleep } from "../helpers/sleep";
import { readSse } from "../helpers/sse";

describe("session lifecycle", () => {
  it("cancel ends the run's stream with run_complete cancelled", async () => {
    const started = await startDetached("novachat", { message: "cancel me" });
    const stream = api(started.events_url);
    const cancel = await api(`/sessions/${started.session_id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(202);
    expect(await cancel.json()).toMatchObject({ run_id: started.run_id });
    const { events } = await readSse(await stream);
    const last = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(last.event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
    expect(last.payload.status).toBe(RUN_STATUSES.CANCELLED);
    const snap = await waitIdle(started.session_id);
    expect(snap.runs).toMatchObject([{ run_id: started.run_id, status: "cancelled" }]);
    const again = await api(`/sessions/${started.session_id}/cancel`, { method: "POST" });
    expect(again.status).toBe(404);
  });

  it("delete removes the session and all its data; later requests get 404", async () => {
    const res = await postChat("novachat", { message: "delete me" });
    const id = res.headers.get("X-Session-Id") ?? "";
    await readSse(res);
    expect((await api(`/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
    for (const [path, init] of [
      [`/sessions/${id}`, undefined],
      [`/sessions/${id}/events`, undefined],
      [`/sessions/${id}/cancel`, { method: "POST" }],
      [`/sessions/${id}`, { method: "DELETE" }],
    ] as const) {
      const after = await api(path, init);
      expect(after.status).toBe(404);
      expect(await after.json()).toMatchObject({ error: { code: "not_found" } });
    }
    const resumed = await postChat("novachat", { message: "into a deleted session", session_id: id });
    expect(resumed.status).toBe(404);
    const rows = await runInDurableObject(sessionStub(env, id), (_o, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(rows).toEqual([]);
  });

  it("delete during a live run ends its readers", async () => {
    const started = await startDetached("novachat", { message: "delete while running" });
    const reading = readSse(await api(started.events_url));
    expect((await api(`/sessions/${started.session_id}`, { method: "DELETE" })).status).toBe(204);
    const { events } = await reading;
    expect(events.every((e) => e.run_id === started.run_id)).toBe(true);
  });

  it("expires an idle session through its alarm after SESSION_TTL_SECONDS, and keeps a fresh one", async () => {
    const res = await postChat("novachat", { message: "expire me" });
    const id = res.headers.get("X-Session-Id") ?? "";
    await readSse(res);
    await waitIdle(id);
    const stub = sessionStub(env, id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await api(`/sessions/${id}`)).status).toBe(200);
    // Age the session past its TTL (default 3600 s), as if an hour passed without activity.
    await runInDurableObject(stub, (_o, state) => {
      const old = new Date(Date.now() - 3601 * 1000).toISOString();
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'updated_at'", old);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await api(`/sessions/${id}`)).status).toBe(404);
  });

  it("does not write the session's activity again for a read right after it (no commit before the replay)", async () => {
    const res = await postChat("novachat", { message: "read me twice" });
    const id = res.headers.get("X-Session-Id") ?? "";
    await readSse(res);
    const before = (await waitIdle(id)).updated_at;
    await sleep(20);
    const { events } = await readSse(await api(`/sessions/${id}/events`));
    expect(events.length).toBeGreaterThan(2);
    const snap = (await (await api(`/sessions/${id}`)).json()) as { updated_at: string };
    expect(snap.updated_at).toBe(before);
  });

  it("keeps the log complete when a reader disconnects mid-run", async () => {
    const res = await postChat("novachat", { message: "leave early" });
    const id = res.headers.get("X-Session-Id") ?? "";
    const partial = await readSse(res, 3);
    expect(partial.events.length).toBeGreaterThanOrEqual(3);
    const snap = await waitIdle(id);
    expect(snap.readers).toBe(0);
    const { events } = await readSse(await api(`/sessions/${id}/events`));
    expect(idsOf(events)).toEqual(range(1, events.length));
    expect(events.slice(0, partial.events.length)).toEqual(partial.events);
    expect(events[events.length - 1]).toMatchObject({
      event_type: "run_complete",
      payload: { status: "completed" },
    });
  });

  it("reports the session in a JSON snapshot", async () => {
    const res = await postChat("novachat", { message: "snapshot" });
    const id = res.headers.get("X-Session-Id") ?? "";
    const runId = res.headers.get("X-Run-Id");
    const { events } = await readSse(res);
    const snap = await waitIdle(id);
    expect(snap).toMatchObject({
      session_id: id,
      status: "idle",
      active_run_id: null,
      last_event_id: events.length,
      runs: [{ run_id: runId, mode: "nova3", status: "completed", first_event_id: 1, end_event_id: events.length }],
    });
    const run = (snap.runs as { agents: Record<string, { status: string; text: string }> }[])[0];
    expect(run.agents.content_agent.status).toBe("completed");
    expect(run.agents.content_agent.text.length).toBeGreaterThan(20);
    expect(Date.parse(String(snap.created_at))).not.toBeNaN();
  });
});

describe("bad requests", () => {
  it.each([
    ["invalid JSON", "{not json", 400],
    ["missing message", "{}", 400],
    ["wrong type", JSON.stringify({ message: 42 }), 400],
    ["unknown field", JSON.stringify({ message: "hi", extra: true }), 400],
    ["bad session id", JSON.stringify({ message: "hi", session_id: "../x" }), 400],
    ["unknown session", JSON.stringify({ message: "hi", session_id: "00000000-0000-4000-8000-000000000000" }), 404],
  ])("%s gets a 4xx JSON error", async (_name, body, status) => {
    const res = await postChat("novachat", body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBeTruthy();
    expect(json.error.message).toBeTruthy();
  });

  it("names the field in a validation error", async () => {
    const res = await postChat("novachat", { message: 42 });
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^message:/);
  });

  it("refuses a non-JSON content type with 415", async () => {
    const res = await api("/novachat", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" });
    expect(res.status).toBe(415);
  });

  it("answers unknown routes with 404 JSON and health with 200", async () => {
    expect((await api("/nope")).status).toBe(404);
    const health = await api("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });
});
