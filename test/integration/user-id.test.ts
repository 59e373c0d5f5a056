/**
 * A token's `sub` names the user: a Durable Object, a session's owner, audit lines. Stored as
 * UTF-8 (SQLite), a lone surrogate does not survive: `"\ud800victim"` and `"\udc00victim"` both read
 * back as `"\ufffd\ufffd\ufffdvictim"`, another user's id; invisible characters make two ids look
 * alike. Such a sub is refused with 401 like any other invalid token, and audited.
 */
import { sign } from "hono/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, postChat, startDetached, testSecret, waitIdle } from "../helpers/api";

const now = () => Math.floor(Date.now() / 1000);

function tokenWithSub(sub: string): Promise<string> {
  return sign({ sub, exp: now() + 600 }, testSecret(), "HS256");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("user ids in tokens", () => {
  it("refuses a sub that is not well-formed Unicode, or looks like another id, with 401 and an audit line", async () => {
    const victim = "\ufffd\ufffd\ufffdvictim";
    const started = await startDetached("novachat", { message: "the victim's" }, { token: await tokenWithSub(victim) });
    await waitIdle(started.session_id, 15_000, { token: await tokenWithSub(victim) });
    const log = vi.spyOn(console, "log");
    for (const sub of ["\ud800victim", "\udc00victim", "vic\u200btim"]) {
      const token = await tokenWithSub(sub);
      const read = await api(`/sessions/${started.session_id}`, {}, { token });
      expect(read.status, JSON.stringify(sub)).toBe(401);
      const body = (await read.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({
        code: "unauthorized",
        message: "token sub claim is missing or not a valid user id",
      });
      const start = await postChat("novachat", { message: "x" }, { Accept: "application/json" }, { token });
      expect(start.status, JSON.stringify(sub)).toBe(401);
    }
    const audited = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"auth_refused"'));
    expect(audited).toHaveLength(6);
    for (const line of audited) expect(JSON.parse(line)).toMatchObject({ user_id: null, event: "auth_refused" });
  });
});
