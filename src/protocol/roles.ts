/**
 * The roles a person can have in a shared session (docs/sharing.md). Defined on the wire, since
 * membership events and presence carry them, and so is the table of who may do what (a page greys
 * out what its user's role does not allow); the service checks it in src/session/access.ts.
 */

/** A member's role, weakest first. The owner is the session's creator; there is exactly one. */
export const ROLES = { VIEWER: "viewer", EDITOR: "editor", OWNER: "owner" } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** Roles an owner may grant: ownership is not transferable. */
export const GRANTABLE_ROLES = [ROLES.EDITOR, ROLES.VIEWER] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

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

/** Whether `role` may do `action` (MIN_ROLE): the service's check (session/access.ts) and the demo page's controls. */
export function roleAllows(role: Role, action: Action): boolean {
  return RANK[role] >= RANK[MIN_ROLE[action]];
}
