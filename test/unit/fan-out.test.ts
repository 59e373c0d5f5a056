import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FanOut } from "../../src/session/fan-out";

describe("FanOut", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("wakes every parked reader with true, and none of them times out afterwards", async () => {
    const fanOut = new FanOut(() => Date.now());
    const woken = Promise.all([fanOut.wait(1000), fanOut.wait(1000), fanOut.wait(1000)]);
    expect(fanOut.waiting).toBe(3);
    fanOut.wakeAll();
    expect(await woken).toEqual([true, true, true]);
    expect(fanOut.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("times each reader out at its own deadline, with one timer for all of them", async () => {
    const fanOut = new FanOut(() => Date.now());
    const results: string[] = [];
    fanOut.wait(100).then((woke) => results.push(`a:${woke}`));
    vi.advanceTimersByTime(40);
    fanOut.wait(100).then((woke) => results.push(`b:${woke}`));
    fanOut.wait(30).then((woke) => results.push(`c:${woke}`));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(30);
    expect(results).toEqual(["c:false"]);
    await vi.advanceTimersByTimeAsync(30);
    expect(results).toEqual(["c:false", "a:false"]);
    await vi.advanceTimersByTimeAsync(40);
    expect(results).toEqual(["c:false", "a:false", "b:false"]);
    expect(fanOut.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("parks readers with one deadline on one promise, and counts each of them", async () => {
    const fanOut = new FanOut(() => Date.now());
    const first = fanOut.wait(1000);
    const second = fanOut.wait(1000);
    const later = fanOut.wait(2000);
    expect(second).toBe(first);
    expect(later).not.toBe(first);
    expect(fanOut.waiting).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fanOut.waiting).toBe(1);
    expect(await first).toBe(false);
    fanOut.wakeAll();
    expect(await later).toBe(true);
    expect(fanOut.waiting).toBe(0);
  });
});
