/**
 * Relay objects (RELAYS=on, docs/scale.md): a follower through a relay gets every event of the
 * session once, byte for byte as the session's own stream sends it, live and on resume by
 * Last-Event-ID; a relay restarted mid-stream loses and repeats nothing for its followers; the
 * route is refused to whoever may not read the session, and is the app's 404 with RELAYS=off.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { RELAY_ACCESS_RECHECK_MS } from "../../src/relay/relay-access";
import { relayStub } from "../../src/relay/relay-object";
import { api, BASE, TEST_USER, tokenFor } from "../helpers/api";
import { callApp } from "../helpers/app";
import { startBigSession } from "../helpers/big-session";
import { emptyRead, readSse, readSseInto } from "../helpers/sse";

const relayPath = (sessionId: string, n: number) => `/sessions/${sessionId}/relay/${n}/stream`;
const ids = (events: readonly StreamEvent[]) => events.map((event) => event.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const cancel = (sessionId: string) => api(`/sessions/${sessionId}/cancel`, { method: "POST" });

/** Opens relay `n`'s stream after `after`. */
async function follow(sessionId: string, n: number, after?: number): Promise<Response> {
  const headers: Record<string, string> = after === undefined ? {} : { "Last-Event-ID": String(after) };
  const response = await api(relayPath(sessionId, n), { headers });
  if (response.status !== 200) throw new Error(`relay ${n}: ${response.status} ${await response.text()}`);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
  return response;
}

describe("a session through its relays", () => {
  it("gives a follower every event once, as the session's own stream does, live and on resume", async () => {
    const { sessionId, head } = await startBigSession(TEST_USER, 40);
    expect(head).toBe(41); // run_started and 40 chunks
    const own = await readSse(await api(`/sessions/${sessionId}/events?last_event_id=0`), head);
    const read = emptyRead();
    const following = readSseInto(await follow(sessionId, 0), read, head + 1);
    await vi.waitFor(() => expect(read.events.length).toBe(head));
    // Byte for byte what the session sends (same ids, same JSON).
    expect(read.messages.map((m) => [m.id, m.data])).toEqual(own.messages.map((m) => [m.id, m.data]));
    // Live: the run's end reaches the follower through the relay.
    expect((await cancel(sessionId)).status).toBe(202);
    await following;
    expect(ids(read.events)).toEqual(range(1, head + 1));
    expect(read.events.at(-1)?.event_type).toMatch(/^run_/);
    // Resume after any id on another relay: exactly the events after it.
    const resumed = await readSse(await follow(sessionId, 3, 17), head + 1 - 17);
    expect(ids(resumed.events)).toEqual(range(18, head + 1));
    expect(resumed.messages.map((m) => m.data)).toEqual(read.messages.slice(17).map((m) => m.data));
  });

  it("loses and repeats nothing for its followers when the relay object restarts mid-stream", async () => {
    const { sessionId, head } = await startBigSession(TEST_USER, 30);
    expect(head).toBe(31);
    const first = emptyRead();
    const broken = readSseInto(await follow(sessionId, 1), first).catch((error: unknown) => error);
    await vi.waitFor(() => expect(first.events.length).toBe(head));
    // Kill the relay's instance, as an eviction or crash would; its followers' streams break.
    await runInDurableObject(relayStub(env, sessionId, 1), (_relay, state) => state.abort()).catch(() => {});
    await broken;
    // The session goes on while the relay is down: the run's end is logged.
    expect((await cancel(sessionId)).status).toBe(202);
    const last = first.events.at(-1)?.id ?? 0;
    const second = await readSse(await follow(sessionId, 1, last), head + 1 - last);
    const all = [...first.events, ...second.events];
    expect(ids(all)).toEqual(range(1, head + 1));
    // The new instance went on from the rows it had stored: its log holds each id once.
    const status = await relayStub(env, sessionId, 1).status();
    expect(status.head).toBe(head + 1);
    const rows = await runInDurableObject(relayStub(env, sessionId, 1), (_relay, state) =>
      state.storage.sql
        .exec<{ n: number; distinct_ids: number }>(
          "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS distinct_ids FROM events",
        )
        .one(),
    );
    expect(rows).toEqual({ n: head + 1, distinct_ids: head + 1 });
  });

  it("lets a follower go when it hangs up: the relay serves no stream nobody reads", async () => {
    const { sessionId } = await startBigSession(TEST_USER, 10);
    const read = await readSse(await follow(sessionId, 5), 3);
    expect(ids(read.events)).toEqual([1, 2, 3]);
    // Its last follower gone, the relay stops following the session too: nothing keeps either awake.
    await vi.waitFor(async () =>
      expect(await relayStub(env, sessionId, 5).status()).toMatchObject({ followers: 0, feed: "idle" }),
    );
    // A new follower starts the feed again from the relay's own head.
    const again = await readSse(await follow(sessionId, 5, 3), 2);
    expect(ids(again.events)).toEqual([4, 5]);
    await cancel(sessionId);
  });
});

