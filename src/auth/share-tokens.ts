/**
 * Share tokens: the token of a share link (docs/sharing.md). Signed by this service (HS256) with
 * their own key derived from AUTH_SECRET, so a share token never passes as a user or read token,
 * nor they as one. It names one session and one share link of it; the link's role, expiry and
 * revocation are the session's to check (its share row), so a revoked link stops at once however
 * long the token would still verify.
 */
import { decode, sign } from "hono/jwt";
import { z } from "zod";
import { checked, derivedKey, MAX_TOKEN_CHARS, seconds } from "./tokens";

/** Private claims naming the session a share token reads and its share link. */
export const SHARE_SESSION_CLAIM = "share_session";
export const SHARE_ID_CLAIM = "share_id";

const shareKey = (secret: string) => derivedKey(secret, "edge-stream share token v1");

const ShareId = z.uuid();

export type ShareCheck = { ok: true; shareId: string } | { ok: false; reason: string };

/** Signs the token of share link `shareId` of `sessionId`, valid until `expiresAt` (ms since the epoch). */
export async function signShareToken(
  secret: string,
  grant: { sessionId: string; shareId: string },
  expiresAt: number,
  now = Date.now(),
): Promise<string> {
  const claims = {
    [SHARE_SESSION_CLAIM]: grant.sessionId,
    [SHARE_ID_CLAIM]: grant.shareId,
    iat: seconds(now),
    exp: seconds(expiresAt),
  };
  return sign(claims, await shareKey(secret), "HS256");
}

/** Checks a share token for `sessionId`: signed by this service, unexpired, for that session. */
export async function verifyShareToken(token: string, secret: string, sessionId: string): Promise<ShareCheck> {
  const result = await checked(token, await shareKey(secret), {});
  if (!result.ok) return result;
  const { payload } = result;
  if (typeof payload.exp !== "number") return { ok: false, reason: "token has no exp claim" };
  if (payload[SHARE_SESSION_CLAIM] !== sessionId) return { ok: false, reason: "share token is for another session" };
  const shareId = ShareId.safeParse(payload[SHARE_ID_CLAIM]);
  if (!shareId.success) return { ok: false, reason: "share token names no share link" };
  return { ok: true, shareId: shareId.data };
}

/** Whether a token carries the share claims (read unverified: it only picks which check runs). */
export function isShareToken(token: string): boolean {
  if (token.length > MAX_TOKEN_CHARS) return false;
  try {
    return SHARE_SESSION_CLAIM in decode(token).payload;
  } catch {
    return false;
  }
}
