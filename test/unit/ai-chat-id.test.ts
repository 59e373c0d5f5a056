/** Chat ids become session ids per user: deterministic, keyed, and shaped as version-8 UUIDs. */
import { describe, expect, it } from "vitest";
import { chatSessionId, uuidV8 } from "../../src/http/ai-chat-id";

const SECRET = "test-only-secret-0123456789abcdef0123456789abcdef";
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("chatSessionId", () => {
  it("is a version-8 UUID, the same for the same user and chat", async () => {
    const id = await chatSessionId(SECRET, "alice", "chat-1");
    expect(id).toMatch(UUID_V8);
    expect(await chatSessionId(SECRET, "alice", "chat-1")).toBe(id);
  });

  it("differs by user, by chat id and by secret, and never confuses where one ends and the other starts", async () => {
    const ids = await Promise.all([
      chatSessionId(SECRET, "alice", "chat-1"),
      chatSessionId(SECRET, "bob", "chat-1"),
      chatSessionId(SECRET, "alice", "chat-2"),
      chatSessionId(`${SECRET}x`, "alice", "chat-1"),
      chatSessionId(SECRET, "alice-c", "hat-1"),
      chatSessionId(SECRET, "alice", "-chat-1"),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sets the version and variant bits of whatever bytes it is given", () => {
    expect(uuidV8(new Uint8Array(16).fill(0xff))).toBe("ffffffff-ffff-8fff-bfff-ffffffffffff");
    expect(uuidV8(new Uint8Array(32))).toBe("00000000-0000-8000-8000-000000000000");
    expect(() => uuidV8(new Uint8Array(15))).toThrow(RangeError);
  });
});
