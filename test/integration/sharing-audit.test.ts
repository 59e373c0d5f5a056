/**
 * Audit lines (src/audit.ts) for every membership change and every share link made or revoked:
 * who did it (`user_id`), on which session, about whom (`member_id`, `share_id`) and with what role;
 * never a share token. A change refused for the caller's role writes `access_refused` (who, which
 * session, what they asked), and no change record.
 */
import { afterEach, beforeEach, expect, it, type MockInstance, vi } from "vitest";
import { api, startDetached, TEST_USER, waitIdle } from "../helpers/api";
import { auditRecords } from "../helpers/audit-log";

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, "log");
});
afterEach(() => log.mockRestore());

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

it("audits member_added, member_removed, share_created and share_revoked, and access_refused for a refusal", async () => {
  const { session_id } = await startDetached("novachat", { message: "audited" });
  await waitIdle(session_id);
  const member = `audited-${crypto.randomUUID().slice(0, 8)}`;
  await api(`/sessions/${session_id}/members`, json("POST", { user_id: member, role: "editor" }));
  // Refused: an editor may not add members (403): audited as a refusal, not as a change.
  const refused = await api(`/sessions/${session_id}/members`, json("POST", { user_id: "x", role: "viewer" }), {
    user: member,
  });
  expect(refused.status).toBe(403);
  await api(`/sessions/${session_id}/members/${member}`, { method: "DELETE" });
  const share = (await (await api(`/sessions/${session_id}/shares`, json("POST", {}))).json()) as {
    share_id: string;
    token: string;
  };
  await api(`/sessions/${session_id}/shares/${share.share_id}`, { method: "DELETE" });

  const sharing = ["member_added", "member_removed", "share_created", "share_revoked", "access_refused"];
  const records = auditRecords(log).filter((r) => sharing.includes(String(r.event)));
  const strip = ({ time: _time, type: _type, ...rest }: Record<string, unknown>) => rest;
  const base = { user_id: TEST_USER, session_id };
  expect(records.map(strip)).toEqual([
    { event: "member_added", ...base, member_id: member, role: "editor" },
    {
      event: "access_refused",
      user_id: member,
      session_id,
      reason: "manage_members needs the owner role; you are an editor",
      method: "POST",
      path: `/sessions/${session_id}/members`,
    },
    { event: "member_removed", ...base, member_id: member, role: "editor" },
    { event: "share_created", ...base, role: "viewer", share_id: share.share_id },
    { event: "share_revoked", ...base, share_id: share.share_id },
  ]);
  const lines = log.mock.calls.map((call) => String(call[0])).join("\n");
  expect(lines).not.toContain(share.token);
});
