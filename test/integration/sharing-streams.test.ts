/**
 * A shared session's open connections: a removed member's SSE streams and sockets, and those
 * opened with a revoked share link, close within a second; sockets are told who is watching
 * (presence) as it changes, and the snapshot lists it. The session's run stays active until
 * cancelled (test/helpers/big-session.ts), so its SSE streams stay open.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { sessionStub } from "../../src/http/session-client";
import { WS_CLOSE } from "../../src/protocol/ws";
import { PRESENCE_PUSH_MS } from "../../src/session/presence-notifier";
import { type Auth, api, TEST_USER } from "../helpers/api";
import { type BigSession, startBigSession } from "../helpers/big-session";
import { emptyRead, readSseInto } from "../helpers/sse";
import { connectWs, type TestSocket } from "../helpers/ws";

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

async function sharedSession(members: Record<string, string>): Promise<BigSession> {
  const session = await startBigSession(TEST_USER, 4, 100);
  for (const [user_id, role] of Object.entries(members)) {
    const res = await api(`/sessions/${session.sessionId}/members`, json("POST", { user_id, role }));
    expect(res.status).toBe(200);
  }
  return session;
}

/** Opens an SSE stream and a socket as `auth` (with `query` for a share token); both are followed. */
async function follow(sessionId: string, auth: Auth, query = "") {
  const sse = await api(`/sessions/${sessionId}/events?last_event_id=0${query}`, {}, auth);
  expect(sse.status).toBe(200);
  const read = emptyRead();
  const ended = readSseInto(sse, read);
  const socket = await connectWs(`/sessions/${sessionId}/ws${query ? `?${query.slice(1)}` : ""}`, {}, auth);
  await socket.until(() => socket.events.length > 0);
  await vi.waitFor(() => expect(read.events.length).toBeGreaterThan(0));
  return { read, ended, socket };
}

/** How long until both the SSE stream ended and the socket closed, ms, and the socket's close. */
async function closedWithin(ended: Promise<unknown>, socket: TestSocket, since: number) {
  const [, close] = await Promise.all([ended, socket.closed]);
  return { ms: Date.now() - since, close };
}

const cancel = (id: string) => api(`/sessions/${id}/cancel`, { method: "POST" });

describe("closing the streams of whoever loses access", () => {
  it("closes a removed member's SSE stream and socket within a second", async () => {
    const member = `member-${crypto.randomUUID().slice(0, 8)}`;
    const { sessionId } = await sharedSession({ [member]: "viewer" });
    const { ended, socket } = await follow(sessionId, { user: member });
    const since = Date.now();
    expect((await api(`/sessions/${sessionId}/members/${member}`, { method: "DELETE" })).status).toBe(204);
    const { ms, close } = await closedWithin(ended, socket, since);
    expect(ms).toBeLessThan(1000);
    expect(close.code).toBe(WS_CLOSE.REVOKED);
    // And nothing opens again for them.
    expect((await api(`/sessions/${sessionId}/events`, {}, { user: member })).status).toBe(404);
    await cancel(sessionId);
  });

  it("keeps the other members' streams open when one member is removed", async () => {
    const [stays, goes] = ["stays", "goes"].map((n) => `${n}-${crypto.randomUUID().slice(0, 8)}`);
    const { sessionId } = await sharedSession({ [stays]: "editor", [goes]: "viewer" });
    const kept = await connectWs(`/sessions/${sessionId}/ws`, {}, { user: stays });
    const gone = await connectWs(`/sessions/${sessionId}/ws`, {}, { user: goes });
    expect((await api(`/sessions/${sessionId}/members/${goes}`, { method: "DELETE" })).status).toBe(204);
    expect((await gone.closed).code).toBe(WS_CLOSE.REVOKED);
    // The editor's socket is still served: its cancel is answered.
    kept.ws.send(JSON.stringify({ type: "cancel" }));
    await kept.until(() => kept.controls.some((c) => c.type === "cancelling"));
    kept.ws.close();
  });

  it("closes the streams opened with a share link once it is revoked, and its token opens nothing more", async () => {
    const { sessionId } = await sharedSession({});
    const created = await api(`/sessions/${sessionId}/shares`, json("POST", { ttl_seconds: 600 }));
    expect(created.status).toBe(201);
    const { share_id, token } = (await created.json()) as { share_id: string; token: string };
    const query = `&token=${encodeURIComponent(token)}`;
    const { ended, socket } = await follow(sessionId, { token: null }, query);
    const since = Date.now();
    expect((await api(`/sessions/${sessionId}/shares/${share_id}`, { method: "DELETE" })).status).toBe(204);
    const { ms, close } = await closedWithin(ended, socket, since);
    expect(ms).toBeLessThan(1000);
    expect(close.code).toBe(WS_CLOSE.REVOKED);
    const again = await api(`/sessions/${sessionId}?token=${encodeURIComponent(token)}`, {}, { token: null });
    expect(again.status).toBe(404);
    await cancel(sessionId);
  });
});

