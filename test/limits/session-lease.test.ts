/**
 * A session counts against MAX_SESSIONS_PER_USER under a lease that must not lapse while the
 * session lives: it is renewed whenever the session's life is extended (each run start and end,
 * and every check on an active run, which may outlast the idle TTL), always to beyond the moment
 * the session itself would expire, with what the session stores.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { sessionStub } from "../../src/http/session-client";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { api, postChat, startDetached, waitIdle } from "../helpers/api";

const config = loadConfig(env);
const TTL_MS = config.sessionTtlSeconds * 1000;
const user = `lease-${crypto.randomUUID().slice(0, 8)}`;
const auth = { user };

type LeaseRow = { expires_at: number; bytes: number };

function leaseOf(sessionId: string): Promise<LeaseRow | undefined> {
  return runInDurableObject(
    userLimitsStub(env, user),
    (_o, state) =>
      state.storage.sql
        .exec<LeaseRow>("SELECT expires_at, bytes FROM leases WHERE id = ? AND kind = 'session'", sessionId)
        .toArray()[0],
  );
}

async function settled(sessionId: string, done: (lease: LeaseRow | undefined) => boolean): Promise<LeaseRow> {
  for (let i = 0; i < 100; i++) {
    const lease = await leaseOf(sessionId);
    if (lease && done(lease)) return lease;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`session lease of ${sessionId} never settled: ${JSON.stringify(await leaseOf(sessionId))}`);
}

const sessionState = (sessionId: string) =>
  runInDurableObject(sessionStub(env, sessionId), (_o, state) => ({
    updatedAt: Date.parse(
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'updated_at'").one().value,
    ),
    bytes: state.storage.sql.databaseSize,
  }));

describe("session leases", () => {
  it("outlive the session's own expiry, and move with every run start and end", async () => {
    const started = await startDetached("loomichat", { message: "lease" }, auth);
    const id = started.session_id;
    await waitIdle(id, 15_000, auth);
    const idle = await sessionState(id);
    const first = await settled(id, (lease) => !!lease && lease.expires_at > idle.updatedAt + TTL_MS);
    expect(first.bytes).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 20));
    const res = await postChat("loomichat", { message: "again", session_id: id }, { Accept: "application/json" }, auth);
    expect(res.status).toBe(202);
    await waitIdle(id, 15_000, auth);
    const later = await sessionState(id);
    expect(later.updatedAt).toBeGreaterThan(idle.updatedAt);
    const moved = await settled(id, (lease) => !!lease && lease.expires_at > later.updatedAt + TTL_MS);
    expect(moved.expires_at).toBeGreaterThan(first.expires_at);
    expect(moved.bytes).toBeGreaterThanOrEqual(first.bytes);
  });

  it("is renewed at every check on an active run, however long the run lasts", async () => {
    const started = await startDetached("novachat", { message: "a long one" }, auth);
    const id = started.session_id;
    await settled(id, (lease) => lease !== undefined);
    // As if the run had outlasted the lease: only the run's keepalive can bring it back.
    await runInDurableObject(userLimitsStub(env, user), (_o, state) => {
      state.storage.sql.exec("UPDATE leases SET expires_at = ? WHERE id = ?", Date.now() + 1000, id);
    });
    // This project's runs take seconds (50 ms a token): the run is still active here.
    const snapshot = (await (await api(`/sessions/${id}`, {}, auth)).json()) as { status: string };
    expect(snapshot.status).toBe("running");
    expect(await runDurableObjectAlarm(sessionStub(env, id))).toBe(true);
    await settled(id, (lease) => !!lease && lease.expires_at > Date.now() + TTL_MS);
    await api(`/sessions/${id}`, { method: "DELETE" }, auth);
    expect(await leaseOf(id)).toBeUndefined();
  });
});
