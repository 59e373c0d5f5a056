/**
 * Per-user limits in a shared session count each caller's own streams and runs, whoever owns the
 * session (issue 13): a member's sockets on the owner's session are the member's (3 streams per
 * user here, 2 per session), and a run an editor starts holds the editor's run lease until it ends.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { type Auth, api, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { startBigSession } from "../helpers/big-session";
import { connectWs } from "../helpers/ws";

const counts = (user: string) => userLimitsStub(env, user).counts();
const upgrade = { headers: { Upgrade: "websocket" } };

async function addMember(sessionId: string, user_id: string, role: string, auth?: Auth): Promise<void> {
  const body = JSON.stringify({ user_id, role });
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body };
  expect((await api(`/sessions/${sessionId}/members`, init, auth)).status).toBe(200);
}

describe("limits in shared sessions", () => {
  it("counts a member's streams against the member, on any owner's sessions", async () => {
    const member = `member-${crypto.randomUUID().slice(0, 8)}`;
    const owner = `owner-${crypto.randomUUID().slice(0, 8)}`;
    const [one, two] = [await startBigSession(owner, 2, 10), await startBigSession(owner, 2, 10)];
    const ownerAuth = { user: owner };
    for (const s of [one, two]) await addMember(s.sessionId, member, "viewer", ownerAuth);
    const sockets = [
      await connectWs(`/sessions/${one.sessionId}/ws`, {}, { user: member }),
      await connectWs(`/sessions/${one.sessionId}/ws`, {}, { user: member }),
      await connectWs(`/sessions/${two.sessionId}/ws`, {}, { user: member }),
    ];
    expect((await counts(member)).stream).toBe(3);
    expect((await counts(owner)).stream).toBe(0);
    // The member's fourth stream is refused for the member's limit, though the session has room.
    const fourth = await api(`/sessions/${two.sessionId}/ws`, upgrade, { user: member });
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: { message: string } }).error.message).toMatch(/for this user/);
    // The owner's own budget is untouched: their socket takes the session's last place.
    const owners = await connectWs(`/sessions/${two.sessionId}/ws`, {}, ownerAuth);
    expect((await counts(owner)).stream).toBe(1);
    for (const socket of [...sockets, owners]) socket.ws.close(1000, "done");
    await vi.waitFor(async () => expect((await counts(member)).stream).toBe(0), { timeout: 10_000 });
    for (const s of [one, two]) await api(`/sessions/${s.sessionId}/cancel`, { method: "POST" }, ownerAuth);
  });

  it("holds an editor's run lease at the editor's limits and gives it back when the run ends", async () => {
    const editor = `editor-${crypto.randomUUID().slice(0, 8)}`;
    const { session_id } = await startDetached("novachat", { message: "mine" });
    await waitIdle(session_id, 30_000);
    await addMember(session_id, editor, "editor");
    const before = (await counts(TEST_USER)).run;
    await startDetached("novachat", { message: "theirs", session_id }, { user: editor });
    expect((await counts(editor)).run).toBe(1);
    expect((await counts(TEST_USER)).run).toBe(before);
    await waitIdle(session_id, 30_000);
    await vi.waitFor(async () => expect((await counts(editor)).run).toBe(0), { timeout: 5_000 });
  });
});
