/**
 * The caps on what one user keeps (this project's bindings: 3 live sessions a user, 256 KiB stored
 * a session), reached for real: a session past the cap is refused with 429 and Retry-After and
 * deleting or expiring one frees its place; a run start in a session that stores its cap is
 * refused with 413 and stores nothing.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { loadConfig } from "../../src/env";
import { sessionStub } from "../../src/http/session-client";
import { sessionLeaseMs } from "../../src/limits/session-leases";
import { type Auth, api, postChat, waitIdle } from "../helpers/api";
import { BIG_MESSAGE, createSession, expectError, newUser, start, until, usage } from "../helpers/caps";

const config = loadConfig(env);

/** The refusal of one session too many: 429 naming the limit, with a Retry-After within a session lease. */
async function expectSessionLimit(res: Response): Promise<void> {
  const retryAfter = Number(res.headers.get("Retry-After"));
  const message = await expectError(res, 429, "rate_limited");
  expect(message).toMatch(/too many live sessions for this user \(limit 3\)/);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(sessionLeaseMs(config.sessionTtlSeconds) / 1000);
}

/** Fills the user's sessions to the cap; returns their ids. */
async function fill(name: string, auth: Auth): Promise<string[]> {
  expect(config.maxSessionsPerUser).toBe(3);
  const ids: string[] = [];
  for (let i = 0; i < config.maxSessionsPerUser; i++) ids.push(await createSession(name, auth));
  return ids;
}

/** The session's storage as SQLite counts it, and what it holds. */
function storage(sessionId: string) {
  return runInDurableObject(sessionStub(env, sessionId), (_o, state) => ({
    bytes: state.storage.sql.databaseSize,
    events: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
    runs: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM runs").one().n,
  }));
}

describe("sessions per user", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());
  const audits = () =>
    log.mock.calls
      .map((call) => String(call[0]))
      .filter((line) => line.startsWith('{"type":"audit"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it("refuses one session more than MAX_SESSIONS_PER_USER with 429 and Retry-After; a delete frees a slot", async () => {
    const { name, auth } = newUser("sessions");
    const [first] = await fill(name, auth);
    expect(await usage(auth)).toMatchObject({ sessions: { live: 3, limit: 3 } });

    await expectSessionLimit(await start(auth));
    // The streamed form is refused the same way and leaves no stream counted.
    await expectSessionLimit(await postChat("loomichat", { message: "streamed" }, {}, auth));
    expect(audits()).toContainEqual(
      expect.objectContaining({ event: "limit_hit", limit: "sessions_per_user", user_id: name }),
    );

    expect((await api(`/sessions/${first}`, { method: "DELETE" }, auth)).status).toBe(204);
    // The delete answered once the slot was free: no wait.
    expect((await usage(auth)).sessions.live).toBe(2);
    await createSession(name, auth);
    expect(await usage(auth)).toMatchObject({ streams: { open: 0 }, sessions: { live: 3 } });
  });

  it("frees the slot of a session that expired, and still admits runs in the sessions it has", async () => {
    const { name, auth } = newUser("expiry");
    const [oldest, second] = await fill(name, auth);
    await expectSessionLimit(await start(auth));
    // A run in a session the user already has is not a new session.
    const again = await start(auth, "again", second);
    expect(again.status, await again.text()).toBe(202);

    await waitIdle(oldest, 30_000, auth);
    const stub = sessionStub(env, oldest);
    // Age the session past its TTL, as if it had been left alone that long, and let its alarm run.
    await runInDurableObject(stub, (_o, state) => {
      const old = new Date(Date.now() - (config.sessionTtlSeconds + 1) * 1000).toISOString();
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'updated_at'", old);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await api(`/sessions/${oldest}`, {}, auth)).status).toBe(404);
    expect(
      (
        await until(
          () => usage(auth),
          (u) => u.sessions.live === 2,
        )
      ).sessions.live,
    ).toBe(2);
    await createSession(name, auth);
  });
});

describe("bytes stored per session", () => {
  it("refuses a run start in a session past MAX_LOG_BYTES_PER_SESSION with 413, storing nothing", async () => {
    const max = config.maxLogBytesPerSession;
    expect(max).toBe(262_144);
    const { name, auth } = newUser("log-cap");
    const log = vi.spyOn(console, "log");
    try {
      // Each run of a 62 KB message stores it twice (run record and turn): two runs cross the cap.
      const first = await start(auth, BIG_MESSAGE);
      expect(first.status).toBe(202);
      const id = ((await first.json()) as { session_id: string }).session_id;
      await waitIdle(id, 30_000, auth);
      expect((await storage(id)).bytes).toBeLessThan(max);
      // The run that crosses the cap is let finish.
      expect((await start(auth, BIG_MESSAGE, id)).status).toBe(202);
      const crossed = await waitIdle(id, 30_000, auth);
      expect((crossed.runs as { status: string }[]).map((run) => run.status)).toEqual(["completed", "completed"]);
      const before = await storage(id);
      expect(before.bytes).toBeGreaterThanOrEqual(max);

      const refused = await start(auth, "one more", id);
      const message = await expectError(refused, 413, "session_full");
      expect(message).toContain(`limit of ${max} (MAX_LOG_BYTES_PER_SESSION)`);
      const streamed = await postChat("loomichat", { message: "streamed", session_id: id }, {}, auth);
      await expectError(streamed, 413, "session_full");
      expect(await storage(id)).toEqual(before);
      expect((await waitIdle(id, 30_000, auth)).runs).toHaveLength(2);

      // Another user still cannot tell the session exists.
      const stranger = newUser("stranger");
      await expectError(await start(stranger.auth, "mine now", id), 404, "not_found");

      const audited = log.mock.calls.map((call) => String(call[0])).filter((l) => l.includes('"limit_hit"'));
      expect(audited.map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({ limit: "log_bytes_per_session", user_id: name, session_id: id }),
      );
    } finally {
      log.mockRestore();
    }
    const shown = await until(
      () => usage(auth),
      (u) => Object.values(u.log_bytes.by_session).some((bytes) => bytes >= max) && u.streams.open === 0,
    );
    expect(shown.log_bytes.limit_per_session).toBe(max);
    expect(shown.streams.open).toBe(0);
    expect(shown.runs.active).toBe(0);
  });
});
