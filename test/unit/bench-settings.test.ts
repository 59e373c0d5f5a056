/**
 * The bench's instances run with variables of their own (bench/lib/instances.mjs, auth.mjs). A
 * value outside the settings schema's range makes the Worker answer every request with 500, and
 * the bench then measures nothing: once, every limit was set above its new maximum and every
 * scenario failed. Each instance's variables are parsed here as the Worker parses them.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module of the bench, without types
import { AUTH_VARS } from "../../bench/lib/auth.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { INSTANCES } from "../../bench/lib/instances.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { UNCACHED_VARS } from "../../bench/scenarios/replay.mjs";
import { ConfigError } from "../../src/config/parse";
import { validateSettings } from "../../src/env";

describe("bench settings", () => {
  const instances = Object.entries(INSTANCES as Record<string, Record<string, string>>);

  it("has the three instances the bench compares", () => {
    expect(instances.map(([name]) => name)).toEqual(["real", "naive", "defaults"]);
  });

  it.each(instances)("the %s instance's variables are all valid settings", (_name, vars) => {
    expect(() => validateSettings({ ...AUTH_VARS, ...vars })).not.toThrow();
  });

  it("the replay scenario's nothing-kept instance (real plus UNCACHED_VARS) has valid settings", () => {
    expect(UNCACHED_VARS).toEqual({ REPLAY_KEPT_BYTES: "0" });
    expect(() => validateSettings({ ...AUTH_VARS, ...INSTANCES.real, ...UNCACHED_VARS })).not.toThrow();
  });

  it("would catch a limit above its maximum", () => {
    expect(() => validateSettings({ ...AUTH_VARS, MAX_STREAMS_PER_USER: "100000" })).toThrow(ConfigError);
  });
});
