/**
 * The two kinds of token, signed and checked with Hono's JWT utilities (HS256, WebCrypto):
 * - user tokens: `Authorization: Bearer`, `sub` = user id, issued by whoever holds AUTH_SECRET
 *   (HS256), or, when AUTH_JWKS_URL is set, by an identity provider (RS256/ES256, jwks.ts);
 * - read tokens: issued by this service, bound to one user and one session, read-only.
 * Read tokens are signed with a key derived from AUTH_SECRET (HKDF), so a read token can never
 * pass as a user token, and a user token (or anything an identity provider mints) never as a
 * read token.
 */
import { decode, sign, verify } from "hono/jwt";
import { z } from "zod";
import { JWKS_ALGORITHMS, verifyJwksToken } from "./jwks";

/** Longest token accepted, characters: anything longer is refused before any decoding. */
export const MAX_TOKEN_CHARS = 8192;
/** Shortest AUTH_SECRET accepted: HS256 wants at least 256 bits of key. */
export const MIN_SECRET_CHARS = 32;
/** Private claim naming the one session a read token may read. */
export const READ_CLAIM = "read_session";

/**
 * A user id: the `sub` claim. It names a Durable Object, a session's owner and audit lines, and
 * is stored as UTF-8 (SQLite), so it must be well-formed Unicode: a lone surrogate does not
 * survive storage (`"\ud800x"` and `"\udc00x"` both read back as `"\ufffd\ufffd\ufffdx"`, a third
 * user's id). Control characters (Cc) and format characters (Cf: zero-width, bidi overrides) are
 * refused too: they forge log lines or make two ids look alike. 1 to 128 UTF-16 code units.
 */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  // With the u flag, a lone surrogate is a code point of category Cs; a proper pair is one astral code point.
  .regex(/^[^\p{Cc}\p{Cf}\p{Cs}]+$/u, "must be well-formed Unicode without control or format characters");

export type TokenCheck = { ok: true; userId: string } | { ok: false; reason: string };

export interface UserTokenSettings {
  secret: string;
  issuer?: string;
  audience?: string;
  /** AUTH_JWKS_URL: RS256/ES256 tokens are checked against this key set (jwks.ts). */
  jwksUrl?: string;
  /** Overrides the key set's refetch cooldown (tests). */
  jwksCooldownMs?: number;
}

/** A JWT time claim (whole seconds since the epoch) for a time in milliseconds. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

/** Why Hono's verify refused a token, as a fixed phrase safe to show and log. */
function refusal(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "JwtTokenExpired") return "token expired";
  if (name === "JwtTokenSignatureMismatched") return "token signature is not valid";
  if (name === "JwtTokenIssuer") return "token issuer not accepted";
  if (name === "JwtTokenAudience" || name === "JwtPayloadRequiresAud") return "token audience not accepted";
  if (name === "JwtTokenNotBefore") return "token not valid yet";
  if (name === "JwtTokenIssuedAt") return "token issued in the future";
  if (name === "JwtAlgorithmMismatch" || name === "JwtHeaderInvalid") return "token must be an HS256 JWT";
  return "token is malformed";
}

export async function checked(token: string, key: string, options: { iss?: string; aud?: string }) {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false as const, reason: "token too long" };
  try {
    return { ok: true as const, payload: await verify(token, key, { alg: "HS256", ...options }) };
  } catch (error) {
    return { ok: false as const, reason: refusal(error) };
  }
}

/** The token's header `alg`, or undefined when it cannot be read. */
function algorithmOf(token: string): unknown {
  try {
    return decode(token).header.alg;
  } catch {
    return undefined;
  }
}

/**
 * Checks a bearer token's signature: an RS256/ES256 token against the identity provider's key
 * set (only when AUTH_JWKS_URL is set), anything else as HS256 with AUTH_SECRET. The header's
 * `alg` only picks which check runs; each check accepts its own algorithms alone, so a token
 * cannot switch an RS256 key into an HMAC secret (or `none` into anything).
 */
