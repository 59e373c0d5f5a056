/**
 * Every limit, hit for real (this project's bindings: 3 streams a user, 2 a session, 2 runs a
 * user, a bucket of 6 run starts refilled at 6 a minute, 2-second stream leases, slow runs), and
 * released again when the stream closes, the run ends or the lease expires.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { loadConfig } from "../../src/env";
import { RUN_SLOT_RETRY_SECONDS } from "../../src/limits/user-limits";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { type Auth, api, postChat, startDetached, waitIdle } from "../helpers/api";
import { auditRecords } from "../helpers/audit-log";
import { retryAfterSeconds } from "../helpers/error-responses";

const config = loadConfig(env);

function newUser(): { name: string; auth: Auth } {
  const name = `limits-${crypto.randomUUID().slice(0, 8)}`;
  return { name, auth: { user: name } };
}

async function expect429(res: Response, pattern: RegExp): Promise<number> {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  expect(JSON.parse(text).error.code).toBe("rate_limited");
  expect(JSON.parse(text).error.message).toMatch(pattern);
  const retry = retryAfterSeconds(res);
  expect(retry).toBeGreaterThanOrEqual(1);
  return retry;
}

/**
 * How long a freed slot may take to show, and how often to look: a closed stream or an ended run
 * gives its lease back within a request or two, and a dead connection's lease lapses after
 * STREAM_LEASE_SECONDS (2 s here).
 */
const SLOT_FREED = { timeout: 10_000, interval: 100 };

/** Retries `attempt` until it answers 200; returns that response. */
function eventually(attempt: () => Promise<Response>): Promise<Response> {
  return vi.waitFor(async () => {
    const res = await attempt();
    if (res.status === 200) return res;
    await res.body?.cancel();
    throw new Error(`never admitted: still ${res.status}`);
  }, SLOT_FREED);
}

/** The user's counted leases, as the limits object has them. */
const countsOf = (user: string) => userLimitsStub(env, user).counts();

const cancelRun = (id: string, auth: Auth) => api(`/sessions/${id}/cancel`, { method: "POST" }, auth);

