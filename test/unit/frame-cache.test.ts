import { describe, expect, it } from "vitest";
import { FrameCache } from "../../src/session/frame-cache";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe("FrameCache", () => {
  it("gives back a kept page only for the same resume point and page size", () => {
    const cache = new FrameCache(100);
    cache.put(0, 4, bytes(10));
    expect(cache.get(0, 4)).toEqual(bytes(10));
    expect(cache.get(0, 8)).toBeUndefined();
    expect(cache.get(4, 4)).toBeUndefined();
  });

  it("stays within its byte bound by forgetting the oldest pages first", () => {
    const cache = new FrameCache(100);
    cache.put(0, 4, bytes(40, 1));
    cache.put(4, 4, bytes(40, 2));
    cache.put(8, 4, bytes(40, 3));
    expect(cache.bytes).toBe(80);
    expect(cache.get(0, 4)).toBeUndefined();
    expect(cache.get(4, 4)).toEqual(bytes(40, 2));
    expect(cache.get(8, 4)).toEqual(bytes(40, 3));
  });

  it("does not keep a page larger than the bound, and counts a replaced page once", () => {
    const cache = new FrameCache(100);
    cache.put(0, 4, bytes(101));
    expect(cache.bytes).toBe(0);
    cache.put(0, 4, bytes(30));
    cache.put(0, 4, bytes(50));
    expect(cache.bytes).toBe(50);
    expect(cache.get(0, 4)).toEqual(bytes(50));
  });
});