async function checkedUser(token: string, settings: UserTokenSettings) {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false as const, reason: "token too long" };
  const alg = algorithmOf(token);
  if (settings.jwksUrl && JWKS_ALGORITHMS.some((a) => a === alg)) {
    const { issuer, audience, jwksUrl: url, jwksCooldownMs: cooldownMs } = settings;
    return verifyJwksToken(token, { url, issuer, audience, cooldownMs });
  }
  return checked(token, settings.secret, { iss: settings.issuer, aud: settings.audience });
}

/** Checks a bearer token: signature, `exp` (required), `iss`/`aud` when configured, and `sub`. */
export async function verifyUserToken(token: string, settings: UserTokenSettings): Promise<TokenCheck> {
  const result = await checkedUser(token, settings);
  if (!result.ok) return result;
  const { payload } = result;
  if (typeof payload.exp !== "number") return { ok: false, reason: "token has no exp claim" };
  if (READ_CLAIM in payload) return { ok: false, reason: "a read token cannot be used as a bearer token" };
  const sub = UserId.safeParse(payload.sub);
  if (!sub.success) return { ok: false, reason: "token sub claim is missing or not a valid user id" };
  return { ok: true, userId: sub.data };
}

/** Signs a user token (dev tokens and tests; production tokens come from the identity provider). */
export async function signUserToken(
  settings: UserTokenSettings,
  userId: string,
  ttlSeconds: number,
  now = Date.now(),
): Promise<string> {
  const claims: Record<string, unknown> = { sub: userId, iat: seconds(now), exp: seconds(now) + ttlSeconds };
  if (settings.issuer) claims.iss = settings.issuer;
  if (settings.audience) claims.aud = settings.audience;
  return sign(claims, settings.secret, "HS256");
}

const derived = new Map<string, Promise<string>>();

/**
 * A key derived from AUTH_SECRET for one kind of token: HKDF-SHA256 with a fixed label (`info`),
 * hex encoded. Each kind has its own label, so no kind of token passes as another.
 */
export function derivedKey(secret: string, info: string): Promise<string> {
  const cacheKey = `${info}\u0000${secret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
        "deriveBits",
      ]);
      const bits = await crypto.subtle.deriveBits(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(0),
          info: new TextEncoder().encode(info),
        },
        base,
        256,
      );
      return [...new Uint8Array(bits)].map((b) => b.toString(16).padStart(2, "0")).join("");
    })();
    // One secret per deployment and a few kinds of token: a tiny cache is enough and cannot grow.
    if (derived.size > 8) derived.clear();
    derived.set(cacheKey, key);
  }
  return key;
}

/** The read-token key. */
const readKey = (secret: string) => derivedKey(secret, "edge-stream read token v1");

/** Signs a read token for `sessionId`, owned by `userId`. */
export async function signReadToken(
  secret: string,
  grant: { userId: string; sessionId: string },
  ttlSeconds: number,
  now = Date.now(),
): Promise<string> {
  const claims = {
    sub: grant.userId,
    [READ_CLAIM]: grant.sessionId,
    iat: seconds(now),
    exp: seconds(now) + ttlSeconds,
  };
  return sign(claims, await readKey(secret), "HS256");
}

/** Checks a read token for `sessionId`: signed by this service, unexpired, and for that session. */
export async function verifyReadToken(token: string, secret: string, sessionId: string): Promise<TokenCheck> {
  const result = await checked(token, await readKey(secret), {});
  if (!result.ok) return result;
  const { payload } = result;
  if (typeof payload.exp !== "number") return { ok: false, reason: "token has no exp claim" };
  if (payload[READ_CLAIM] !== sessionId) return { ok: false, reason: "read token is for another session" };
  const sub = UserId.safeParse(payload.sub);
  if (!sub.success) return { ok: false, reason: "token sub claim is missing or not a valid user id" };
  return { ok: true, userId: sub.data };
}
