/**
 * Stream leases are answered from memory and written to the durable store after the reply
 * (src/limits/buffered-lease-store.ts); run and session leases, the bucket and the day's tokens
 * are written before it, as before.
 */
import { describe, expect, it } from "vitest";
import { BufferedLeaseStore } from "../../src/limits/buffered-lease-store";
import { LIMITS, UserLimits } from "../../src/limits/user-limits";
import { MemoryLeaseStore } from "../helpers/memory-lease-store";

const TTL = 60_000;

function setup(durable = new MemoryLeaseStore()) {
  const clock = { now: 1_000_000 };
  let scheduled = 0;
  const store = new BufferedLeaseStore(durable, () => scheduled++);
  const limits = new UserLimits(store, () => clock.now);
  return { clock, durable, store, limits, scheduled: () => scheduled };
}

describe("BufferedLeaseStore", () => {
  it("counts a stream lease at once and writes it durably only at the flush", () => {
    const { durable, store, limits, scheduled } = setup();
    expect(limits.acquire("stream", "a", 2, TTL)).toEqual({ ok: true });
    expect(limits.acquire("stream", "b", 2, TTL)).toEqual({ ok: true });
    expect(limits.acquire("stream", "c", 2, TTL).ok).toBe(false);
    expect(limits.counts().stream).toBe(2);
    expect(durable.leases.size).toBe(0);
    expect(scheduled()).toBe(1);
    store.flush();
    expect([...durable.leases.keys()].sort()).toEqual(["a", "b"]);
    expect(store.pendingWrites).toBe(0);
  });

  it("gives a released stream lease's slot back at once and deletes its row at the flush", () => {
    const { durable, store, limits, scheduled } = setup();
    limits.acquire("stream", "a", 1, TTL);
    store.flush();
    limits.release("a");
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(true);
    expect([...durable.leases.keys()]).toEqual(["a"]);
    expect(scheduled()).toBe(2);
    store.flush();
    expect([...durable.leases.keys()]).toEqual(["b"]);
  });

  it("writes run and session leases through before the reply, as before", () => {
    const { durable, limits, scheduled } = setup();
    const started = limits.startRun({
      runId: "r",
      maxRuns: 1,
      ttlMs: TTL,
      rate: { perMinute: 60, burst: 5 },
      newSession: { id: "s", max: 1, ttlMs: TTL },
    });
    expect(started).toEqual({ ok: true });
    expect([...durable.leases.keys()].sort()).toEqual(["r", "s"]);
    expect(durable.bucket).toBeDefined();
    limits.release("r");
    expect([...durable.leases.keys()]).toEqual(["s"]);
    expect(scheduled()).toBe(0);
  });

  it("drops expired leases from the count at once and their rows at the flush", () => {
    const { clock, durable, store, limits } = setup();
    limits.acquire("stream", "a", 1, TTL);
    store.flush();
    clock.now += TTL;
    expect(limits.acquire("stream", "b", 1, TTL).ok).toBe(true);
    expect(durable.leases.has("a")).toBe(true);
    store.flush();
    expect([...durable.leases.keys()]).toEqual(["b"]);
  });

  it("starts from the durable leases after a restart; a lease lost before its flush comes back at its holder's renewal", () => {
    const first = setup();
    first.limits.acquire("stream", "a", 2, TTL);
    first.store.flush();
    first.limits.acquire("stream", "b", 2, TTL);
    // The object dies here, before the flush: "b" was answered but never written.
    const second = setup(first.durable);
    expect(second.limits.counts().stream).toBe(1);
    // The bound (docs/security.md): one more stream than the limit while "b"'s stream lives.
    expect(second.limits.acquire("stream", "c", 2, TTL)).toEqual({ ok: true });
    second.limits.renew("stream", "b", TTL);
    expect(second.limits.counts().stream).toBe(3);
    const refused = second.limits.acquire("stream", "d", 2, TTL);
    expect(refused.ok === false && refused.limit).toBe(LIMITS.STREAMS_PER_USER);
  });
});
