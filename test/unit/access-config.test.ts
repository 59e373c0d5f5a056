import { describe, expect, it } from "vitest";
import { loadAccessConfig, loadConfig } from "../../src/env";
import { readableSession } from "../../src/http/auth";

const ID = "4f0c1a52-8d3e-4b7a-9c1d-2e3f4a5b6c7d";

describe("limit settings", () => {
  it("default to the documented values", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      maxStreamsPerUser: 20,
      maxStreamsPerSession: 50,
      maxRunsPerUser: 3,
      maxBodyBytes: 65_536,
      maxMessageChars: 32_000,
    });
    expect(config.runBurst).toBeGreaterThan(0);
    expect(config.streamLeaseSeconds).toBeGreaterThan(0);
  });

  it("are read from the environment", () => {
    const config = loadConfig({ MAX_STREAMS_PER_USER: "7", MAX_RUNS_PER_USER: "1", MAX_BODY_BYTES: "1024" });
    expect(config.maxStreamsPerUser).toBe(7);
    expect(config.maxRunsPerUser).toBe(1);
    expect(config.maxBodyBytes).toBe(1024);
    expect(() => loadConfig({ MAX_RUNS_PER_USER: "lots" })).toThrow(/MAX_RUNS_PER_USER must be a whole number/);
  });
});

describe("access settings", () => {
  it("have no secret, no CORS and no dev tokens unless set", () => {
    expect(loadAccessConfig({})).toEqual({
      authSecret: undefined,
      issuer: undefined,
      audience: undefined,
      jwksUrl: "",
      corsOrigins: [],
      devTokens: false,
    });
  });

  it("parse the CORS list and the switches", () => {
    const access = loadAccessConfig({
      AUTH_SECRET: "s",
      AUTH_ISSUER: " https://id.example ",
      CORS_ORIGINS: "https://a.example, https://b.example,,",
      DEV_TOKENS: "on",
    });
    expect(access.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(access.issuer).toBe("https://id.example");
    expect(access.devTokens).toBe(true);
    expect(loadAccessConfig({ DEV_TOKENS: "off" }).devTokens).toBe(false);
    expect(() => loadAccessConfig({ DEV_TOKENS: "true" })).toThrow(/DEV_TOKENS must be on or off/);
  });
});

describe("routes a read token may open", () => {
  it("are GET /sessions/:id and GET /sessions/:id/events only", () => {
    expect(readableSession("GET", `/sessions/${ID}`)).toBe(ID);
    expect(readableSession("GET", `/sessions/${ID}/events`)).toBe(ID);
    expect(readableSession("DELETE", `/sessions/${ID}`)).toBeUndefined();
    expect(readableSession("POST", `/sessions/${ID}/cancel`)).toBeUndefined();
    expect(readableSession("GET", `/sessions/${ID}/cancel`)).toBeUndefined();
    expect(readableSession("GET", `/sessions/${ID}/events/x`)).toBeUndefined();
    expect(readableSession("GET", `/sessions/../${ID}`)).toBeUndefined();
    // The session's log read as a Durable Stream: read, never written, with a read token.
    expect(readableSession("GET", `/v1/stream/sessions/${ID}`)).toBe(ID);
    expect(readableSession("HEAD", `/v1/stream/sessions/${ID}`)).toBe(ID);
    expect(readableSession("POST", `/v1/stream/sessions/${ID}`)).toBeUndefined();
    expect(readableSession("GET", `/v1/stream/sessions/${ID}/x`)).toBeUndefined();
    // Any other Durable Stream: its own read token, for reading only.
    expect(readableSession("GET", "/v1/stream/a/b")).toBe("stream:a/b");
    expect(readableSession("HEAD", "/v1/stream/a")).toBe("stream:a");
    expect(readableSession("PUT", "/v1/stream/a")).toBeUndefined();
    expect(readableSession("DELETE", "/v1/stream/a")).toBeUndefined();
    expect(readableSession("HEAD", `/sessions/${ID}`)).toBeUndefined();
    expect(readableSession("POST", "/novachat")).toBeUndefined();
  });
});
