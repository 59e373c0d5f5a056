/**
 * The probe that found issue 19 item 5, kept as a test so the caps keep holding. A user created 14
 * sessions in 42 s, each with a 62 KB body: the run rate (30 a minute) was the only bound, so one
 * user could hold about 1,800 live sessions an hour, and a busy session's storage grew without
 * limit. Here (3 sessions a user, 256 KiB a session) the same client meets both caps.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { sessionStub } from "../../src/http/session-client";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { api, waitIdle } from "../helpers/api";
import { BIG_MESSAGE, newUser, start, until, usage } from "../helpers/caps";

const config = loadConfig(env);

describe("hostile: sessions and storage", () => {
  it("a user creating sessions with 62 KB bodies as fast as allowed holds at most MAX_SESSIONS_PER_USER", async () => {
    const { name, auth } = newUser("hoarder");
    const outcomes: string[] = [];
    // As many starts as the bucket allows at once; each run is ended so only the session cap can stop them.
    for (let i = 0; i < config.runBurst; i++) {
      const res = await start(auth, BIG_MESSAGE);
      const body = (await res.json()) as { session_id?: string; error?: { message: string } };
      outcomes.push(res.status === 202 ? "created" : `${res.status} ${body.error?.message}`);
      if (!body.session_id) continue;
      await api(`/sessions/${body.session_id}/cancel`, { method: "POST" }, auth);
      await until(
        () => userLimitsStub(env, name).counts(),
        (counts) => counts.run === 0,
      );
    }
    const created = outcomes.filter((outcome) => outcome === "created");
    expect(created).toHaveLength(config.maxSessionsPerUser);
    for (const refused of outcomes.slice(created.length)) expect(refused).toMatch(/^429 too many live sessions/);
    expect((await usage(auth)).sessions).toEqual({ live: config.maxSessionsPerUser, limit: 3 });
  });

  it("a busy session stops growing once it stores MAX_LOG_BYTES_PER_SESSION, past it by one run at most", async () => {
    const { auth } = newUser("filler");
    const first = (await (await start(auth, BIG_MESSAGE)).json()) as { session_id: string };
    const id = first.session_id;
    const sizes: number[] = [];
    let refusal: Response | undefined;
    for (let i = 1; i < config.runBurst && !refusal; i++) {
      await waitIdle(id, 30_000, auth);
      sizes.push(await runInDurableObject(sessionStub(env, id), (_o, state) => state.storage.sql.databaseSize));
      const res = await start(auth, BIG_MESSAGE, id);
      if (res.status === 202) await res.body?.cancel();
      else refusal = res;
    }
    expect(refusal?.status).toBe(413);
    const last = sizes[sizes.length - 1];
    const runBytes = Math.max(...sizes.slice(1).map((size, i) => size - sizes[i]), sizes[0]);
    expect(last).toBeGreaterThanOrEqual(config.maxLogBytesPerSession);
    expect(last).toBeLessThan(config.maxLogBytesPerSession + runBytes);
  });
});
