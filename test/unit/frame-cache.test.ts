import { describe, expect, it } from "vitest";
import { FrameCache } from "../../src/session/frame-cache";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe("FrameCache", () => {
  it("gives back a kept page only for the same log, resume point and page size", () => {
    const cache = new FrameCache();
    const [one, two] = [cache.newOwner(), cache.newOwner()];
    cache.put(one, 0, 4, bytes(10), 100);
    expect(cache.get(one, 0, 4)).toEqual(bytes(10));
    expect(cache.get(one, 0, 8)).toBeUndefined();
    expect(cache.get(one, 4, 4)).toBeUndefined();
    expect(cache.get(two, 0, 4)).toBeUndefined();
  });

  it("stays within its byte bound across logs by forgetting the oldest pages first", () => {
    const cache = new FrameCache();
    const [one, two] = [cache.newOwner(), cache.newOwner()];
    cache.put(one, 0, 4, bytes(40, 1), 100);
    cache.put(two, 0, 4, bytes(40, 2), 100);
    cache.put(one, 4, 4, bytes(40, 3), 100);
    expect(cache.bytes).toBe(80);
    expect(cache.get(one, 0, 4)).toBeUndefined();
    expect(cache.get(two, 0, 4)).toEqual(bytes(40, 2));
    expect(cache.get(one, 4, 4)).toEqual(bytes(40, 3));
  });

  it("keeps nothing at a bound of 0 or a page larger than the bound, and counts a replaced page once", () => {
    const cache = new FrameCache();
    const owner = cache.newOwner();
    cache.put(owner, 0, 4, bytes(10), 0);
    cache.put(owner, 0, 4, bytes(101), 100);
    expect(cache.bytes).toBe(0);
    cache.put(owner, 0, 4, bytes(30), 100);
    cache.put(owner, 0, 4, bytes(50), 100);
    expect(cache.bytes).toBe(50);
    expect(cache.get(owner, 0, 4)).toEqual(bytes(50));
  });
});
