/**
 * The settings schema (src/config/): defaults inside their own ranges, bad values refused with a
 * message naming the setting and what it accepts, and the rules between settings.
 */
import { describe, expect, it } from "vitest";
import { LEASE_MIN_HEARTBEATS } from "../../src/config/config-schema";
import { SETTINGS } from "../../src/config/fields";
import { CONFIG_FIELDS } from "../../src/config/settings";
import { ConfigError, DEFAULTS, loadAccessConfig, loadConfig, validateSettings } from "../../src/env";

/** The message loadConfig throws for `env`, or "" when it accepts it. */
function refusal(env: Record<string, unknown>): string {
  try {
    validateSettings(env);
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
}

describe("settings", () => {
  it("read blank as unset, trim text and take JSON numbers as well as strings", () => {
    const config = loadConfig({ DEMO_TOKENS: " 7 ", HEARTBEAT_MS: "", LLM_RETRY_FACTOR: 1.5, LLM_MODEL: " m " });
    expect([config.demoTokens, config.heartbeatMs, config.llmRetryFactor, config.llmModel]).toEqual([
      7,
      DEFAULTS.heartbeatMs,
      1.5,
      "m",
    ]);
  });

  it("refuse a value that is not a number, or outside its range, naming the setting, the range and the value", () => {
    expect(refusal({ MAX_RUNS_PER_USER: "lots" })).toBe(
      'invalid configuration: MAX_RUNS_PER_USER must be a whole number from 1 to 1000 (got "lots")',
    );
    expect(refusal({ HEARTBEAT_MS: "50" })).toMatch(
      /HEARTBEAT_MS must be a whole number from 100 to 300000 \(got "50"\)/,
    );
    expect(refusal({ DEMO_TOKENS: "2.5" })).toMatch(/DEMO_TOKENS must be a whole number from 1 to 100000/);
    expect(refusal({ LLM_RETRY_FACTOR: "0.5" })).toMatch(/LLM_RETRY_FACTOR must be a number from 1 to 10/);
    expect(refusal({ MAX_BODY_BYTES: "-1" })).toMatch(/MAX_BODY_BYTES must be a whole number from 1024/);
    expect(refusal({ SESSION_TTL_SECONDS: "Infinity" })).toMatch(/SESSION_TTL_SECONDS must be/);
  });

  it("list every bad setting at once", () => {
    const message = refusal({ RUN_BURST: "0", LLM_PROVIDER: "claude", DEV_TOKENS: "true", OPENAI_BASE_URL: "ftp://x" });
    expect(message).toMatch(/RUN_BURST must be a whole number from 1 to 10000 \(got "0"\)/);
    expect(message).toMatch(/LLM_PROVIDER must be one of demo, openai \(got "claude"\)/);
    expect(message).toMatch(/DEV_TOKENS must be on or off \(got "true"\)/);
    expect(message).toMatch(/OPENAI_BASE_URL must be an http\(s\) URL/);
  });

  it("never show a secret's value", () => {
    const message = refusal({ AUTH_SECRET: 1234567890, OPENAI_API_KEY: { key: "sk-hidden" } });
    expect(message).toMatch(/AUTH_SECRET must be text/);
    expect(message).toMatch(/OPENAI_API_KEY must be text/);
    expect(message).not.toMatch(/1234|sk-hidden/);
  });

  it("accept their defaults as values (each default lies inside its range)", () => {
    for (const [field, schema] of Object.entries(CONFIG_FIELDS)) {
      const value = DEFAULTS[field as keyof typeof DEFAULTS];
      if (typeof value !== "number") continue;
      expect(schema.parse(String(value)), SETTINGS.get(schema)?.env).toBe(value);
    }
  });

  it("are parsed once per environment object, and the result cannot be changed by accident", () => {
    const env = { DEMO_TOKENS: "9" };
    expect(loadConfig(env)).toBe(loadConfig(env));
    expect(Object.isFrozen(loadConfig(env))).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it("read the access settings with the same rules", () => {
    expect(loadAccessConfig({ DEV_TOKENS: "ON", CORS_ORIGINS: " * " })).toMatchObject({
      devTokens: true,
      corsOrigins: ["*"],
    });
    expect(loadAccessConfig({ AUTH_SECRET: " spaced " }).authSecret).toBe(" spaced ");
    expect(refusal({ DEV_TOKENS: "yes" })).toMatch(/DEV_TOKENS must be on or off/);
  });
});

describe("rules between settings", () => {
  it("refuse a stream lease that an open stream's heartbeat-paced renewals cannot keep alive", () => {
    expect(LEASE_MIN_HEARTBEATS).toBe(2);
    expect(refusal({ STREAM_LEASE_SECONDS: "30", HEARTBEAT_MS: "15000" })).toBe(
      "invalid configuration: STREAM_LEASE_SECONDS (30 s) must be more than 2 x HEARTBEAT_MS (15000 ms): an idle open " +
        "stream renews its lease only when it wakes for a heartbeat, so a shorter lease can lapse under a stream that is still open",
    );
    expect(refusal({ STREAM_LEASE_SECONDS: "2" })).toMatch(/STREAM_LEASE_SECONDS \(2 s\).*HEARTBEAT_MS \(15000 ms\)/);
    expect(refusal({ STREAM_LEASE_SECONDS: "31", HEARTBEAT_MS: "15000" })).toBe("");
    expect(refusal({ STREAM_LEASE_SECONDS: "2", HEARTBEAT_MS: "500" })).toBe("");
  });

  it("refuse a run watchdog that would restart a run waiting out a backoff and a slow first chunk", () => {
    expect(refusal({ RUN_STALL_MS: "5000" })).toBe(
      "invalid configuration: RUN_STALL_MS (5000 ms) must be more than a healthy run's longest silence, " +
        "LLM_RETRY_MAX_MS + LLM_IDLE_TIMEOUT_MS + CHUNK_MAX_MS + WRITE_BATCH_MS = 60510 ms: " +
        "the watchdog would restart runs that are only waiting",
    );
    expect(refusal({ RUN_STALL_MS: "60510" })).toMatch(/RUN_STALL_MS/);
    expect(refusal({ RUN_STALL_MS: "60511" })).toBe("");
    expect(refusal({ RUN_STALL_MS: "5000", LLM_IDLE_TIMEOUT_MS: "2000", LLM_RETRY_MAX_MS: "1000" })).toBe("");
  });

  it("hold for the defaults", () => {
    expect(refusal({})).toBe("");
  });
});
