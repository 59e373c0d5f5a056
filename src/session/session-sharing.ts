/**
 * A shared session's people: members (added, changed, removed by the owner, each change an event
 * in the log) and share links (made and revoked by the owner; not logged). Every check is
 * access.ts's, through the session's SessionAccess; a change ends the streams of whoever lost
 * access. docs/sharing.md has the contract.
 */

import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES } from "../protocol/events";
import { SESSION_SOURCE } from "../protocol/member-events";
import type { GrantableRole, Role } from "../protocol/roles";
import { ACTIONS, type Caller, toCaller } from "./access";
import { MAX_MEMBERS, MAX_SHARES, type Member, type Share } from "./member-store";
import { isFailure, type SessionAccess } from "./session-access";

/** What the sharing operations need of their session. */
export interface SharingDeps {
  access: SessionAccess;
  /** Its streams and sockets: those whose caller lost access end (session-streams.ts). */
  streams: { accessChanged(): void };
  /** Records activity on the session (extends its life). */
  touch(): void;
  now(): number;
}

export type MemberList = { ok: true; owner: string; members: Member[] };
export type MemberChange = { ok: true; member: Member; changed: boolean };

/** Run id of events that belong to the session rather than a run. */
const NO_RUN = "";

export class SessionSharing {
  #deps: SharingDeps;

  constructor(deps: SharingDeps) {
    this.#deps = deps;
  }

  listMembers(who: Caller | string): MemberList | Failure {
    const stores = this.#deps.access.allowed(toCaller(who), ACTIONS.LIST_MEMBERS);
    if (isFailure(stores)) return stores;
    return { ok: true, owner: stores.store.getMeta("owner") ?? "", members: stores.members.list() };
  }

  /** Adds `userId` with `role`, or changes their role; logged as `member_added` with the owner as actor. */
  putMember(who: Caller | string, userId: string, role: GrantableRole): MemberChange | Failure {
    const caller = toCaller(who);
    const stores = this.#deps.access.allowed(caller, ACTIONS.MANAGE_MEMBERS);
    if (isFailure(stores)) return stores;
    const { store, members, writer } = stores;
    if (userId === store.getMeta("owner")) return failure("bad_request", "the owner's role cannot change");
    const previous = members.role(userId) ?? null;
    const added_at = new Date(this.#deps.now()).toISOString();
    const member = { user_id: userId, role, added_by: caller.userId, added_at };
    if (previous === role)
      return { ok: true, member: this.#find(stores.members.list(), userId) ?? member, changed: false };
    if (previous === null && members.count >= MAX_MEMBERS) {
      return failure("bad_request", `a session has at most ${MAX_MEMBERS} members`);
    }
    const payload = { user_id: userId, role, previous_role: previous, actor: caller.userId };
    writer.emitAndCommit(NO_RUN, { event_type: EVENT_TYPES.MEMBER_ADDED, agent_source: SESSION_SOURCE, payload }, () =>
      members.put(member),
    );
    this.#changed();
    return { ok: true, member: this.#find(members.list(), userId) ?? member, changed: true };
  }

  /** Removes a member (logged as `member_removed`); their streams and sockets on the session end. */
  removeMember(who: Caller | string, userId: string): { ok: true; role: GrantableRole } | Failure {
    const caller = toCaller(who);
    const stores = this.#deps.access.allowed(caller, ACTIONS.MANAGE_MEMBERS);
    if (isFailure(stores)) return stores;
    const { members, writer } = stores;
    const role = members.role(userId);
    if (role === undefined) return failure("not_found", `${JSON.stringify(userId)} is not a member of this session`);
    const payload = { user_id: userId, role, actor: caller.userId };
    writer.emitAndCommit(
      NO_RUN,
      { event_type: EVENT_TYPES.MEMBER_REMOVED, agent_source: SESSION_SOURCE, payload },
      () => members.remove(userId),
    );
    this.#changed();
    return { ok: true, role };
  }

  /** Makes a share link granting `role` until `ttlSeconds` from now; the Worker signs its token. */
  createShare(who: Caller | string, role: Role, ttlSeconds: number): ({ ok: true } & Share) | Failure {
    const caller = toCaller(who);
    const stores = this.#deps.access.allowed(caller, ACTIONS.MANAGE_SHARES);
    if (isFailure(stores)) return stores;
    const now = this.#deps.now();
    if (stores.members.shares(now).length >= MAX_SHARES) {
      return failure("bad_request", `a session has at most ${MAX_SHARES} live share links; revoke one first`);
    }
    const share: Share = {
      share_id: crypto.randomUUID(),
      role,
      created_by: caller.userId,
      created_at: new Date(now).toISOString(),
      expires_at: now + ttlSeconds * 1000,
    };
    stores.members.addShare(share);
    this.#deps.touch();
    return { ok: true, ...share };
  }

  listShares(who: Caller | string): { ok: true; shares: Share[] } | Failure {
    const stores = this.#deps.access.allowed(toCaller(who), ACTIONS.MANAGE_SHARES);
    if (isFailure(stores)) return stores;
    return { ok: true, shares: stores.members.shares(this.#deps.now()) };
  }

  /** Revokes a share link at once: streams and sockets opened with it end. */
  revokeShare(who: Caller | string, shareId: string): { ok: true } | Failure {
    const stores = this.#deps.access.allowed(toCaller(who), ACTIONS.MANAGE_SHARES);
    if (isFailure(stores)) return stores;
    if (!stores.members.revokeShare(shareId)) return failure("not_found", "no such share link");
    this.#changed();
    return { ok: true };
  }

  #find(list: Member[], userId: string): Member | undefined {
    return list.find((m) => m.user_id === userId);
  }

  #changed(): void {
    this.#deps.access.changed();
    this.#deps.streams.accessChanged();
    this.#deps.touch();
  }
}
