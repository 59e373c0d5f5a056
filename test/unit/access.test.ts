/**
 * The access rules of shared sessions (src/session/access.ts): the least role of each action, how
 * a caller's role is found (owner, member, read token, share link), and 404 versus 403. Presence
 * lists (src/session/presence.ts) too.
 */
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../src/protocol/roles";
import {
  ACTIONS,
  type AccessFacts,
  type Action,
  authorize,
  type Caller,
  roleOf,
  shareCaller,
} from "../../src/session/access";
import { presenceOf } from "../../src/session/presence";

const facts: AccessFacts = {
  owner: "olga",
  memberRole: (id) => ({ eddie: ROLES.EDITOR, vera: ROLES.VIEWER })[id] as Role | undefined,
  shareRole: (id) => (id === "live" ? ROLES.VIEWER : undefined),
};

describe("roleOf", () => {
  const cases: [string, Caller, Role | undefined][] = [
    ["the owner", { userId: "olga" }, "owner"],
    ["an editor", { userId: "eddie" }, "editor"],
    ["a viewer", { userId: "vera" }, "viewer"],
    ["a stranger", { userId: "sam" }, undefined],
    ["the owner's read token", { userId: "olga", readOnly: true }, "viewer"],
    ["an editor's read token", { userId: "eddie", readOnly: true }, "viewer"],
    ["a stranger's read token", { userId: "sam", readOnly: true }, undefined],
    ["a live share link", shareCaller("live"), "viewer"],
    ["a revoked or expired share link", shareCaller("gone"), undefined],
    // A share caller is looked up as a share only, never as the user its principal spells.
    ["a share link whose principal a member's id equals", { userId: "eddie", shareId: "gone" }, undefined],
  ];
  for (const [name, caller, role] of cases) {
    it(name, () => expect(roleOf(caller, facts)).toBe(role));
  }

  it("finds no one in a session that does not exist", () => {
    expect(roleOf({ userId: "olga" }, { ...facts, owner: undefined })).toBeUndefined();
  });
});

describe("authorize", () => {
  const expected: Record<Action, Record<Role, boolean>> = {
    read: { owner: true, editor: true, viewer: true },
    list_members: { owner: true, editor: true, viewer: true },
    start_run: { owner: true, editor: true, viewer: false },
    cancel: { owner: true, editor: true, viewer: false },
    delete: { owner: true, editor: false, viewer: false },
    manage_members: { owner: true, editor: false, viewer: false },
    manage_shares: { owner: true, editor: false, viewer: false },
    answer_review: { owner: true, editor: true, viewer: false },
    steer: { owner: true, editor: true, viewer: false },
  };
  for (const action of Object.values(ACTIONS)) {
    it(`${action}: allowed ${JSON.stringify(expected[action])}; 403 to the rest, 404 to non-members`, () => {
      for (const role of Object.values(ROLES)) {
        const refused = authorize(role, action);
        if (expected[action][role]) expect(refused).toBeUndefined();
        else expect(refused).toMatchObject({ ok: false, code: "forbidden" });
      }
      expect(authorize(undefined, action)).toMatchObject({ ok: false, code: "not_found" });
    });
  }
});

describe("presenceOf", () => {
  it("counts each principal's streams by transport, sorted by id then transport", () => {
    const open = [
      { id: "b", transport: "ws" as const },
      { id: "a", transport: "ws" as const },
      { id: "b", transport: "sse" as const },
      { id: "b", transport: "ws" as const },
    ];
    expect(presenceOf(open)).toEqual([
      { id: "a", transport: "ws", streams: 1 },
      { id: "b", transport: "sse", streams: 1 },
      { id: "b", transport: "ws", streams: 2 },
    ]);
    expect(presenceOf([])).toEqual([]);
  });
});
