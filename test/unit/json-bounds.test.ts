import { describe, expect, it } from "vitest";
import { MAX_OPTIONS_BYTES, MAX_OPTIONS_DEPTH } from "../../src/http/chat-options";
import { boundedJson, nestedDeeperThan } from "../../src/http/json-bounds";

/** 0 inside `levels` of objects and arrays, alternating, built without recursion. */
function nest(levels: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { k: value };
  return value;
}

describe("JSON bounds", () => {
  it("counts every object and array level, and only those", () => {
    expect(nestedDeeperThan(0, 0)).toBe(false);
    expect(nestedDeeperThan("deep", 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan(nest(8), 8)).toBe(false);
    expect(nestedDeeperThan(nest(9), 8)).toBe(true);
    expect(nestedDeeperThan({ flat: 1, deep: nest(8) }, 8)).toBe(true);
  });

  it("stops at the limit: 100,000 levels cost no more than nine", () => {
    expect(nestedDeeperThan(nest(100_000), MAX_OPTIONS_DEPTH)).toBe(true);
  });

  it("refuses by depth first, then by size, and passes the rest unchanged", () => {
    const schema = boundedJson(MAX_OPTIONS_DEPTH, MAX_OPTIONS_BYTES);
    expect(schema.safeParse(nest(100_000)).error?.issues[0].message).toBe("must be nested at most 8 levels deep");
    const big = { notes: "é".repeat(MAX_OPTIONS_BYTES / 2) };
    expect(schema.safeParse(big).error?.issues[0].message).toBe("must be at most 4096 bytes of JSON");
    expect(schema.safeParse({ model: "m", temperature: 0.2 }).data).toEqual({ model: "m", temperature: 0.2 });
  });
});
