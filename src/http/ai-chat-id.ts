/**
 * The session behind an AI SDK chat: a chat id is the client's, so it is scoped to the user by
 * deriving the session id from both with a keyed hash. Two users with the same chat id get two
 * sessions, and without AUTH_SECRET nobody can compute (or squat) another user's session id.
 *
 *   key        = HKDF-SHA256(AUTH_SECRET, info "edge-stream ai chat session v1")
 *   session id = the first 16 bytes of HMAC-SHA256(key, JSON.stringify([user, chat id])),
 *                formatted as a version-8 UUID (RFC 9562: custom layout, version and variant set)
 *
 * The result is an ordinary session id, so every /sessions/:id route works on it. Rotating
 * AUTH_SECRET maps every chat id to a new, empty session.
 */

const INFO = new TextEncoder().encode("edge-stream ai chat session v1");

/** One derived key per secret (in practice one per isolate). */
const keys = new Map<string, Promise<CryptoKey>>();

function chatKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: INFO },
        base,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

/** Formats 16 bytes as a version-8 UUID (sets the version and variant bits). */
export function uuidV8(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new RangeError("a UUID needs 16 bytes");
  const b = bytes.slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The session id of `chatId` for `userId`. The JSON array keeps (user, chat) pairs apart (no ambiguous joins). */
export async function chatSessionId(secret: string, userId: string, chatId: string): Promise<string> {
  const input = new TextEncoder().encode(JSON.stringify([userId, chatId]));
  const mac = await crypto.subtle.sign("HMAC", await chatKey(secret), input);
  return uuidV8(new Uint8Array(mac));
}
