/**
 * Who may do what in a session: how a caller's role is found (owner, member, share link) and the
 * check of a role against the one table of actions (`MIN_ROLE`, in protocol/roles.ts, where the
 * demo page reads it too). Every role check of the service goes through `authorize` here; the
 * session object calls it before it reads or changes anything.
 * docs/sharing.md is the prose of this file.
 */
import { type Failure, failure } from "../protocol/errors";
import { type Action, MIN_ROLE, ROLES, type Role, roleAllows } from "../protocol/roles";

export { ACTIONS, type Action, MIN_ROLE } from "../protocol/roles";

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
  if (!roleAllows(role, action)) {
    return failure(
      "forbidden",
      `${action} needs the ${MIN_ROLE[action]} role; you are ${role === "owner" ? "the owner" : `${article(role)} ${role}`}`,
    );
  }
  return undefined;
}

/** "a viewer", "an editor". */
const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");
