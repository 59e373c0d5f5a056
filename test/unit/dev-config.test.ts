import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEV_AUTH_SECRET } from "../../src/auth/dev-secret";
import { developmentOnly } from "../../src/http/dev-guard";
import { fromLoopbackPeer, isLoopbackAddress } from "../../src/http/loopback-peer";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
};

describe("the development configuration", () => {
  it("knows the secret that npm run dev passes to wrangler", () => {
    expect(pkg.scripts.dev).toContain(`--var AUTH_SECRET:${DEV_AUTH_SECRET} `);
    expect(pkg.scripts.dev).toContain("--var DEV_TOKENS:on");
  });

  it("is the published secret, or DEV_TOKENS on, and nothing else", () => {
    expect(developmentOnly({ AUTH_SECRET: DEV_AUTH_SECRET, DEV_TOKENS: "on" })).toEqual([
      "AUTH_SECRET is the published development secret",
      "DEV_TOKENS is on",
    ]);
    expect(developmentOnly({ AUTH_SECRET: `${DEV_AUTH_SECRET}x`, DEV_TOKENS: " on " })).toEqual(["DEV_TOKENS is on"]);
    expect(developmentOnly({ AUTH_SECRET: "a-secret-of-my-own-0123456789abcdef", DEV_TOKENS: "off" })).toEqual([]);
    expect(developmentOnly({})).toEqual([]);
  });
});

describe("loopback peers", () => {
  it("are the addresses a runtime writes for this machine", () => {
    for (const address of [
      "127.0.0.1",
      "127.0.0.2",
      "127.255.255.254",
      "::1",
      "::ffff:127.0.0.1",
      "::FFFF:127.0.0.1",
    ]) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
  });

  it("are not other spellings of loopback, other addresses, or lists", () => {
    const refused = [
      "127.1",
      "0x7f.0.0.1",
      "0177.0.0.1",
      "2130706433",
      "127.000.000.001",
      "127.0.0.256",
      "[::1]",
      "0:0::1",
      "0:0:0:0:0:0:0:1",
      "::ffff:7f00:1",
      "localhost",
      "128.0.0.1",
      "10.0.0.1",
      "::2",
      "::1, 203.0.113.9",
      "203.0.113.9, 127.0.0.1",
      " 127.0.0.1",
      "",
    ];
    for (const address of refused) expect(isLoopbackAddress(address), address).toBe(false);
  });

  it("come from the runtime's header, never from the Host", () => {
    expect(fromLoopbackPeer(new Headers({ "CF-Connecting-IP": "127.0.0.1" }))).toBe(true);
    expect(fromLoopbackPeer(new Headers({ Host: "localhost" }))).toBe(false);
    expect(fromLoopbackPeer(new Headers())).toBe(false);
  });
});
