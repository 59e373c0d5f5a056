/**
 * Payloads of the events about a session's people (`member_added`, `member_removed`; their types
 * are in events.ts with the others). docs/sharing.md has the contract.
 */
import type { GrantableRole } from "./roles";

/**
 * `agent_source` of events about the session rather than a run (membership); they carry
 * `run_id: ""`, as they belong to no run.
 */
export const SESSION_SOURCE = "session";

export interface MemberAddedPayload {
  user_id: string;
  role: GrantableRole;
  /** The role they had before, when this changed it; null for a new member. */
  previous_role: GrantableRole | null;
  /** Who made the change (the owner's user id). */
  actor: string;
}

export interface MemberRemovedPayload {
  user_id: string;
  /** The role they had. */
  role: GrantableRole;
  actor: string;
}
