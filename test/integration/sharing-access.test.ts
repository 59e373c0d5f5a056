/**
 * Every route of a shared session against every kind of caller (issue 13, section 3): the owner,
 * an editor, a viewer, a share link's token, a non-member, a removed member, a revoked share link
 * and an expired one. One table of expected statuses; the access rules themselves are
 * src/session/access.ts (test/unit/access.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { signShareToken } from "../../src/auth/share-tokens";
import { EVENT_TYPES } from "../../src/protocol/events";
import { type Auth, api, startDetached, TEST_USER, testSecret, waitIdle } from "../helpers/api";

const tag = crypto.randomUUID().slice(0, 8);
const EDITOR = `editor-${tag}`;
const VIEWER = `viewer-${tag}`;
const REMOVED = `removed-${tag}`;
const STRANGER = `stranger-${tag}`;

type Who = "owner" | "editor" | "viewer" | "share" | "non-member" | "removed" | "revoked share" | "expired share";
const WHO: Who[] = ["owner", "editor", "viewer", "share", "non-member", "removed", "revoked share", "expired share"];

let sessionId = "";
let otherSession = "";
const tokens: Partial<Record<Who, string>> = {};

/** How `who` authenticates: a bearer user, or a share token in the query (no header). */
function as(who: Who): { auth: Auth; query: string } {
  const users: Partial<Record<Who, string>> = {
    owner: TEST_USER,
    editor: EDITOR,
    viewer: VIEWER,
    "non-member": STRANGER,
    removed: REMOVED,
  };
  const user = users[who];
  if (user) return { auth: { user }, query: "" };
  return { auth: { token: null }, query: `token=${encodeURIComponent(tokens[who] ?? "")}` };
}

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

