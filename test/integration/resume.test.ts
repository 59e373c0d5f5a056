import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { api, postChat, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { startBigSession } from "../helpers/big-session";
import { idsOf, range } from "../helpers/event-lists";
import { readSse } from "../helpers/sse";

describe("GET /sessions/:id/events resumes from the log", () => {
  let sessionId: string;
  let full: StreamEvent[];
  let raw: string[];

  beforeAll(async () => {
    // Two runs, so the log has more than one run in it.
    const first = await postChat("novachat", { message: "resume test" });
    sessionId = first.headers.get("X-Session-Id") ?? "";
    await readSse(first);
    const second = await postChat("loomichat", { message: "and a follow-up", session_id: sessionId });
    expect(second.status).toBe(200);
    await readSse(second);
    const all = await readSse(await api(`/sessions/${sessionId}/events`));
    full = all.events;
    raw = all.messages.map((m) => m.data);
  });

  it("replays the whole log from the first event without a resume point", () => {
    expect(idsOf(full)).toEqual(range(1, full.length));
    expect(full.filter((e) => e.event_type === EVENT_TYPES.RUN_COMPLETE)).toHaveLength(2);
  });

  it("gives exactly the remaining events from every cut point (Last-Event-ID header)", async () => {
    for (let cut = 0; cut < full.length; cut++) {
      const res = await api(`/sessions/${sessionId}/events`, { headers: { "Last-Event-ID": String(cut) } });
      expect(res.status).toBe(200);
      const { messages } = await readSse(res);
      expect(messages.map((m) => m.data)).toEqual(raw.slice(cut));
    }
  });

  it("gives exactly the remaining events from every cut point (last_event_id parameter)", async () => {
    for (let cut = 0; cut < full.length; cut++) {
      const res = await api(`/sessions/${sessionId}/events?last_event_id=${cut}`);
      const { events } = await readSse(res);
      expect(idsOf(events)).toEqual(range(cut + 1, full.length));
    }
  });

  it("lets the header win over the query parameter", async () => {
    const res = await api(`/sessions/${sessionId}/events?last_event_id=1`, {
      headers: { "Last-Event-ID": String(full.length - 2) },
    });
    const { events } = await readSse(res);
    expect(idsOf(events)).toEqual([full.length - 1, full.length]);
  });

  it("answers 204 when the client is caught up and no run is active", async () => {
    const res = await api(`/sessions/${sessionId}/events`, { headers: { "Last-Event-ID": String(full.length) } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  it.each([
    ["garbage", "abc"],
    ["negative", "-1"],
    ["fractional", "1.5"],
    ["beyond the newest id", "999999"],
    ["too long", "1".repeat(40)],
  ])("answers 400 JSON to a %s resume point", async (_name, value) => {
    for (const init of [{ headers: { "Last-Event-ID": value } }, undefined]) {
      const query = init ? "" : `?last_event_id=${encodeURIComponent(value)}`;
      const res = await api(`/sessions/${sessionId}/events${query}`, init);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_resume_point" } });
    }
  });

  it("answers 404 JSON for an unknown session and 400 for a malformed id", async () => {
    const unknown = await api("/sessions/00000000-0000-4000-8000-000000000000/events");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
    const malformed = await api("/sessions/..%2F..%2Fetc/events");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "invalid_session_id" } });
  });

  it("resumes a live run mid-way and ends after its terminal event", async () => {
    const started = await startDetached("novachat", { message: "live resume", session_id: sessionId });
    const head = await readSse(await api(started.events_url), 5);
    const lastSeen = head.events[head.events.length - 1].id;
    const rest = await readSse(
      await api(`/sessions/${sessionId}/events`, { headers: { "Last-Event-ID": String(lastSeen) } }),
    );
    const ids = idsOf([...head.events, ...rest.events]);
    expect(ids).toEqual(range(head.events[0].id, rest.events[rest.events.length - 1].id));
    expect(rest.events[rest.events.length - 1]).toMatchObject({
      event_type: EVENT_TYPES.RUN_COMPLETE,
      run_id: started.run_id,
    });
  });
});

describe("a finished log replayed again, its whole pages from memory (src/session/frame-cache.ts)", () => {
  it("gives the same bytes to a second full replay and exactly the rest from cut points inside and between pages", async () => {
    // 700 events of 2,100 characters (two would exceed CHUNK_MAX_CHARS, so none merge): two
    // whole 256-event pages are kept after the first replay, the rest is not.
    const big = await startBigSession(TEST_USER, 700, 2100);
    await api(`/sessions/${big.sessionId}/cancel`, { method: "POST" });
    const head = (await waitIdle<{ last_event_id: number }>(big.sessionId)).last_event_id;
    expect(head).toBeGreaterThan(700);
    const read = async (cut: number) => {
      const res = await api(`/sessions/${big.sessionId}/events`, { headers: { "Last-Event-ID": String(cut) } });
      expect(res.status).toBe(200);
      return readSse(res);
    };
    const first = await read(0);
    expect(idsOf(first.events)).toEqual(range(1, head));
    const data = first.messages.map((m) => m.data);
    expect((await read(0)).messages.map((m) => m.data)).toEqual(data);
    for (const cut of [1, 255, 256, 257, 511, 512, 600, head - 1]) {
      const { messages } = await read(cut);
      expect(messages.map((m) => Number(m.id))).toEqual(range(cut + 1, head));
      expect(messages.map((m) => m.data)).toEqual(data.slice(cut));
    }
  });
});
