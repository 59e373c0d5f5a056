/**
 * Who may do what in a session: the one table of actions and the least role each needs, and how a
 * caller's role is found (owner, member, share link). Every role check of the service goes through
 * `authorize` here; the session object calls it before it reads or changes anything.
 * docs/sharing.md is the prose of this file.
 */
import { type Failure, failure } from "../protocol/errors";
import { ROLES, type Role } from "../protocol/roles";

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** Everything a caller can ask of a session. */
export const ACTIONS = {
  /** The snapshot, the event stream, the WebSocket (and presence). */
  READ: "read",
  START_RUN: "start_run",
  CANCEL: "cancel",
  DELETE: "delete",
  /** Adding, changing and removing members. */
  MANAGE_MEMBERS: "manage_members",
  LIST_MEMBERS: "list_members",
  /** Creating and revoking share links. */
  MANAGE_SHARES: "manage_shares",
  /** Answering a review checkpoint and steering a run (`POST /sessions/:id/input`, `/messages`). */
  ANSWER_REVIEW: "answer_review",
  STEER: "steer",
} as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/**
 * The least role each action needs: the one place to change who may do what. (A new action, such
 * as answering a review checkpoint, is one line here and one `authorize` call where it is done.)
 */
export const MIN_ROLE: Record<Action, Role> = {
  read: ROLES.VIEWER,
  list_members: ROLES.VIEWER,
  start_run: ROLES.EDITOR,
  cancel: ROLES.EDITOR,
  delete: ROLES.OWNER,
  manage_members: ROLES.OWNER,
  manage_shares: ROLES.OWNER,
  answer_review: ROLES.EDITOR,
  steer: ROLES.EDITOR,
};

/**
 * Who is asking. `userId` is the principal: a user id, or `share:<id>` for a share link (whose
 * streams count against that share's own limits). `readOnly`: a read token, which reads whatever
 * its user may read and changes nothing. A bare string is a user with a bearer token.
 */
export interface Caller {
  userId: string;
  readOnly?: boolean;
  shareId?: string;
}

/** Prefix of a share link's principal. */
export const SHARE_PRINCIPAL_PREFIX = "share:";

export function shareCaller(shareId: string): Caller {
  return { userId: `${SHARE_PRINCIPAL_PREFIX}${shareId}`, readOnly: true, shareId };
}

export function toCaller(who: Caller | string): Caller {
  return typeof who === "string" ? { userId: who } : who;
}

/** What a session knows about its people, for `roleOf`. */
export interface AccessFacts {
  owner: string | undefined;
  memberRole(userId: string): Role | undefined;
  /** The role a share link grants, undefined when it does not exist, was revoked or has expired. */
  shareRole(shareId: string): Role | undefined;
}

/** The caller's role in the session, or undefined when the session does not exist for them. */
export function roleOf(caller: Caller, facts: AccessFacts): Role | undefined {
  if (facts.owner === undefined) return undefined;
  if (caller.shareId !== undefined) return facts.shareRole(caller.shareId);
  const role = caller.userId === facts.owner ? ROLES.OWNER : facts.memberRole(caller.userId);
  // A read token reads what its user may read, and nothing more.
  if (role !== undefined && caller.readOnly) return ROLES.VIEWER;
  return role;
}

/**
 * Whether `role` may do `action`: not a member (undefined) is 404, as if the session did not
 * exist; a member whose role is too weak gets 403, since they know it exists.
 */
export function authorize(role: Role | undefined, action: Action): Failure | undefined {
  if (role === undefined) return failure("not_found", "session not found");
  if (RANK[role] < RANK[MIN_ROLE[action]]) {
    return failure(
      "forbidden",
      `${action} needs the ${MIN_ROLE[action]} role; you are ${role === "owner" ? "the owner" : `a ${role}`}`,
    );
  }
  return undefined;
}
