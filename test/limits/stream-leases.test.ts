/**
 * SSE streams and WebSockets are one kind of thing to the limits: each holds one stream lease of
 * its user (MAX_STREAMS_PER_USER, 3 here) and one place in its session (MAX_STREAMS_PER_SESSION,
 * 2 here), whichever transport it uses. A lease lasts as long as its connection, however slowly
 * that connection is read, and is given back when it ends (stream leases live 2 s here).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { type Auth, api } from "../helpers/api";
import { startBigSession } from "../helpers/big-session";
import { connectWs } from "../helpers/ws";

const config = loadConfig(env);
const upgrade = { headers: { Upgrade: "websocket" } };

function newUser(): { name: string; auth: Auth } {
  const name = `leases-${crypto.randomUUID().slice(0, 8)}`;
  return { name, auth: { user: name } };
}

const streams = async (user: string) => (await userLimitsStub(env, user).counts()).stream;

/** Polls the user's live stream count until `done` holds (at most ~10 s); returns the last count. */
async function streamsUntil(user: string, done: (n: number) => boolean): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const n = await streams(user);
    if (done(n)) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return streams(user);
}

async function expect429(res: Response, pattern: RegExp): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  expect(JSON.parse(text).error.message).toMatch(pattern);
  expect(Number(res.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  expect(res.webSocket ?? null).toBeNull();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cancelRun = (id: string, auth: Auth) => api(`/sessions/${id}/cancel`, { method: "POST" }, auth);

describe("stream leases across SSE and WebSocket", () => {
  it("counts a user's SSE streams and sockets together, and a session's too", async () => {
    expect([config.maxStreamsPerUser, config.maxStreamsPerSession]).toEqual([3, 2]);
    const { name, auth } = newUser();
    const one = await startBigSession(name, 4, 100);
    const two = await startBigSession(name, 4, 100);
    const sse = await api(`/sessions/${one.sessionId}/events`, {}, auth);
    expect(sse.status).toBe(200);
    const socketOne = await connectWs(`/sessions/${one.sessionId}/ws`, {}, auth);
    expect(await streams(name)).toBe(2);

    // The session has one SSE stream and one socket: full, whichever transport asks next.
    await expect429(await api(`/sessions/${one.sessionId}/ws`, upgrade, auth), /open event streams/);
    await expect429(await api(`/sessions/${one.sessionId}/events`, {}, auth), /open event streams/);

    const socketTwo = await connectWs(`/sessions/${two.sessionId}/ws`, {}, auth);
    expect(await streams(name)).toBe(3);
    // The user has three: a fourth is refused on a session with room, over either transport.
    await expect429(await api(`/sessions/${two.sessionId}/ws`, upgrade, auth), /open event streams for this user/);
    await expect429(await api(`/sessions/${two.sessionId}/events`, {}, auth), /open event streams for this user/);

    // A closed socket gives its lease back at once (its lease would otherwise outlive the test).
    socketOne.ws.close(1000, "done");
    await socketOne.closed;
    expect(await streamsUntil(name, (n) => n === 2)).toBe(2);
    const again = await connectWs(`/sessions/${two.sessionId}/ws`, {}, auth);
    expect(await streams(name)).toBe(3);

    for (const socket of [socketTwo, again]) socket.ws.close(1000, "done");
    await sse.body?.cancel();
    await cancelRun(one.sessionId, auth);
    await cancelRun(two.sessionId, auth);
    expect(await streamsUntil(name, (n) => n === 0)).toBe(0);
  });

  it("keeps an idle socket's lease past the lease lifetime, and releases it when the server closes the socket", async () => {
    const { name, auth } = newUser();
    const session = await startBigSession(name, 2, 10);
    await cancelRun(session.sessionId, auth);
    const socket = await connectWs(`/sessions/${session.sessionId}/ws`, {}, auth);
    await sleep(config.streamLeaseSeconds * 1000 * 2 + 500);
    expect(await streams(name)).toBe(1);
    expect((await api(`/sessions/${session.sessionId}`, { method: "DELETE" }, auth)).status).toBe(204);
    expect((await socket.closed).code).toBe(1000);
    expect(await streamsUntil(name, (n) => n === 0)).toBe(0);
  });

  it("keeps the lease of an SSE stream nobody reads for longer than the lease lifetime, until it ends", async () => {
    const { name, auth } = newUser();
    // About 4 MB: far more than every buffer between the object and this test, so the stream
    // stops being pulled long before the reader has taken anything.
    const session = await startBigSession(name, 1000, 4000);
    const res = await api(`/sessions/${session.sessionId}/events`, {}, auth);
    expect(res.status).toBe(200);
    await sleep(config.streamLeaseSeconds * 1000 * 2 + 500);
    expect(await streams(name)).toBe(1);
    await res.body?.cancel();
    await cancelRun(session.sessionId, auth);
    expect(await streamsUntil(name, (n) => n === 0)).toBe(0);
  });
});
