/**
 * Relay objects (RELAYS=on, docs/scale.md) under the service's limits and lifetime: a relay stream
 * counts against the user's open streams as the session's own stream does (429 + Retry-After past
 * MAX_STREAMS_PER_USER, the lease back when the stream ends); each relay admits at most
 * MAX_STREAMS_PER_SESSION followers; deleting a session, by its owner or at its expiry, deletes
 * every relay's copy of its log, and a relay's followers end as the session's own readers end.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { relayStub } from "../../src/relay/relay-object";
import { api, BASE, tokenFor, waitIdle } from "../helpers/api";
import { callApp } from "../helpers/app";
import { startBigSession } from "../helpers/big-session";
import { emptyRead, readSse, readSseInto } from "../helpers/sse";

const relayPath = (sessionId: string, n: number) => `/sessions/${sessionId}/relay/${n}/stream`;
const newUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const cancel = (sessionId: string, user: string) => api(`/sessions/${sessionId}/cancel`, { method: "POST" }, { user });

/** GETs `path` as `user` on the app with `limits` in place of the test bindings' limits. */
async function getAs(user: string, path: string, limits: Record<string, string>): Promise<Response> {
  const headers = { Authorization: `Bearer ${await tokenFor(user)}` };
  return callApp(`${BASE}${path}`, { headers }, limits);
}

/** Expects a 429 with Retry-After and the rate_limited code. */
async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
}

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

describe("relay streams under the stream limits", () => {
  it("counts a relay stream as one of the user's streams: 429 + Retry-After past the limit, the lease back when it ends", async () => {
    const user = newUser("relay-streams");
    const limits = { MAX_STREAMS_PER_USER: "2" };
    // A large log (40 events of 4 KB): the relay is still writing when its reader hangs up, so it sees it at once.
    const { sessionId } = await startBigSession(user, 40);
    const first = await getAs(user, relayPath(sessionId, 0), limits);
    const own = await getAs(user, `/sessions/${sessionId}/events`, limits);
    expect([first.status, own.status]).toEqual([200, 200]);
    // Two streams held, one of each kind: a third is refused on a relay as on the session.
    await expectRefused(await getAs(user, relayPath(sessionId, 1), limits));
    await expectRefused(await getAs(user, `/sessions/${sessionId}/events`, limits));
    // The relay stream ends (its reader hangs up): its lease goes back and a new stream is admitted.
    expect((await readSse(first, 1)).events).toHaveLength(1);
    await vi.waitFor(async () => expect(await relayStub(env, sessionId, 0).status()).toMatchObject({ followers: 0 }));
    const again = await vi.waitFor(
      async () => {
        const response = await getAs(user, relayPath(sessionId, 1), limits);
        if (response.status !== 200) throw new Error(`still ${response.status}`);
        return response;
      },
      { timeout: 5000, interval: 100 },
    );
    await Promise.all([again.body?.cancel(), own.body?.cancel()]);
    await cancel(sessionId, user);
  });

  it("admits at most MAX_STREAMS_PER_SESSION followers on each relay, and a refused follower's lease goes back", async () => {
    const user = newUser("relay-full");
    const limits = { MAX_STREAMS_PER_SESSION: "2", MAX_STREAMS_PER_USER: "3" };
    const { sessionId } = await startBigSession(user, 4, 10);
    const held = [
      await getAs(user, relayPath(sessionId, 0), limits),
      await getAs(user, relayPath(sessionId, 0), limits),
    ];
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    await expectRefused(await getAs(user, relayPath(sessionId, 0), limits));
    // Another relay has its own followers: the third stream fits the user's limit of 3 only if the
    // refused one gave its lease back.
    const other = await vi.waitFor(
      async () => {
        const response = await getAs(user, relayPath(sessionId, 1), limits);
        if (response.status !== 200) throw new Error(`still ${response.status}`);
        return response;
      },
      { timeout: 5000, interval: 100 },
    );
    expect(await relayStub(env, sessionId, 0).status()).toMatchObject({ followers: 2 });
    await Promise.all([...held, other].map((r) => r.body?.cancel()));
    await cancel(sessionId, user);
  });
});

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
  });

  it("deletes the copies of an idle relay when the session expires", async () => {
    const user = newUser("relay-expire");
    const { sessionId, head } = await startBigSession(user, 4, 10);
    expect((await readSse(await api(relayPath(sessionId, 2), {}, { user }), head)).events).toHaveLength(head);
    await cancel(sessionId, user);
    await waitIdle(sessionId, undefined, { user });
    // Its follower gone, the relay no longer follows the session; its copy stays until the session goes.
    await vi.waitFor(async () => expect(await relayStub(env, sessionId, 2).status()).toMatchObject({ followers: 0 }));
    expect(await relayRows(sessionId, 2)).toBeGreaterThan(0);
    const namespace = env.SESSIONS;
    const session = namespace.get(namespace.idFromName(sessionId));
    // Age the session past its TTL (default 3600 s), as if an hour passed without activity.
    await runInDurableObject(session, (_o, state) => {
      const old = new Date(Date.now() - 3601 * 1000).toISOString();
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'updated_at'", old);
    });
    expect(await runDurableObjectAlarm(session)).toBe(true);
    expect((await api(`/sessions/${sessionId}`, {}, { user })).status).toBe(404);
    expect(await relayRows(sessionId, 2)).toBe(0);
  });
});
