import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/protocol/events";
import { WS_CLOSE, WS_RATE } from "../../src/protocol/ws";
import { api, postChat, startDetached, waitIdle } from "../helpers/api";
import { idsOf, isRunComplete, range } from "../helpers/event-lists";
import { readSse } from "../helpers/sse";
import { connectWs } from "../helpers/ws";

async function finishedSession() {
  const res = await postChat("novachat", { message: "websocket test" });
  const id = res.headers.get("X-Session-Id") ?? "";
  const { messages } = await readSse(res);
  return { id, raw: messages.map((m) => m.data) };
}

describe("GET /sessions/:id/ws", () => {
  it("replays the log as JSON arrays whose elements are exactly the SSE data lines", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws`);
    await socket.until(() => socket.events.length >= raw.length);
    // Besides the events, the socket is told who is watching (itself): presence, docs/sharing.md.
    const flushes = socket.texts.filter((t) => !t.startsWith('{"type":"presence"'));
    expect(flushes.every((t) => t.startsWith("["))).toBe(true);
    const elements = flushes.flatMap((t) => (JSON.parse(t) as unknown[]).map((e) => JSON.stringify(e)));
    expect(elements).toEqual(raw);
    socket.ws.close();
  });

  it("resumes after every cut point with exactly the remaining events", async () => {
    const { id, raw } = await finishedSession();
    let socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    for (let cut = 0; cut < raw.length; cut++) {
      // A socket's allowance of resume messages is a burst of WS_RATE.BURST: then a new socket.
      if (cut > 0 && cut % WS_RATE.BURST === 0) {
        socket.ws.close();
        socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
      }
      socket.events.length = 0;
      socket.ws.send(JSON.stringify({ type: "resume", last_event_id: cut }));
      await socket.until(() => socket.events.length >= raw.length - cut);
      expect(idsOf(socket.events)).toEqual(range(cut + 1, raw.length));
    }
    socket.ws.close();
  });

  it("delivers the same event sequence to SSE and WebSocket readers of one live run", async () => {
    const started = await startDetached("novachat", { message: "same for both" });
    const socket = await connectWs(`/sessions/${started.session_id}/ws`);
    const sse = await readSse(await api(started.events_url));
    await socket.until(() => socket.events.some(isRunComplete(started.run_id)));
    expect(socket.events.map((e) => JSON.stringify(e))).toEqual(sse.messages.map((m) => m.data));
    socket.ws.close();
  });

  it("keeps an idle socket connected and sends it the next run's events", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    const next = await startDetached("loomichat", { message: "next run", session_id: id });
    await socket.until(() => socket.events.some(isRunComplete(next.run_id)));
    expect(socket.events[0]).toMatchObject({ id: raw.length + 1, event_type: EVENT_TYPES.RUN_START });
    expect(idsOf(socket.events)).toEqual(range(raw.length + 1, socket.events.at(-1)?.id ?? 0));
    socket.ws.close();
  });

  it("cancels the active run for its owner", async () => {
    const started = await startDetached("novachat", { message: "cancel over ws" });
    const socket = await connectWs(`/sessions/${started.session_id}/ws`);
    socket.ws.send(JSON.stringify({ type: "cancel" }));
    await socket.until(() => socket.events.some(isRunComplete(started.run_id)));
    expect(socket.controls).toContainEqual({ type: "cancelling", run_id: started.run_id });
    expect(socket.events.at(-1)).toMatchObject({ payload: { status: "cancelled" } });
    await waitIdle(started.session_id);
    socket.ws.close();
  });

  it("answers ping with pong", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    socket.ws.send("ping");
    await socket.until(() => socket.texts.includes("pong"));
    socket.ws.close();
  });

  it("answers malformed messages with errors, then closes with 1008", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    socket.ws.send("not json");
    socket.ws.send(JSON.stringify({ type: "resume", last_event_id: -1 }));
    await socket.until(() => socket.controls.length >= 2);
    expect(socket.controls[0]).toMatchObject({ type: "error", error: { code: "bad_request" } });
    socket.ws.send(JSON.stringify({ type: "explode" }));
    expect((await socket.closed).code).toBe(WS_CLOSE.POLICY);
    // Other readers and the log are untouched.
    const { events } = await readSse(await api(`/sessions/${id}/events`));
    expect(idsOf(events)).toEqual(range(1, raw.length));
  });

  it("closes with 1009 after repeated oversized messages", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    for (let i = 0; i < 3; i++) socket.ws.send("x".repeat(10_000));
    expect((await socket.closed).code).toBe(WS_CLOSE.TOO_BIG);
    expect(socket.controls[0]).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("refuses a resume point beyond the log without closing", async () => {
    const { id, raw } = await finishedSession();
    const socket = await connectWs(`/sessions/${id}/ws?last_event_id=${raw.length}`);
    socket.ws.send(JSON.stringify({ type: "resume", last_event_id: raw.length + 5 }));
    await socket.until(() => socket.controls.length >= 1);
    expect(socket.controls[0]).toMatchObject({ error: { code: "invalid_resume_point" } });
    socket.ws.close();
  });

  it("answers 426 without an upgrade, 404 for an unknown session and 400 for a bad resume point", async () => {
    const { id } = await finishedSession();
    expect((await api(`/sessions/${id}/ws`)).status).toBe(426);
    const unknown = await api("/sessions/00000000-0000-4000-8000-000000000000/ws", {
      headers: { Upgrade: "websocket" },
    });
    expect(unknown.status).toBe(404);
    const bad = await api(`/sessions/${id}/ws?last_event_id=99999`, { headers: { Upgrade: "websocket" } });
    expect(bad.status).toBe(400);
  });
});
