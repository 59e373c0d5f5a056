/**
 * The roles a person can have in a shared session (docs/sharing.md). Defined on the wire, since
 * membership events and presence carry them; who may do what is src/session/access.ts.
 */

/** A member's role, weakest first. The owner is the session's creator; there is exactly one. */
export const ROLES = { VIEWER: "viewer", EDITOR: "editor", OWNER: "owner" } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** Roles an owner may grant: ownership is not transferable. */
export const GRANTABLE_ROLES = [ROLES.EDITOR, ROLES.VIEWER] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