async function share(id: string, ttl_seconds = 600): Promise<{ share_id: string; token: string; url: string }> {
  const res = await api(`/sessions/${id}/shares`, json("POST", { role: "viewer", ttl_seconds }));
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function addMember(user_id: string, role: string, id = sessionId): Promise<Response> {
  return api(`/sessions/${id}/members`, json("POST", { user_id, role }));
}

beforeAll(async () => {
  sessionId = (await startDetached("novachat", { message: "shared" })).session_id;
  otherSession = (await startDetached("novachat", { message: "not shared" })).session_id;
  await waitIdle(sessionId);
  await waitIdle(otherSession);
  for (const [user, role] of [
    [EDITOR, "editor"],
    [VIEWER, "viewer"],
    [REMOVED, "editor"],
  ]) {
    expect((await addMember(user, role)).status).toBe(200);
  }
  expect((await api(`/sessions/${sessionId}/members/${REMOVED}`, { method: "DELETE" })).status).toBe(204);
  tokens.share = (await share(sessionId)).token;
  const revoked = await share(sessionId);
  expect((await api(`/sessions/${sessionId}/shares/${revoked.share_id}`, { method: "DELETE" })).status).toBe(204);
  tokens["revoked share"] = revoked.token;
  tokens["expired share"] = await signShareToken(
    testSecret(),
    { sessionId, shareId: crypto.randomUUID() },
    Date.now() - 1000,
    Date.now() - 120_000,
  );
});

interface Row {
  route: string;
  call(who: Who): Promise<Response>;
  expected: Record<Who, number>;
}

const get =
  (path: (id: string) => string, init: RequestInit = {}) =>
  (who: Who) => {
    const { auth, query } = as(who);
    const url = path(sessionId);
    return api(query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url, init, auth);
  };

// Reads: every member and a live share link. Bearer-only routes: a share token is not a user (401).
const READ = { owner: 200, editor: 200, viewer: 200, share: 200 } as const;
const NOBODY = { "non-member": 404, removed: 404, "revoked share": 404, "expired share": 401 } as const;
const OWNER_ONLY = { editor: 403, viewer: 403, share: 401, ...NOBODY, "revoked share": 401 } as const;

const ROWS: Row[] = [
  { route: "GET /sessions/:id", call: get((id) => `/sessions/${id}`), expected: { ...READ, ...NOBODY } },
  {
    route: "GET /sessions/:id/events",
    call: get((id) => `/sessions/${id}/events?last_event_id=0`),
    expected: { ...READ, ...NOBODY },
  },
  {
    route: "GET /sessions/:id/ws",
    call: get((id) => `/sessions/${id}/ws`, { headers: { Upgrade: "websocket" } }),
    expected: { owner: 101, editor: 101, viewer: 101, share: 101, ...NOBODY },
  },
  {
    route: "GET /sessions/:id/members",
    call: get((id) => `/sessions/${id}/members`),
    expected: { owner: 200, editor: 200, viewer: 200, share: 401, ...NOBODY, "revoked share": 401 },
  },
  {
    route: "POST /novachat (session_id)",
    call: async (who) => {
      const res = await get(() => "/novachat", {
        ...json("POST", { message: "again", session_id: sessionId }),
        headers: { "Content-Type": "application/json", Accept: "application/json" },
      })(who);
      if (res.status === 202) await waitIdle(sessionId);
      return res;
    },
    expected: { owner: 202, editor: 202, viewer: 403, share: 401, ...NOBODY, "revoked share": 401 },
  },
  {
    route: "POST /sessions/:id/cancel (idle: 404 no active run)",
    call: get((id) => `/sessions/${id}/cancel`, { method: "POST" }),
    expected: { owner: 404, editor: 404, viewer: 403, share: 401, ...NOBODY, "revoked share": 401 },
  },
  {
    route: "POST /sessions/:id/input (nothing waits: 409 not_waiting)",
    call: get((id) => `/sessions/${id}/input`, json("POST", { action: "approve" })),
    expected: { owner: 409, editor: 409, viewer: 403, share: 401, ...NOBODY, "revoked share": 401 },
  },
  {
    route: "POST /sessions/:id/messages (idle: 409 no_active_run)",
    call: get((id) => `/sessions/${id}/messages`, json("POST", { text: "hello" })),
    expected: { owner: 409, editor: 409, viewer: 403, share: 401, ...NOBODY, "revoked share": 401 },
  },
  {
    route: "GET /v1/stream/sessions/:id",
    call: get((id) => `/v1/stream/sessions/${id}?offset=-1`),
    expected: { ...READ, ...NOBODY },
  },
  {
    route: "POST /sessions/:id/members",
    call: get((id) => `/sessions/${id}/members`, json("POST", { user_id: `target-${tag}`, role: "viewer" })),
    expected: { owner: 200, ...OWNER_ONLY },
  },
  {
    route: "GET /sessions/:id/shares",
    call: get((id) => `/sessions/${id}/shares`),
    expected: { owner: 200, ...OWNER_ONLY },
  },
  {
    route: "POST /sessions/:id/shares",
    call: get((id) => `/sessions/${id}/shares`, json("POST", { ttl_seconds: 60 })),
    expected: { owner: 201, ...OWNER_ONLY },
  },
  {
    route: "DELETE /sessions/:id/shares/:share_id",
    call: async (who) => {
      const { share_id } = await share(sessionId);
      return get((id) => `/sessions/${id}/shares/${share_id}`, { method: "DELETE" })(who);
    },
    expected: { owner: 204, ...OWNER_ONLY },
  },
  {
    route: "DELETE /sessions/:id/members/:user_id",
    call: async (who) => {
      const target = `gone-${crypto.randomUUID().slice(0, 8)}`;
      expect((await addMember(target, "viewer")).status).toBe(200);
      return get((id) => `/sessions/${id}/members/${target}`, { method: "DELETE" })(who);
    },
    expected: { owner: 204, ...OWNER_ONLY },
  },
  {
    // The owner's DELETE is last: it ends the session (asserted in its own test below).
    route: "DELETE /sessions/:id",
    call: get((id) => `/sessions/${id}`, { method: "DELETE" }),
    expected: { editor: 403, viewer: 403, share: 401, ...NOBODY, "revoked share": 401, owner: 204 },
  },
];

describe("shared session access, route by caller", () => {
  for (const row of ROWS) {
    it(row.route, async () => {
      const got: Partial<Record<Who, number>> = {};
      // The owner goes last on each row: its DELETE ends the session.
      for (const who of [...WHO.filter((w) => w !== "owner"), "owner" as const]) {
        const res = await row.call(who);
        got[who] = res.status;
        if (res.status >= 400) {
          const body = (await res.json()) as { error: { code: string } };
          const codes: Record<number, string[]> = {
            401: ["unauthorized"],
            403: ["forbidden"],
            404: ["not_found"],
            409: ["not_waiting", "no_active_run"],
          };
          expect(codes[res.status], `${row.route} as ${who}`).toContain(body.error.code);
        } else if (res.webSocket) {
          res.webSocket.accept();
          res.webSocket.close();
        } else await res.body?.cancel();
      }
      expect(got).toEqual(row.expected);
    });
  }
});

describe("share links and membership events", () => {
  it("a share token opens nothing on another session", async () => {
    const { token } = await share(otherSession);
    const res = await api(`/sessions/${sessionId}?token=${encodeURIComponent(token)}`, {}, { token: null });
    expect(res.status).toBe(401);
    const own = await api(`/sessions/${otherSession}?token=${encodeURIComponent(token)}`, {}, { token: null });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { role: string }).role).toBe("viewer");
  });

  it("logs member_added and member_removed with the owner as actor", async () => {
    const { session_id } = await startDetached("novachat", { message: "log it" });
    await waitIdle(session_id);
    const member = `logged-${tag}`;
    expect((await addMember(member, "viewer", session_id)).status).toBe(200);
    const changed = await addMember(member, "editor", session_id);
    expect(await changed.json()).toMatchObject({ member: { user_id: member, role: "editor" }, changed: true });
    const same = await addMember(member, "editor", session_id);
    expect(await same.json()).toMatchObject({ changed: false });
    expect((await api(`/sessions/${session_id}/members/${member}`, { method: "DELETE" })).status).toBe(204);
    const snap = (await (await api(`/sessions/${session_id}`)).json()) as { last_event_id: number };
    const res = await api(`/sessions/${session_id}/events?last_event_id=${snap.last_event_id - 3}`);
    const text = await res.text();
    const events = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    expect(events.map((e) => [e.event_type, e.run_id, e.payload])).toEqual([
      [EVENT_TYPES.MEMBER_ADDED, "", { user_id: member, role: "viewer", previous_role: null, actor: TEST_USER }],
      [EVENT_TYPES.MEMBER_ADDED, "", { user_id: member, role: "editor", previous_role: "viewer", actor: TEST_USER }],
      [EVENT_TYPES.MEMBER_REMOVED, "", { user_id: member, role: "editor", actor: TEST_USER }],
    ]);
  });

  it("refuses bad membership and share requests with 400 and changes nothing", async () => {
    const { session_id } = await startDetached("novachat", { message: "bad input" });
    await waitIdle(session_id);
    const before = (await (await api(`/sessions/${session_id}/members`)).json()) as { members: unknown[] };
    const bad = [
      ["POST", "/members", { user_id: "x", role: "owner" }, "invalid_body"],
      ["POST", "/members", { user_id: "", role: "viewer" }, "invalid_body"],
      ["POST", "/members", { user_id: "a\u0000b", role: "viewer" }, "invalid_body"],
      ["POST", "/members", { user_id: TEST_USER, role: "viewer" }, "bad_request"],
      ["POST", "/shares", { role: "editor" }, "invalid_body"],
      ["POST", "/shares", { ttl_seconds: 1 }, "invalid_body"],
      ["POST", "/shares", { ttl_seconds: 10 ** 9 }, "invalid_body"],
      ["DELETE", "/shares/not-a-uuid", undefined, "bad_request"],
      ["DELETE", `/shares/${crypto.randomUUID()}`, undefined, "not_found"],
      ["DELETE", "/members/nobody", undefined, "not_found"],
    ] as const;
    for (const [method, path, body, code] of bad) {
      const res = await api(`/sessions/${session_id}${path}`, body ? json(method, body) : { method });
      const text = await res.text();
      expect(JSON.parse(text).error.code, `${method} ${path} ${JSON.stringify(body)}: ${text}`).toBe(code);
    }
    const after = (await (await api(`/sessions/${session_id}/members`)).json()) as { members: unknown[] };
    expect(after.members).toEqual(before.members);
    const shares = (await (await api(`/sessions/${session_id}/shares`)).json()) as { shares: unknown[] };
    expect(shares.shares).toEqual([]);
  });
});