describe("limits", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());
  const audits = () => auditRecords(log);

  it("counts a user's open streams across sessions and frees a slot when one closes", async () => {
    expect(config.maxStreamsPerUser).toBe(3);
    const { name, auth } = newUser();
    const a = await startDetached("novachat", { message: "a" }, auth);
    const streamed = await postChat("novachat", { message: "b" }, {}, auth);
    expect(streamed.status).toBe(200);
    const b = streamed.headers.get("X-Session-Id");
    const a1 = await api(`/sessions/${a.session_id}/events`, {}, auth);
    const a2 = await api(`/sessions/${a.session_id}/events`, {}, auth);
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect((await userLimitsStub(env, name).counts()).stream).toBe(3);

    const retry = await expect429(await api(`/sessions/${b}/events`, {}, auth), /open event streams for this user/);
    expect(retry).toBeLessThanOrEqual(config.streamLeaseSeconds);
    expect(audits()).toContainEqual(
      expect.objectContaining({ event: "limit_hit", limit: "streams_per_user", user_id: name }),
    );
    // Another user is not affected.
    const other = newUser();
    const theirs = await startDetached("novachat", { message: "c" }, other.auth);
    const theirStream = await api(`/sessions/${theirs.session_id}/events`, {}, other.auth);
    expect(theirStream.status).toBe(200);

    await a1.body?.cancel();
    const admitted = await eventually(() => api(`/sessions/${b}/events`, {}, auth));
    for (const res of [a2, admitted, streamed, theirStream]) await res.body?.cancel();
    for (const [id, who] of [
      [a.session_id, auth],
      [b, auth],
      [theirs.session_id, other.auth],
    ] as const) {
      await cancelRun(id as string, who);
    }
    await expect.poll(async () => (await countsOf(name)).stream, SLOT_FREED).toBe(0);
  });

  it("keeps renewing the lease of a stream that stays open past the lease lifetime", async () => {
    const { name, auth } = newUser();
    const started = await startDetached("novachat", { message: "long" }, auth);
    const res = await api(`/sessions/${started.session_id}/events`, {}, auth);
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const deadline = Date.now() + config.streamLeaseSeconds * 1000 * 2 + 500;
    while (Date.now() < deadline) await reader?.read();
    expect((await userLimitsStub(env, name).counts()).stream).toBe(1);
    await reader?.cancel();
    await cancelRun(started.session_id, auth);
    await expect.poll(async () => (await countsOf(name)).stream, SLOT_FREED).toBe(0);
  });

  it("stops counting leases of connections that died without closing once they expire", async () => {
    const { name, auth } = newUser();
    const started = await startDetached("novachat", { message: "ghosts" }, auth);
    const limits = userLimitsStub(env, name);
    for (let i = 0; i < 3; i++) {
      const taken = await limits.acquire("stream", `ghost-${i}`, 3, config.streamLeaseSeconds * 1000);
      expect(taken.ok).toBe(true);
    }
    await expect429(await api(`/sessions/${started.session_id}/events`, {}, auth), /streams/);
    const res = await eventually(() => api(`/sessions/${started.session_id}/events`, {}, auth));
    await res.body?.cancel();
    await cancelRun(started.session_id, auth);
  });

  it("limits the open streams of one session, answering 429 with Retry-After", async () => {
    expect(config.maxStreamsPerSession).toBe(2);
    const { auth } = newUser();
    const started = await startDetached("novachat", { message: "popular" }, auth);
    const url = `/sessions/${started.session_id}/events`;
    const readers = [await api(url, {}, auth), await api(url, {}, auth)];
    expect(readers.map((r) => r.status)).toEqual([200, 200]);
    const retry = await expect429(await api(url, {}, auth), /open event streams/);
    expect(retry).toBe(5);
    expect(audits()).toContainEqual(
      expect.objectContaining({ event: "limit_hit", limit: "streams_per_session", session_id: started.session_id }),
    );
    await readers[0].body?.cancel();
    const admitted = await eventually(() => api(url, {}, auth));
    await admitted.body?.cancel();
    await readers[1].body?.cancel();
    await cancelRun(started.session_id, auth);
  });

  it("limits a user's active runs; cancelling, finishing or deleting frees the slot", async () => {
    expect(config.maxRunsPerUser).toBe(2);
    const { name, auth } = newUser();
    const first = await startDetached("novachat", { message: "1" }, auth);
    const second = await startDetached("novachat", { message: "2" }, auth);
    const third = await postChat("novachat", { message: "3" }, { Accept: "application/json" }, auth);
    // A slot frees when a run ends: retry soon, not after the run lease's lifetime.
    expect(await expect429(third, /active runs for this user \(limit 2\)/)).toBe(RUN_SLOT_RETRY_SECONDS);
    expect((await userLimitsStub(env, name).counts()).run).toBe(2);
    // A refused start into an existing session leaves it as it was.
    await expect429(
      await postChat("novachat", { message: "4", session_id: first.session_id }, { Accept: "application/json" }, auth),
      /active runs/,
    );

    expect((await cancelRun(first.session_id, auth)).status).toBe(202);
    await expect.poll(async () => (await countsOf(name)).run, SLOT_FREED).toBe(1);
    const fourth = await startDetached("loomichat", { message: "4" }, auth);
    expect((await api(`/sessions/${second.session_id}`, { method: "DELETE" }, auth)).status).toBe(204);
    await expect.poll(async () => (await countsOf(name)).run, SLOT_FREED).toBe(1);
    await waitIdle(fourth.session_id, 30_000, auth);
    await expect.poll(async () => (await countsOf(name)).run, SLOT_FREED).toBe(0);
    const snapshot = await waitIdle(first.session_id, 30_000, auth);
    expect((snapshot.runs as unknown[]).length).toBe(1);

    const all = audits();
    expect(all).toContainEqual(expect.objectContaining({ event: "limit_hit", limit: "runs_per_user", user_id: name }));
    expect(all).toContainEqual(
      expect.objectContaining({
        event: "run_cancelled",
        user_id: name,
        session_id: first.session_id,
        run_id: first.run_id,
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({ event: "run_finished", run_id: first.run_id, status: "cancelled" }),
    );
  });

  it("limits the rate of run starts per user with a token bucket", async () => {
    expect(config.runBurst).toBe(6);
    const { name, auth } = newUser();
    const started: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < config.runBurst; i++) {
      const res = await postChat("loomichat", { message: `r${i}` }, { Accept: "application/json" }, auth);
      statuses.push(res.status);
      if (res.status === 202) started.push(((await res.json()) as { session_id: string }).session_id);
      else await res.body?.cancel();
    }
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    const retry = await expect429(
      await postChat("loomichat", { message: "one too many" }, { Accept: "application/json" }, auth),
      /run starts in a short time/,
    );
    expect(retry).toBeLessThanOrEqual(Math.ceil(60 / config.runRatePerMinute));
    expect(audits()).toContainEqual(expect.objectContaining({ event: "limit_hit", limit: "run_rate", user_id: name }));
    for (const id of started) await cancelRun(id, auth);
  });
});
