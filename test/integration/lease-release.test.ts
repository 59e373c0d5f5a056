/**
 * Leases are given back when streams and runs end, not merely left to expire: in this project a
 * stream lease lives 60 s and a run lease 90 s, so a count back at zero within the poll window
 * (10 s) can only come from a release.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { api, postChat, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { readSse } from "../helpers/sse";

/** The poll window: a count back at zero within it can only come from a release. */
const RELEASE_WINDOW = { timeout: 10_000, interval: 100 };

/** The user's counted leases, as the limits object has them. */
const countsOf = (user: string) => userLimitsStub(env, user).counts();

describe("lease release", () => {
  it("uses long leases here, so only a release can bring a count back to zero quickly", () => {
    expect(loadConfig(env).streamLeaseSeconds).toBeGreaterThanOrEqual(60);
  });

  it("releases the stream lease when a stream ends and the run lease when the run ends", async () => {
    const res = await postChat("novachat", { message: "release me" });
    await readSse(res);
    const id = res.headers.get("X-Session-Id") ?? "";
    await waitIdle(id);
    await expect.poll(() => countsOf(TEST_USER), RELEASE_WINDOW).toMatchObject({ stream: 0, run: 0 });
  });

  it("releases the stream lease when the client goes away mid-stream", async () => {
    const started = await startDetached("novachat", { message: "walk away" });
    const res = await api(started.events_url);
    const reader = res.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await waitIdle(started.session_id);
    await expect.poll(() => countsOf(TEST_USER), RELEASE_WINDOW).toMatchObject({ stream: 0, run: 0 });
  });

  it("releases the stream lease of a refused or empty stream at once", async () => {
    const started = await startDetached("novachat", { message: "nothing new" });
    const snap = await waitIdle(started.session_id);
    const empty = await api(`/sessions/${started.session_id}/events`, {
      headers: { "Last-Event-ID": String(snap.last_event_id) },
    });
    expect(empty.status).toBe(204);
    const missing = await api("/sessions/00000000-0000-4000-8000-000000000000/events");
    expect(missing.status).toBe(404);
    await expect.poll(() => countsOf(TEST_USER), RELEASE_WINDOW).toMatchObject({ stream: 0 });
  });
});

describe("GET /usage", () => {
  it("shows the caller's open streams and active runs against their limits", async () => {
    const started = await startDetached("novachat", { message: "usage" });
    const res = await api(started.events_url);
    const reader = res.body?.getReader();
    await reader?.read();
    const during = (await (await api("/usage")).json()) as { streams: { open: number }; runs: { active: number } };
    expect(during).toMatchObject({ user_id: TEST_USER, streams: { open: 1, limit: 500 } });
    expect(during.runs.active).toBeLessThanOrEqual(1);
    await reader?.cancel();
    await waitIdle(started.session_id);
    await expect.poll(() => countsOf(TEST_USER), RELEASE_WINDOW).toMatchObject({ stream: 0, run: 0 });
    expect(await (await api("/usage")).json()).toMatchObject({ streams: { open: 0 }, runs: { active: 0 } });
  });

  it("needs a bearer token: a read token does not open it", async () => {
    const started = await startDetached("novachat", { message: "usage token" });
    expect((await api(`/usage?token=${started.read_token}`, undefined, { token: null })).status).toBe(401);
  });
});
