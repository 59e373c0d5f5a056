/**
 * Review and steering in a shared session (issue 13, sections 1-3 together): an editor answers
 * the review and steers the run, each logged with the editor as `actor`; a viewer and a share
 * link are refused with 403 / 401 and change nothing; a non-member gets 404.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/protocol/events";
import { api, startDetached } from "../helpers/api";
import { answer, readToPause, steer, waitForStatus } from "../helpers/review";
import { eventsOf, readWholeRun } from "../helpers/run-events";

const tag = crypto.randomUUID().slice(0, 8);
const EDITOR = `review-editor-${tag}`;
const VIEWER = `review-viewer-${tag}`;
const STRANGER = `review-stranger-${tag}`;

async function addMember(sessionId: string, user_id: string, role: string): Promise<void> {
  const init = {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user_id, role }),
  };
  expect((await api(`/sessions/${sessionId}/members`, init)).status).toBe(200);
}

async function shareToken(sessionId: string): Promise<string> {
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({}) };
  const res = await api(`/sessions/${sessionId}/shares`, init);
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe("review and steering by role", () => {
  it("an editor answers and steers; a viewer, a share link and a stranger cannot", async () => {
    const { session_id } = await startDetached("novachat", {
      message: "a launch post",
      options: { review: ["strategy_generator"] },
    });
    await addMember(session_id, EDITOR, "editor");
    await addMember(session_id, VIEWER, "viewer");
    const token = await shareToken(session_id);
    await readToPause(session_id);
    await waitForStatus(session_id, "awaiting_input");

    const refused = [
      [await answer(session_id, { action: "approve" }, { user: VIEWER }), 403, "forbidden"],
      [await steer(session_id, "from a viewer", { user: VIEWER }), 403, "forbidden"],
      [await answer(session_id, { action: "approve" }, { user: STRANGER }), 404, "not_found"],
      [await steer(session_id, "from a stranger", { user: STRANGER }), 404, "not_found"],
    ] as const;
    for (const [res, status, code] of refused) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    // A share token is no user: the interaction routes need a bearer user token.
    const viaShare = await api(
      `/sessions/${session_id}/input?token=${encodeURIComponent(token)}`,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action: "approve" }) },
      { token: null },
    );
    expect(viaShare.status).toBe(401);
    // Nothing was logged by the refusals: the run still waits.
    await waitForStatus(session_id, "awaiting_input");

    expect((await steer(session_id, "mention the spring sale", { user: EDITOR })).status).toBe(202);
    expect((await answer(session_id, { action: "approve" }, { user: EDITOR })).status).toBe(202);
    const all = await readWholeRun(session_id);
    expect(eventsOf(all, EVENT_TYPES.USER_MESSAGE).map((e) => e.payload)).toEqual([
      expect.objectContaining({ text: "mention the spring sale", actor: EDITOR }),
    ]);
    expect(eventsOf(all, EVENT_TYPES.INPUT).map((e) => e.payload)).toEqual([
      expect.objectContaining({ action: "approve", actor: EDITOR }),
    ]);
    expect(eventsOf(all, EVENT_TYPES.RUN_COMPLETE).map((e) => e.payload.status)).toEqual(["completed"]);
  });
});
