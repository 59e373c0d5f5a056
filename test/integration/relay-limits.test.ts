/**
 * Relay objects (RELAYS=on, docs/scale.md) under the service's stream limits: a relay stream
 * counts against the user's open streams as the session's own stream does (429 + Retry-After past
 * MAX_STREAMS_PER_USER, the lease back when the stream ends); each relay admits at most
 * MAX_STREAMS_PER_SESSION followers. Their deletion with the session: relay-cleanup.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { relayStub } from "../../src/relay/relay-object";
import { api, BASE, tokenFor } from "../helpers/api";
import { callApp } from "../helpers/app";
import { startBigSession } from "../helpers/big-session";
import { readSse } from "../helpers/sse";

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
