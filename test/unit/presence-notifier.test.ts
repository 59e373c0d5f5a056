import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Watcher } from "../../src/protocol/ws";
import { PRESENCE_PUSH_MS, PresenceNotifier } from "../../src/session/presence-notifier";

/** A session's open connections as a count per viewer, and every push its sockets got. */
function harness() {
  const streams = new Map<string, number>();
  const pushes: Watcher[][] = [];
  let computed = 0;
  const current = (): Watcher[] => {
    computed++;
    return [...streams]
      .map(([id, n]) => ({ id, transport: "sse" as const, streams: n }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const notifier = new PresenceNotifier({ current, push: (w) => pushes.push(w), now: () => Date.now() });
  const join = (id: string) => {
    streams.set(id, (streams.get(id) ?? 0) + 1);
    notifier.changed();
  };
  const leave = (id: string) => {
    const left = (streams.get(id) ?? 1) - 1;
    if (left > 0) streams.set(id, left);
    else streams.delete(id);
    notifier.changed();
  };
  return { notifier, pushes, current, join, leave, computed: () => computed };
}

describe("PresenceNotifier", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("pushes a quiet session's first change at once", () => {
    const h = harness();
    h.join("ana");
    expect(h.pushes).toEqual([[{ id: "ana", transport: "sse", streams: 1 }]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("merges 2,000 joins in a burst into two pushes, the last one the final state", async () => {
    const h = harness();
    for (let i = 0; i < 2000; i++) h.join(`user-${String(i).padStart(4, "0")}`);
    // The first join went out at once; the other 1,999 wait for the end of the window.
    expect(h.pushes.length).toBe(1);
    await vi.advanceTimersByTimeAsync(PRESENCE_PUSH_MS);
    expect(h.pushes.length).toBe(2);
    expect(h.pushes.at(-1)).toEqual(h.current());
    expect(h.pushes.at(-1)?.length).toBe(2000);
    // Presence was computed for each push only, not for each join.
    expect(h.computed()).toBeLessThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(10 * PRESENCE_PUSH_MS);
    expect(h.pushes.length).toBe(2);
  });

  it("pushes at most once per window while changes keep coming, and never loses the last one", async () => {
    const h = harness();
    const start = Date.now();
    // One join every 10 ms for 2 s: 200 changes.
    for (let i = 0; i < 200; i++) {
      h.join(`u${i}`);
      await vi.advanceTimersByTimeAsync(10);
    }
    h.leave("u0");
    await vi.advanceTimersByTimeAsync(PRESENCE_PUSH_MS);
    // One push at the first change, then at most one per window that passed.
    expect(h.pushes.length).toBeLessThanOrEqual(Math.floor((Date.now() - start) / PRESENCE_PUSH_MS) + 1);
    expect(h.pushes.length).toBeGreaterThan(2);
    expect(h.pushes.at(-1)).toEqual(h.current());
    expect(h.pushes.at(-1)?.some((w) => w.id === "u0")).toBe(false);
  });

  it("sends nothing when a burst ends where it began, unless a socket joined in it", async () => {
    const h = harness();
    h.join("ana");
    h.join("bo");
    h.leave("bo");
    await vi.advanceTimersByTimeAsync(PRESENCE_PUSH_MS);
    expect(h.pushes.length).toBe(1);

    h.join("cy");
    expect(h.pushes.length).toBe(2);
    // Within that push's window a socket replaces another of the same viewer: the list comes out
    // the same, but the new socket has not been told it yet, so it is pushed again.
    h.leave("ana");
    h.join("ana");
    h.notifier.changed(true);
    expect(h.pushes.length).toBe(2);
    await vi.advanceTimersByTimeAsync(PRESENCE_PUSH_MS);
    expect(h.pushes.length).toBe(3);
    expect(h.pushes[2]).toEqual(h.pushes[1]);
  });
});
