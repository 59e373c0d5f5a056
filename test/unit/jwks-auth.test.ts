/**
 * User tokens from an identity provider (AUTH_JWKS_URL), against a JWKS server started here with
 * its own key pairs: valid RS256 and ES256 tokens, expiry, issuer and audience, unknown `kid`,
 * key rotation, the refetch rate limit, `alg: none` and HS/RS confusion.
 */

import { sign } from "hono/jwt";
import { exportSPKI, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUserToken, type UserTokenSettings, verifyUserToken } from "../../src/auth/tokens";
import { type JwksServer, makeKey, signWith, startJwksServer, type TestKey } from "../helpers/jwks-server";

const SECRET = "unit-test-secret-0123456789abcdef0123456789";
let rsa: TestKey;
let ec: TestKey;
let server: JwksServer;
let settings: UserTokenSettings;

beforeAll(async () => {
  rsa = await makeKey("rsa-1", "RS256");
  ec = await makeKey("ec-1", "ES256");
  server = await startJwksServer([rsa, ec]);
  settings = { secret: SECRET, issuer: "https://id.example", audience: "edge-stream", jwksUrl: server.url };
});

afterAll(() => server.close());

describe("identity provider tokens (AUTH_JWKS_URL)", () => {
  it("accepts a valid RS256 and a valid ES256 token, with sub as the user id", async () => {
    expect(await verifyUserToken(await signWith(rsa, { sub: "alice" }), settings)).toEqual({
      ok: true,
      userId: "alice",
    });
    expect(await verifyUserToken(await signWith(ec, { sub: "bob" }), settings)).toEqual({ ok: true, userId: "bob" });
  });

  it("still accepts this service's HS256 tokens beside them", async () => {
    const token = await signUserToken(settings, "carol", 60);
    expect(await verifyUserToken(token, settings)).toEqual({ ok: true, userId: "carol" });
  });

  it("refuses an expired token, a wrong issuer, a wrong audience and a token without exp", async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const cases: [Record<string, unknown>, string][] = [
      [{ exp: past, iat: past - 60 }, "token expired"],
      [{ iss: "https://evil.example" }, "token issuer not accepted"],
      [{ aud: "someone-else" }, "token audience not accepted"],
      [{ exp: undefined }, "token has no exp claim"],
    ];
    for (const [claims, reason] of cases) {
      expect(await verifyUserToken(await signWith(rsa, claims), settings)).toEqual({ ok: false, reason });
    }
  });

  it("refuses a token signed by a key the provider does not publish, and a bad sub", async () => {
    const stranger = await makeKey("rsa-1", "RS256");
    expect(await verifyUserToken(await signWith(stranger), settings)).toEqual({
      ok: false,
      reason: "token signature is not valid",
    });
    expect((await verifyUserToken(await signWith(rsa, { sub: "\ud800x" }), settings)).ok).toBe(false);
  });

  it("refuses RS256 tokens when no key set is configured", async () => {
    const { jwksUrl: _, ...hsOnly } = settings;
    expect(await verifyUserToken(await signWith(rsa), hsOnly)).toEqual({
      ok: false,
      reason: "token must be an HS256 JWT",
    });
  });

  it("refuses alg none, and HS256 tokens keyed with the provider's public key (HS/RS confusion)", async () => {
    const unsecured = new UnsecuredJWT({ sub: "mallory", exp: Math.floor(Date.now() / 1000) + 60 }).encode();
    expect((await verifyUserToken(unsecured, settings)).ok).toBe(false);
    const pem = await exportSPKI(rsa.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: "mallory", iss: settings.issuer, aud: settings.audience, exp: now + 60 };
    for (const key of [pem, JSON.stringify(rsa.publicJwk), rsa.publicJwk.n ?? ""]) {
      const forged = await sign(claims, key, "HS256");
      expect(await verifyUserToken(forged, settings)).toEqual({ ok: false, reason: "token signature is not valid" });
    }
    // An RS256 token whose header claims HS256 is checked as HS256 and fails there.
    const [, payload, signature] = (await signWith(rsa, { sub: "mallory" })).split(".");
    const header = Buffer.from(JSON.stringify({ alg: "HS256", kid: rsa.kid })).toString("base64url");
    expect((await verifyUserToken(`${header}.${payload}.${signature}`, settings)).ok).toBe(false);
  });

  it("follows a key rotation: a new kid makes it fetch the key set again", async () => {
    const rotated = await makeKey("rsa-2", "RS256");
    const fresh = await startJwksServer([rsa]);
    const rotating = { ...settings, jwksUrl: fresh.url, jwksCooldownMs: 0 };
    try {
      expect((await verifyUserToken(await signWith(rsa), rotating)).ok).toBe(true);
      expect(await verifyUserToken(await signWith(rotated), rotating)).toEqual({
        ok: false,
        reason: "token key id is not in the identity provider's key set",
      });
      fresh.publish([rotated]);
      expect(await verifyUserToken(await signWith(rotated, { sub: "dave" }), rotating)).toEqual({
        ok: true,
        userId: "dave",
      });
    } finally {
      await fresh.close();
    }
  });

  it("fetches the key set at most once per cooldown however many unknown kids arrive", async () => {
    const fresh = await startJwksServer([rsa]);
    const limited = { ...settings, jwksUrl: fresh.url, jwksCooldownMs: 60_000 };
    try {
      expect((await verifyUserToken(await signWith(rsa), limited)).ok).toBe(true);
      for (let i = 0; i < 50; i++) {
        const garbage = await signWith(rsa, {}, `made-up-${i}`);
        expect((await verifyUserToken(garbage, limited)).ok).toBe(false);
      }
      expect(fresh.hits()).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("says so when the key set cannot be read", async () => {
    const dead = await startJwksServer([rsa]);
    await dead.close();
    const unreachable = { ...settings, jwksUrl: dead.url };
    expect(await verifyUserToken(await signWith(rsa), unreachable)).toEqual({
      ok: false,
      reason: "the identity provider's key set could not be read",
    });
  });
});
