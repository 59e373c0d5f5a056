import { describe, expect, it } from "vitest";
import { takeToken } from "../../src/limits/token-bucket";
import { LIMITS, RUN_SLOT_RETRY_SECONDS, UserLimits } from "../../src/limits/user-limits";
import { MemoryLeaseStore } from "../helpers/memory-lease-store";

function setup() {
  const clock = { now: 1_000_000 };
  const store = new MemoryLeaseStore();
  const limits = new UserLimits(store, () => clock.now);
  return { clock, store, limits };
}

const TTL = 60_000;

describe("UserLimits leases", () => {
  it("admits up to the limit, then refuses with the time until the soonest lease expires", () => {
    const { clock, limits } = setup();
    expect(limits.acquire("stream", "a", 2, TTL)).toEqual({ ok: true });
    clock.now += 10_000;
    expect(limits.acquire("stream", "b", 2, TTL)).toEqual({ ok: true });
    const refused = limits.acquire("stream", "c", 2, TTL);
    expect(refused).toEqual({ ok: false, limit: LIMITS.STREAMS_PER_USER, max: 2, retryAfterSeconds: 50 });
    expect(limits.counts()).toEqual({ stream: 2, run: 0, session: 0 });
  });

  it("counts streams and runs separately", () => {
    const { limits } = setup();
    expect(limits.acquire("stream", "s", 1, TTL).ok).toBe(true);
    expect(limits.acquire("run", "r", 1, TTL).ok).toBe(true);
    const refused = limits.acquire("run", "r2", 1, TTL);
    expect(refused.ok === false && refused.limit).toBe(LIMITS.RUNS_PER_USER);
  });

  it("frees a slot when a lease is released", () => {
    const { limits } = setup();
    limits.acquire("stream", "a", 1, TTL);
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(false);
    limits.release("a");
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(true);
  });

  it("stops counting a lease nobody renewed once it expires (a connection that died silently)", () => {
    const { clock, limits } = setup();
    limits.acquire("stream", "dead", 1, TTL);
    clock.now += TTL - 1;
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(false);
    clock.now += 1;
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(true);
    expect(limits.counts().stream).toBe(1);
  });

  it("keeps a renewed lease counted past its first expiry", () => {
    const { clock, limits } = setup();
    limits.acquire("stream", "live", 1, TTL);
    for (let i = 0; i < 5; i++) {
      clock.now += TTL / 3;
      limits.renew("stream", "live", TTL);
    }
    expect(limits.acquire("stream", "other", 1, TTL).ok).toBe(false);
  });

  it("renewing an expired lease counts it again, even over the limit: the stream is alive", () => {
    const { clock, limits } = setup();
    limits.acquire("stream", "slow", 1, TTL);
    clock.now += TTL;
    expect(limits.acquire("stream", "new", 1, TTL).ok).toBe(true);
    limits.renew("stream", "slow", TTL);
    expect(limits.counts().stream).toBe(2);
  });

  it("renews and releases several leases in one call (a session object's batch)", () => {
    const { clock, limits } = setup();
    for (const id of ["a", "b", "c"]) limits.acquire("stream", id, 3, TTL);
    clock.now += TTL - 1;
    limits.renewMany("stream", ["a", "b"], TTL);
    clock.now += 1;
    expect(limits.counts().stream).toBe(2);
    limits.releaseMany(["a", "b"]);
    expect(limits.counts().stream).toBe(0);
  });

  it("taking the same lease id twice counts it once", () => {
    const { limits } = setup();
    expect(limits.acquire("stream", "a", 1, TTL).ok).toBe(true);
    expect(limits.acquire("stream", "a", 1, TTL).ok).toBe(true);
    expect(limits.counts().stream).toBe(1);
  });
});

describe("UserLimits run starts", () => {
  const rate = { perMinute: 6, burst: 2 };

  it("draws on the bucket first, then on the run limit", () => {
    const { limits } = setup();
    expect(limits.startRun({ runId: "1", maxRuns: 1, ttlMs: TTL, rate })).toEqual({ ok: true });
    const busy = limits.startRun({ runId: "2", maxRuns: 1, ttlMs: TTL, rate });
    expect(busy.ok === false && busy.limit).toBe(LIMITS.RUNS_PER_USER);
    const fast = limits.startRun({ runId: "3", maxRuns: 5, ttlMs: TTL, rate });
    expect(fast).toEqual({ ok: false, limit: LIMITS.RUN_RATE, max: 2, retryAfterSeconds: 10 });
  });

  it("asks a refused start to retry when a run may have ended, not after a run lease's lifetime", () => {
    const { clock, limits } = setup();
    const lease = 90_000;
    expect(limits.startRun({ runId: "1", maxRuns: 1, ttlMs: lease, rate }).ok).toBe(true);
    // A slot frees when a run ends, at any moment: never the lease's 90 s.
    const busy = limits.startRun({ runId: "2", maxRuns: 1, ttlMs: lease, rate });
    expect(busy).toEqual({ ok: false, limit: LIMITS.RUNS_PER_USER, max: 1, retryAfterSeconds: RUN_SLOT_RETRY_SECONDS });
    // A lease nobody renews (its object died) frees the slot sooner still: retry then.
    clock.now += lease - 2_000;
    const soon = limits.acquire("run", "3", 1, lease);
    expect(soon.ok === false && soon.retryAfterSeconds).toBe(2);
  });

  it("refills the bucket over time", () => {
    const { clock, limits } = setup();
    for (let i = 0; i < 2; i++) limits.startRun({ runId: `r${i}`, maxRuns: 9, ttlMs: TTL, rate });
    expect(limits.startRun({ runId: "x", maxRuns: 9, ttlMs: TTL, rate }).ok).toBe(false);
    clock.now += 10_000;
    expect(limits.startRun({ runId: "y", maxRuns: 9, ttlMs: TTL, rate }).ok).toBe(true);
  });

  it("is idle only with no live lease and a bucket left alone long enough to refill", () => {
    const { clock, limits } = setup();
    expect(limits.isIdle()).toBe(true);
    limits.startRun({ runId: "r", maxRuns: 9, ttlMs: TTL, rate });
    expect(limits.isIdle()).toBe(false);
    limits.release("r");
    expect(limits.isIdle(60_000)).toBe(false);
    clock.now += 60_000;
    expect(limits.isIdle(60_000)).toBe(true);
  });
});