describe("an expired share link", () => {
  it("opens nothing more, and its socket is closed at the next event instead of getting it", async () => {
    const { sessionId } = await sharedSession({});
    const created = await api(`/sessions/${sessionId}/shares`, json("POST", { ttl_seconds: 600 }));
    const { token } = (await created.json()) as { token: string };
    const socket = await connectWs(`/sessions/${sessionId}/ws?token=${encodeURIComponent(token)}`, {}, { token: null });
    await socket.until(() => socket.events.length > 0);
    const seen = socket.events.length;
    // Its expiry passes (the token itself would verify for ten more minutes).
    await runInDurableObject(sessionStub(env, sessionId), (_object, state) => {
      state.storage.sql.exec("UPDATE shares SET expires_at = ?", Date.now() - 1);
    });
    const snap = await api(`/sessions/${sessionId}?token=${encodeURIComponent(token)}`, {}, { token: null });
    expect(snap.status).toBe(404);
    await cancel(sessionId);
    expect((await socket.closed).code).toBe(WS_CLOSE.REVOKED);
    expect(socket.events.length).toBe(seen);
  });
});

describe("presence", () => {
  it("tells sockets who is watching as it changes, and the snapshot lists it", async () => {
    const viewer = `watcher-${crypto.randomUUID().slice(0, 8)}`;
    const { sessionId } = await sharedSession({ [viewer]: "viewer" });
    const head = async () =>
      ((await (await api(`/sessions/${sessionId}`)).json()) as { last_event_id: number }).last_event_id;
    const before = await head();
    const owner = await connectWs(`/sessions/${sessionId}/ws`);
    await owner.until(() => owner.presence.length > 0);
    expect(owner.presence.at(-1)?.watching).toEqual([{ id: TEST_USER, transport: "ws", streams: 1 }]);

    const theirs = await connectWs(`/sessions/${sessionId}/ws`, {}, { user: viewer });
    const sse = await api(`/sessions/${sessionId}/events`, {}, { user: viewer });
    const both = [
      { id: TEST_USER, transport: "ws", streams: 1 },
      { id: viewer, transport: "sse", streams: 1 },
      { id: viewer, transport: "ws", streams: 1 },
    ].sort((a, b) => (a.id === b.id ? a.transport.localeCompare(b.transport) : a.id < b.id ? -1 : 1));
    await owner.until(() => JSON.stringify(owner.presence.at(-1)?.watching) === JSON.stringify(both));
    await theirs.until(() => JSON.stringify(theirs.presence.at(-1)?.watching) === JSON.stringify(both));
    const snap = (await (await api(`/sessions/${sessionId}`, {}, { user: viewer })).json()) as {
      role: string;
      watching: unknown;
    };
    expect(snap).toMatchObject({ role: "viewer", watching: both });

    theirs.ws.close(1000, "bye");
    await sse.body?.cancel();
    const alone = [{ id: TEST_USER, transport: "ws", streams: 1 }];
    await owner.until(() => JSON.stringify(owner.presence.at(-1)?.watching) === JSON.stringify(alone));
    // Presence is not written to the log: watchers came and went, and the log did not grow.
    expect(await head()).toBe(before);
    owner.ws.close();
    await cancel(sessionId);
  });

  it("merges a burst of joins and leaves into a few pushes, the last one the state as it stands", async () => {
    const { sessionId } = await sharedSession({});
    const owner = await connectWs(`/sessions/${sessionId}/ws`);
    const alone = [{ id: TEST_USER, transport: "ws", streams: 1 }];
    await owner.until(() => JSON.stringify(owner.presence.at(-1)?.watching) === JSON.stringify(alone));
    const told = owner.presence.length;
    const started = Date.now();
    const joins = 40;
    const streams = await Promise.all(Array.from({ length: joins }, () => api(`/sessions/${sessionId}/events`)));
    expect(streams.every((res) => res.status === 200)).toBe(true);
    const crowd = [
      { id: TEST_USER, transport: "sse", streams: joins },
      { id: TEST_USER, transport: "ws", streams: 1 },
    ];
    await owner.until(() => JSON.stringify(owner.presence.at(-1)?.watching) === JSON.stringify(crowd));
    await Promise.all(streams.map((res) => res.body?.cancel()));
    await owner.until(() => JSON.stringify(owner.presence.at(-1)?.watching) === JSON.stringify(alone));
    // Wait out the window of the last push: nothing later may contradict it.
    await new Promise((resolve) => setTimeout(resolve, 2 * PRESENCE_PUSH_MS));
    const pushes = owner.presence.length - told;
    // One push at the first change, then at most one per window that passed: not one per join and leave.
    expect(pushes).toBeGreaterThanOrEqual(2);
    expect(pushes).toBeLessThanOrEqual(Math.floor((Date.now() - started) / PRESENCE_PUSH_MS) + 1);
    expect(pushes).toBeLessThan(2 * joins);
    expect(owner.presence.at(-1)?.watching).toEqual(alone);
    owner.ws.close();
    await cancel(sessionId);
  });
});
