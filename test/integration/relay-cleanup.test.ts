/**
 * A relay's copy of its session's log (RELAYS=on, docs/scale.md) goes with the session: deleting
 * it, by its owner or at its expiry, deletes every relay's copy (session/relay-copies.ts), and a
 * relay's followers end as the session's own readers end. Should that deletion call be lost, the
 * relay's own alarm finds the session gone and deletes its copy (relay/relay-lifetime.ts).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { relayStub } from "../../src/relay/relay-object";
import { api, waitIdle } from "../helpers/api";
import { startBigSession } from "../helpers/big-session";
import { emptyRead, readSse, readSseInto } from "../helpers/sse";

const relayPath = (sessionId: string, n: number) => `/sessions/${sessionId}/relay/${n}/stream`;
const newUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const cancel = (sessionId: string, user: string) => api(`/sessions/${sessionId}/cancel`, { method: "POST" }, { user });
const sessionObject = (sessionId: string) => env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));

/** Rows left in a relay object's storage, over every table it has. */
function relayRows(sessionId: string, n: number): Promise<number> {
  return runInDurableObject(relayStub(env, sessionId, n), (_relay, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
      .toArray();
    let rows = 0;
    for (const { name } of tables) {
      rows += state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).one().n;
    }
    return rows;
  });
}

/** A finished session of `user` whose log relay `n` copied, with no follower left on the relay. */
async function copiedSession(user: string, n: number): Promise<string> {
  const { sessionId, head } = await startBigSession(user, 4, 10);
  expect((await readSse(await api(relayPath(sessionId, n), {}, { user }), head)).events).toHaveLength(head);
  await cancel(sessionId, user);
  await waitIdle(sessionId, undefined, { user });
  await vi.waitFor(async () => expect(await relayStub(env, sessionId, n).status()).toMatchObject({ followers: 0 }));
  expect(await relayRows(sessionId, n)).toBeGreaterThan(0);
  return sessionId;
}

describe("a deleted session's relays", () => {
  it("deletes every relay's copy with the session; its followers end as the session's own readers do", async () => {
    const user = newUser("relay-delete");
    const { sessionId, head } = await startBigSession(user, 6, 10);
    const [onRelay0, onRelay1, onSession] = [emptyRead(), emptyRead(), emptyRead()];
    const ends = [
      readSseInto(await api(relayPath(sessionId, 0), {}, { user }), onRelay0),
      readSseInto(await api(relayPath(sessionId, 1), {}, { user }), onRelay1),
      readSseInto(await api(`/sessions/${sessionId}/events`, {}, { user }), onSession),
    ].map((read) =>
      read.then(
        () => "ended",
        (error: unknown) => `failed: ${error}`,
      ),
    );
    await vi.waitFor(() =>
      expect([onRelay0, onRelay1, onSession].map((r) => r.events.length)).toEqual([head, head, head]),
    );
    expect(await relayRows(sessionId, 0)).toBeGreaterThan(0);
    expect((await api(`/sessions/${sessionId}`, { method: "DELETE" }, { user })).status).toBe(204);
    // Every stream, on a relay or on the session, simply ends.
    expect(await Promise.all(ends)).toEqual(["ended", "ended", "ended"]);
    expect([await relayRows(sessionId, 0), await relayRows(sessionId, 1)]).toEqual([0, 0]);
    // Coming back gets what the session's own stream answers: 404.
    const [relay, own] = [
      await api(relayPath(sessionId, 0), {}, { user }),
      await api(`/sessions/${sessionId}/events`, {}, { user }),
    ];
    expect([relay.status, own.status]).toEqual([404, 404]);
    expect(await relay.json()).toEqual(await own.json());
    // The id used again (an AI SDK chat id is): the relay serves the new session's log, not a purged one.
    const again = await startBigSession(user, 2, 10, sessionId);
    const fresh = await readSse(await api(relayPath(sessionId, 0), {}, { user }), again.head);
    expect(fresh.events.map((event) => event.id)).toEqual([1, 2, 3]);
    expect(await relayRows(sessionId, 0)).toBe(again.head + 1); // its events and the stored session id
    await cancel(sessionId, user);
  });

  it("deletes the copies of an idle relay when the session expires", async () => {
    // Its follower gone, the relay no longer follows the session; its copy stays until the session goes.
    const user = newUser("relay-expire");
    const sessionId = await copiedSession(user, 2);
    const session = sessionObject(sessionId);
    // Age the session past its TTL (default 3600 s), as if an hour passed without activity.
    await runInDurableObject(session, (_o, state) => {
      const old = new Date(Date.now() - 3601 * 1000).toISOString();
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'updated_at'", old);
    });
    expect(await runDurableObjectAlarm(session)).toBe(true);
    expect((await api(`/sessions/${sessionId}`, {}, { user })).status).toBe(404);
    expect(await relayRows(sessionId, 2)).toBe(0);
  });

  it("deletes a relay's copy at the relay's own alarm when the session's call to delete it was lost, across a restart", async () => {
    const user = newUser("relay-lost");
    const sessionId = await copiedSession(user, 3);
    // The relay is evicted (its last feed call dies with it); the new instance has only what it stored.
    await runInDurableObject(relayStub(env, sessionId, 3), (_relay, state) => state.abort()).catch(() => {});
    // The session forgets its relay, as if its deletion call had never arrived.
    await runInDurableObject(sessionObject(sessionId), (_o, state) =>
      state.storage.sql.exec("DELETE FROM relay_copies"),
    );
    expect((await api(`/sessions/${sessionId}`, { method: "DELETE" }, { user })).status).toBe(204);
    expect(await relayRows(sessionId, 3)).toBeGreaterThan(0);
    expect(await runDurableObjectAlarm(relayStub(env, sessionId, 3))).toBe(true);
    expect(await relayRows(sessionId, 3)).toBe(0);
  });

  it("keeps a live session's relay copy at the relay's alarm, and looks again later", async () => {
    const sessionId = await copiedSession(newUser("relay-kept"), 4);
    const relay = relayStub(env, sessionId, 4);
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    expect(await relayRows(sessionId, 4)).toBeGreaterThan(0);
    const next = await runInDurableObject(relay, (_relay, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now());
  });
});