describe("who may follow through a relay", () => {
  it("refuses a caller who may not read the session, as the session's own stream does", async () => {
    const { sessionId } = await startBigSession(TEST_USER, 4, 10);
    const stranger = await api(relayPath(sessionId, 0), {}, { user: `stranger-${crypto.randomUUID().slice(0, 8)}` });
    const own = await api(`/sessions/${sessionId}/events`, {}, { user: "stranger-2" });
    expect([stranger.status, own.status]).toEqual([404, 404]);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await api(relayPath(sessionId, 0), {}, { token: null })).status).toBe(401);
    expect((await api(relayPath(crypto.randomUUID(), 0))).status).toBe(404);
    await cancel(sessionId);
  });

  it("ends a removed member's relay stream at once, and a revoked share link's within a recheck", async () => {
    const member = `member-${crypto.randomUUID().slice(0, 8)}`;
    const { sessionId } = await startBigSession(TEST_USER, 4);
    const json = (body: unknown): RequestInit => ({
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect((await api(`/sessions/${sessionId}/members`, json({ user_id: member, role: "viewer" }))).status).toBe(200);
    const created = await api(`/sessions/${sessionId}/shares`, json({ ttl_seconds: 600 }));
    const { share_id, token } = (await created.json()) as { share_id: string; token: string };
    const byMember = await api(relayPath(sessionId, 2), {}, { user: member });
    const byShare = await api(`${relayPath(sessionId, 2)}?token=${encodeURIComponent(token)}`, {}, { token: null });
    const byOwner = await api(relayPath(sessionId, 2));
    expect([byMember.status, byShare.status, byOwner.status]).toEqual([200, 200, 200]);
    const [memberRead, shareRead, ownerRead] = [emptyRead(), emptyRead(), emptyRead()];
    const memberEnded = readSseInto(byMember, memberRead);
    const shareEnded = readSseInto(byShare, shareRead);
    void readSseInto(byOwner, ownerRead, 7);
    await vi.waitFor(() => expect(shareRead.events.length).toBeGreaterThan(0));
    let since = Date.now();
    expect((await api(`/sessions/${sessionId}/members/${member}`, { method: "DELETE" })).status).toBe(204);
    await memberEnded;
    // The member_removed event in the relay's feed makes it ask the session at once.
    expect(Date.now() - since).toBeLessThan(1000);
    since = Date.now();
    expect((await api(`/sessions/${sessionId}/shares/${share_id}`, { method: "DELETE" })).status).toBe(204);
    await shareEnded;
    // A revoked share is no event: the relay finds out at its next recheck.
    expect(Date.now() - since).toBeLessThan(RELAY_ACCESS_RECHECK_MS + 1500);
    // The owner's stream goes on: it gets the member_removed event after the run's four chunks.
    await vi.waitFor(() => expect(ownerRead.events.map((e) => e.event_type)).toContain("member_removed"));
    expect((await api(relayPath(sessionId, 2), {}, { user: member })).status).toBe(404);
    await cancel(sessionId);
  });

  it("refuses a bad relay number, session id or resume point with a 400", async () => {
    const { sessionId, head } = await startBigSession(TEST_USER, 4, 10);
    for (const path of [relayPath(sessionId, 64), `/sessions/${sessionId}/relay/x/stream`, relayPath("nope", 0)]) {
      expect((await api(path)).status).toBe(400);
    }
    const beyond = await api(relayPath(sessionId, 0), { headers: { "Last-Event-ID": String(head + 5) } });
    expect(beyond.status).toBe(400);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe("invalid_resume_point");
    await cancel(sessionId);
  });

  it("is the ordinary 404 with RELAYS=off", async () => {
    const { sessionId } = await startBigSession(TEST_USER, 4, 10);
    const headers = { Authorization: `Bearer ${await tokenFor()}` };
    const off = await callApp(`${BASE}${relayPath(sessionId, 0)}`, { headers }, { RELAYS: "off" });
    const unknown = await callApp(`${BASE}/sessions/${sessionId}/nothing-here`, { headers }, { RELAYS: "off" });
    expect([off.status, unknown.status]).toEqual([404, 404]);
    const body = (await off.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toBe(`no route for GET ${relayPath(sessionId, 0)}`);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^no route for GET /);
    await cancel(sessionId);
  });
});