describe("UserLimits sessions", () => {
  const rate = { perMinute: 60, burst: 10 };
  const start = (runId: string, sessionId?: string) => ({
    runId,
    maxRuns: 5,
    ttlMs: TTL,
    rate,
    newSession: sessionId === undefined ? undefined : { id: sessionId, max: 2, ttlMs: 10 * TTL },
  });

  it("counts the sessions run starts create, refusing past the limit until one is released", () => {
    const { limits } = setup();
    expect(limits.startRun(start("r1", "s1")).ok).toBe(true);
    expect(limits.startRun(start("r2", "s2")).ok).toBe(true);
    const refused = limits.startRun(start("r3", "s3"));
    expect(refused).toEqual({ ok: false, limit: LIMITS.SESSIONS_PER_USER, max: 2, retryAfterSeconds: 600 });
    // A run in a session that exists takes no session lease.
    expect(limits.startRun(start("r4")).ok).toBe(true);
    limits.release("s1");
    expect(limits.startRun(start("r5", "s3")).ok).toBe(true);
    expect(limits.counts()).toEqual({ stream: 0, run: 4, session: 2 });
  });

  it("gives the session lease back when the run lease is refused", () => {
    const { limits } = setup();
    const busy = limits.startRun({ ...start("r1", "s1"), maxRuns: 0 });
    expect(busy.ok === false && busy.limit).toBe(LIMITS.RUNS_PER_USER);
    expect(limits.counts().session).toBe(0);
  });

  it("only renews the lease of a session that lives (an AI SDK chat's later turn), keeping it on a refused run", () => {
    const { clock, limits } = setup();
    expect(limits.startRun(start("r1", "chat")).ok).toBe(true);
    limits.release("r1");
    limits.renew("session", "chat", 10 * TTL, 70_000);
    expect(limits.startRun(start("r2", "other")).ok).toBe(true);
    limits.release("r2");
    // Both session slots are used, yet the chat's next turn is admitted: its lease is renewed, not counted again.
    clock.now += TTL;
    expect(limits.startRun(start("r3", "chat")).ok).toBe(true);
    expect(limits.counts().session).toBe(2);
    expect(limits.sessions()).toContainEqual({ id: "chat", bytes: 70_000 });
    // A turn refused for want of a run slot leaves the live session's lease where it was.
    const busy = limits.startRun({ ...start("r4", "chat"), maxRuns: 1 });
    expect(busy.ok === false && busy.limit).toBe(LIMITS.RUNS_PER_USER);
    expect(limits.sessions().map((session) => session.id)).toContain("chat");
    clock.now += 10 * TTL - 1;
    expect(limits.sessions().map((session) => session.id)).toEqual(["chat"]);
  });

  it("keeps the bytes a session reports, largest first, and is not idle while a session lives", () => {
    const { clock, limits } = setup();
    limits.startRun(start("r1", "small"));
    limits.startRun(start("r2", "big"));
    limits.release("r1");
    limits.release("r2");
    limits.renew("session", "small", 10 * TTL, 40_000);
    limits.renew("session", "big", 10 * TTL, 90_000);
    expect(limits.sessions()).toEqual([
      { id: "big", bytes: 90_000 },
      { id: "small", bytes: 40_000 },
    ]);
    clock.now += 60_000;
    expect(limits.isIdle(60_000)).toBe(false);
    clock.now += 10 * TTL;
    expect(limits.sessions()).toEqual([]);
    expect(limits.isIdle(60_000)).toBe(true);
  });
});

describe("takeToken", () => {
  it("starts full, empties, and says when the next token arrives", () => {
    const rate = { perMinute: 60, burst: 3 };
    let bucket: Parameters<typeof takeToken>[0];
    for (let i = 0; i < 3; i++) {
      const take = takeToken(bucket, 0, rate);
      expect(take.ok).toBe(true);
      bucket = take.bucket;
    }
    const refused = takeToken(bucket, 250, rate);
    expect(refused).toEqual({ ok: false, bucket: { tokens: 0.25, at: 250 }, retryAfterMs: 750 });
    expect(takeToken(refused.bucket, 1000, rate).ok).toBe(true);
  });

  it("never holds more than the burst", () => {
    const take = takeToken({ tokens: 0, at: 0 }, 3_600_000, { perMinute: 60, burst: 2 });
    expect(take.bucket.tokens).toBe(1);
  });

  it("a zero rate never refills and answers a finite retry", () => {
    const take = takeToken({ tokens: 0, at: 0 }, 1e9, { perMinute: 0, burst: 1 });
    expect(take).toMatchObject({ ok: false, retryAfterMs: 60_000 });
  });
});
