/**
 * A session's access checks: the caller's role from what the session stores (its owner, its
 * members, its share links; the rules are access.ts), and checks kept for open streams, which
 * close once their caller's access ends (docs/sharing.md).
 */
import { type Failure, failure } from "../protocol/errors";
import type { Role } from "../protocol/roles";
import { type Action, authorize, type Caller, roleOf } from "./access";
import type { Stores } from "./session-types";

export class SessionAccess {
  #stores: () => Stores | undefined;
  #now: () => number;
  /** Bumped by every membership or share change: open streams check their access again. */
  #generation = 0;

  constructor(stores: () => Stores | undefined, now: () => number) {
    this.#stores = stores;
    this.#now = now;
  }

  /** The caller's role, or undefined when the session does not exist for them. */
  roleOf(caller: Caller, stores = this.#stores()): Role | undefined {
    if (!stores) return undefined;
    const { store, members } = stores;
    return roleOf(caller, {
      owner: store.getMeta("owner"),
      memberRole: (userId) => members.role(userId),
      shareRole: (shareId) => members.share(shareId, this.#now())?.role,
    });
  }

  /** The session's stores if the caller may do `action`; else the refusal (404 or 403). */
  allowed(caller: Caller, action: Action): Stores | Failure {
    const stores = this.#stores();
    const refused = authorize(this.roleOf(caller, stores), action);
    if (refused) return refused;
    return stores ?? failure("not_found", "session not found");
  }

  /**
   * A check an open stream makes before each write: true while `caller` may still read. Looked up
   * again only after a change (or once a share link's expiry passes), so it costs nothing per event.
   */
  watch(caller: Caller): () => boolean {
    let seen = -1;
    let until = Number.POSITIVE_INFINITY;
    let ok = true;
    return () => {
      if (seen === this.#generation && this.#now() < until) return ok;
      seen = this.#generation;
      const stores = this.#stores();
      ok = stores !== undefined && authorize(this.roleOf(caller, stores), "read") === undefined;
      const share = caller.shareId === undefined ? undefined : stores?.members.share(caller.shareId, this.#now());
      until = share?.expires_at ?? Number.POSITIVE_INFINITY;
      return ok;
    };
  }

  /** Membership or share links changed. */
  changed(): void {
    this.#generation++;
  }
}

/** Whether an `allowed` answer is a refusal. */
export function isFailure(value: Stores | Failure): value is Failure {
  return "ok" in value && value.ok === false;
}
