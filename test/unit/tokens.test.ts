import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import {
  MAX_TOKEN_CHARS,
  READ_CLAIM,
  signReadToken,
  signUserToken,
  verifyReadToken,
  verifyUserToken,
} from "../../src/auth/tokens";

const secret = "unit-test-secret-0123456789abcdef0123456789";
const settings = { secret };
const now = () => Math.floor(Date.now() / 1000);
const SESSION = "4f0c1a52-8d3e-4b7a-9c1d-2e3f4a5b6c7d";
const OTHER = "5f0c1a52-8d3e-4b7a-9c1d-2e3f4a5b6c7d";

describe("user tokens", () => {
  it("accepts a signed token and answers its sub as the user", async () => {
    const token = await signUserToken(settings, "alice", 60);
    expect(await verifyUserToken(token, settings)).toEqual({ ok: true, userId: "alice" });
  });

  it("refuses an expired token", async () => {
    const token = await signUserToken(settings, "alice", 60, Date.now() - 120_000);
    expect(await verifyUserToken(token, settings)).toEqual({ ok: false, reason: "token expired" });
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const token = await signUserToken(settings, "alice", 60);
    const [header, , signature] = token.split(".");
    const forged = btoa(JSON.stringify({ sub: "mallory", exp: now() + 60 }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    const result = await verifyUserToken(`${header}.${forged}.${signature}`, settings);
    expect(result).toEqual({ ok: false, reason: "token signature is not valid" });
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signUserToken({ secret: `${secret}-other` }, "alice", 60);
    expect((await verifyUserToken(token, settings)).ok).toBe(false);
  });

  it("requires exp", async () => {
    const token = await sign({ sub: "alice" }, secret, "HS256");
    expect(await verifyUserToken(token, settings)).toEqual({ ok: false, reason: "token has no exp claim" });
  });

  it("accepts HS256 only", async () => {
    const token = await sign({ sub: "alice", exp: now() + 60 }, secret, "HS512");
    expect(await verifyUserToken(token, settings)).toEqual({ ok: false, reason: "token must be an HS256 JWT" });
    const none = `${btoa('{"alg":"none"}')}.${btoa(`{"sub":"alice","exp":${now() + 60}}`)}.`;
    expect((await verifyUserToken(none, settings)).ok).toBe(false);
  });

  it("requires a usable sub", async () => {
    for (const sub of [undefined, "", 42, "a\nb", "x".repeat(129)]) {
      const token = await sign({ sub, exp: now() + 60 }, secret, "HS256");
      expect(await verifyUserToken(token, settings)).toEqual({
        ok: false,
        reason: "token sub claim is missing or not a valid user id",
      });
    }
  });

  it("refuses a sub that is not well-formed Unicode or holds invisible characters", async () => {
    const subs = [
      "\ud800victim", // a lone high surrogate: UTF-8 storage and logs turn it into U+FFFD, so ids would collide
      "victim\udfff",
      "\udc00\ud800", // a pair in the wrong order
      "vic\u200btim", // zero-width space: looks like "victim"
      "\u202emitciv", // right-to-left override: reorders what a log shows
      "\ufeffvictim",
    ];
    for (const sub of subs) {
      const token = await sign({ sub, exp: now() + 60 }, secret, "HS256");
      expect(await verifyUserToken(token, settings), JSON.stringify(sub)).toEqual({
        ok: false,
        reason: "token sub claim is missing or not a valid user id",
      });
      const read = await signReadToken(secret, { userId: sub, sessionId: SESSION }, 60);
      expect((await verifyReadToken(read, secret, SESSION)).ok, JSON.stringify(sub)).toBe(false);
    }
  });

  it("accepts the user ids identity providers issue, non-ASCII included", async () => {
    for (const sub of ["auth0|5f7c1e", "alice@example.com", "1234567890", "Zoë Ångström", "用户", "😀 smile"]) {
      const token = await sign({ sub, exp: now() + 60 }, secret, "HS256");
      expect(await verifyUserToken(token, settings)).toEqual({ ok: true, userId: sub });
    }
  });

  it("checks iss and aud when configured", async () => {
    const strict = { secret, issuer: "https://id.example", audience: "edge-stream" };
    const good = await signUserToken(strict, "alice", 60);
    expect(await verifyUserToken(good, strict)).toEqual({ ok: true, userId: "alice" });
    const noClaims = await signUserToken(settings, "alice", 60);
    expect(await verifyUserToken(noClaims, strict)).toEqual({ ok: false, reason: "token issuer not accepted" });
    const wrongAud = await signUserToken({ ...strict, audience: "other" }, "alice", 60);
    expect(await verifyUserToken(wrongAud, strict)).toEqual({ ok: false, reason: "token audience not accepted" });
  });

  it("refuses garbage and oversized tokens without throwing", async () => {
    for (const token of ["", "a.b", "a.b.c", "....", "eyJ.eyJ.x", "x".repeat(MAX_TOKEN_CHARS + 1)]) {
      expect((await verifyUserToken(token, settings)).ok).toBe(false);
    }
  });
});

describe("read tokens", () => {
  const grant = { userId: "alice", sessionId: SESSION };

  it("open the session they name, as their user", async () => {
    const token = await signReadToken(secret, grant, 60);
    expect(await verifyReadToken(token, secret, SESSION)).toEqual({ ok: true, userId: "alice" });
  });

  it("never open another session", async () => {
    const token = await signReadToken(secret, grant, 60);
    expect(await verifyReadToken(token, secret, OTHER)).toEqual({
      ok: false,
      reason: "read token is for another session",
    });
  });

  it("expire", async () => {
    const token = await signReadToken(secret, grant, 60, Date.now() - 120_000);
    expect(await verifyReadToken(token, secret, SESSION)).toEqual({ ok: false, reason: "token expired" });
  });

  it("are not user tokens, and user tokens are not read tokens", async () => {
    const read = await signReadToken(secret, grant, 60);
    expect((await verifyUserToken(read, settings)).ok).toBe(false);
    const user = await signUserToken(settings, "alice", 60);
    expect((await verifyReadToken(user, secret, SESSION)).ok).toBe(false);
  });

  it("cannot be minted from AUTH_SECRET directly (they use a derived key)", async () => {
    const minted = await sign({ sub: "alice", [READ_CLAIM]: SESSION, exp: now() + 60 }, secret, "HS256");
    expect(await verifyReadToken(minted, secret, SESSION)).toEqual({
      ok: false,
      reason: "token signature is not valid",
    });
    // And a user token carrying the read claim is refused as a bearer token.
    expect(await verifyUserToken(minted, settings)).toEqual({
      ok: false,
      reason: "a read token cannot be used as a bearer token",
    });
  });
});
