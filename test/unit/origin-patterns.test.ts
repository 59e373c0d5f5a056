import { describe, expect, it } from "vitest";
import { loadAccessConfig } from "../../src/env";
import { isOriginPattern, originMatcher } from "../../src/lib/origin-patterns";

describe("origin patterns", () => {
  it("are origins, origins with any port, or *", () => {
    for (const ok of [
      "*",
      "https://app.example.com",
      "http://localhost:5173",
      "http://localhost:*",
      "http://[::1]:*",
    ]) {
      expect(isOriginPattern(ok), ok).toBe(true);
    }
    for (const bad of [
      "https://app.example.com/",
      "https://app.example.com/path",
      "app.example.com",
      "https://*.example.com",
      "http://localhost:99999",
      "ftp://files.example",
      "http://localhost:*/",
    ]) {
      expect(isOriginPattern(bad), bad).toBe(false);
    }
  });

  it("match an exact origin, or a scheme and host on any port", () => {
    const allowed = originMatcher(["https://app.example.com", "http://localhost:*"]);
    for (const origin of [
      "https://app.example.com",
      "http://localhost:5173",
      "http://localhost:3000",
      "http://localhost",
    ]) {
      expect(allowed(origin), origin).toBe(true);
    }
    for (const origin of [
      "https://app.example.com:8443",
      "http://app.example.com",
      "https://localhost:5173",
      "http://localhost.evil.example:5173",
      "http://evil.example",
      "null",
      undefined,
    ]) {
      expect(allowed(origin), String(origin)).toBe(false);
    }
  });

  it("* allows any origin, even an opaque one; no pattern allows none", () => {
    expect(originMatcher(["*"])("null")).toBe(true);
    expect(originMatcher([])("http://localhost:5173")).toBe(false);
  });
});

describe("CORS_ORIGINS", () => {
  it("accepts origin patterns and refuses anything else at start-up, naming it", () => {
    expect(loadAccessConfig({ CORS_ORIGINS: " http://localhost:* , https://app.example " }).corsOrigins).toEqual([
      "http://localhost:*",
      "https://app.example",
    ]);
    expect(() => loadAccessConfig({ CORS_ORIGINS: "https://app.example/" })).toThrow(
      /CORS_ORIGINS must be a comma-separated list of origins .* \(got "https:\/\/app.example\/"\)/,
    );
  });
});
