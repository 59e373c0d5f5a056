/**
 * User tokens from an identity provider (Auth0, Clerk, Okta, Cloudflare Access...): RS256 or
 * ES256 JWTs verified against the provider's published key set (AUTH_JWKS_URL). `jose` does the
 * cryptography and the key set's caching: a key set is fetched once, kept for JWKS_MAX_AGE_MS,
 * and fetched again on a `kid` it does not hold, but at most once per JWKS_COOLDOWN_MS, so a flood
 * of tokens with made-up `kid`s costs the provider one request per cooldown, not one per token.
 * One key set per URL per isolate.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";

/** The algorithms accepted from a key set. HS* never: a public key must not be usable as an HMAC secret. */
export const JWKS_ALGORITHMS = ["RS256", "ES256"] as const;
/** Least time between two fetches of a key set triggered by unknown `kid`s. */
export const JWKS_COOLDOWN_MS = 30_000;
/** Longest a fetched key set is used before it is fetched again. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/** Longest a key set fetch may take. */
const JWKS_TIMEOUT_MS = 5_000;

export interface JwksSettings {
  url: string;
  issuer?: string;
  audience?: string;
  /** Overrides JWKS_COOLDOWN_MS (tests). */
  cooldownMs?: number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const keySets = new Map<string, KeySet>();

function keySetFor(settings: JwksSettings): KeySet {
  const cooldown = settings.cooldownMs ?? JWKS_COOLDOWN_MS;
  const cacheKey = `${cooldown} ${settings.url}`;
  let set = keySets.get(cacheKey);
  if (!set) {
    set = createRemoteJWKSet(new URL(settings.url), {
      cooldownDuration: cooldown,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    // One URL per deployment: a tiny cache is enough and cannot grow.
    if (keySets.size > 4) keySets.clear();
    keySets.set(cacheKey, set);
  }
  return set;
}

/** Why jose refused a token, as a fixed phrase safe to show and log. */
function refusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "token issuer not accepted";
    if (error.claim === "aud") return "token audience not accepted";
    if (error.claim === "nbf") return "token not valid yet";
    if (error.claim === "iat") return "token issued in the future";
    return "token claims are not valid";
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "token key id is not in the identity provider's key set";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature is not valid";
  if (error instanceof errors.JOSEAlgNotAllowed) return "token must be an RS256 or ES256 JWT";
  const unreachable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
  // Anything that is not jose's own error is the key set's fetch failing (network, DNS).
  if (unreachable || !(error instanceof errors.JOSEError)) return "the identity provider's key set could not be read";
  return "token is malformed";
}

/** Verifies `token` against the key set: signature, algorithm, `exp`/`nbf`, and `iss`/`aud` when set. */
export async function verifyJwksToken(
  token: string,
  settings: JwksSettings,
): Promise<{ ok: true; payload: JWTPayload } | { ok: false; reason: string }> {
  try {
    const { payload } = await jwtVerify(token, keySetFor(settings), {
      algorithms: [...JWKS_ALGORITHMS],
      issuer: settings.issuer,
      audience: settings.audience,
    });
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, reason: refusal(error) };
  }
}
