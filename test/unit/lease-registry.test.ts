/**
 * The session object's stream leases (src/session/lease-registry.ts): an SSE stream's lease is
 * renewed on a timer whether or not the stream is read, and a socket's lease is made to outlast
 * the session's next alarm, so a hibernating socket keeps it without waking the object.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeaseRegistry } from "../../src/session/lease-registry";

const TTL = 60_000;

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    leases: {
      renew: (userId: string, ids: readonly string[], ttlMs: number) => {
        calls.push(`renew ${userId} ${ids.join(",")} ${ttlMs}`);
      },
      release: async (userId: string, ids: readonly string[]) => {
        calls.push(`release ${userId} ${ids.join(",")}`);
      },
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("lease registry", () => {
  it("renews every held SSE lease each third of its lifetime, in one call per user, until released", async () => {
    vi.useFakeTimers();
    const { calls, leases } = recorder();
    const registry = new LeaseRegistry(leases, TTL);
    const dropA = registry.holdStream({ userId: "u", id: "a" });
    const dropB = registry.holdStream({ userId: "u", id: "b" });
    await vi.advanceTimersByTimeAsync(TTL / 3);
    expect(calls).toEqual([`renew u a,b ${TTL}`]);
    dropA();
    dropA();
    expect(calls.slice(1)).toEqual(["release u a"]);
    await vi.advanceTimersByTimeAsync(TTL / 3);
    expect(calls.slice(2)).toEqual([`renew u b ${TTL}`]);
    dropB();
    await vi.advanceTimersByTimeAsync(TTL);
    expect(calls.slice(3)).toEqual(["release u b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("makes socket leases outlast the next alarm, and renews them only when the alarm moves on", () => {
    let now = 1_000_000;
    const { calls, leases } = recorder();
    const registry = new LeaseRegistry(leases, TTL, () => now);
    const sockets = [
      { userId: "u", id: "s1" },
      { userId: "u", id: "s2" },
    ];
    // Idle session: the alarm is at its expiry, an hour away.
    registry.alarmSet(now + 3_600_000, sockets);
    expect(calls).toEqual([`renew u s1,s2 ${3_600_000 + TTL}`]);
    // A run starts: the alarm comes sooner; the leases already last longer.
    registry.alarmSet(now + 30_000, sockets);
    expect(calls).toHaveLength(1);
    // A new socket gets as long as the others.
    now += 1000;
    registry.holdSocket({ userId: "u", id: "s3" });
    expect(calls[1]).toBe(`renew u s3 ${3_600_000 + TTL - 1000}`);
    // The alarm keeps moving later: renewed once it would outrun the leases by half a lifetime.
    registry.alarmSet(now + 3_600_000 + TTL / 4, sockets);
    expect(calls).toHaveLength(2);
    registry.alarmSet(now + 3_600_000 + TTL, sockets);
    expect(calls[2]).toBe(`renew u s1,s2 ${3_600_000 + 2 * TTL}`);
  });

  it("gives every lease back before the object is thrown away", async () => {
    vi.useFakeTimers();
    const { calls, leases } = recorder();
    const registry = new LeaseRegistry(leases, TTL);
    registry.holdStream({ userId: "u", id: "a" });
    await registry.releaseAll([{ userId: "u", id: "s1" }]);
    expect(calls).toEqual(["release u a,s1"]);
    expect(registry.streams).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("renews 20,000 streams of one user in one call, in linear time", async () => {
    // Real performance.now(): only the renewal timer is faked.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const renewed: { userId: string; ids: number }[] = [];
    const leases = {
      renew: (userId: string, ids: readonly string[]) => void renewed.push({ userId, ids: ids.length }),
      release: async () => {},
    };
    const registry = new LeaseRegistry(leases, TTL);
    const n = 20_000;
    for (let i = 0; i < n; i++) registry.holdStream({ userId: "u", id: `s${i}` });
    registry.holdStream({ userId: "v", id: "other" });
    const started = performance.now();
    await vi.advanceTimersByTimeAsync(TTL / 3);
    // Grouping by copying a user's list at every id (n²/2 copies) took 16 s here.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(renewed).toEqual([
      { userId: "u", ids: n },
      { userId: "v", ids: 1 },
    ]);
  });
});
