/**
 * Who a relay serves: each follower's caller, as the Worker checked it at the session when the
 * follower came. Access can be taken away later (a member removed, a share link revoked), and a
 * relay does not know the session's people, so it asks the session again, for every caller it
 * serves in one call: at once when its feed carries a `member_removed` event, and at least every
 * RELAY_ACCESS_RECHECK_MS otherwise (a share's revocation is not an event). A caller the session
 * refuses loses every stream it has on this relay.
 */
import type { Caller } from "../session/access";

/** Longest a relay serves a caller without asking the session again, ms. */
export const RELAY_ACCESS_RECHECK_MS = 5000;

/** Asks the session which of `callers` may still read it (SessionObject.mayRead). */
export type AccessCheck = (callers: Caller[]) => Promise<boolean[]>;

/** One key per principal and token kind: streams of the same caller share one answer. */
export function callerKey(caller: Caller): string {
  return JSON.stringify([caller.userId, caller.shareId ?? null, caller.readOnly === true]);
}

export class RelayAccess {
  /** Callers with an open stream here, how many streams each, and whether they are still allowed. */
  #callers = new Map<string, { caller: Caller; streams: number; allowed: boolean }>();
  #check: AccessCheck;
  #checking: Promise<void> | undefined;

  constructor(check: AccessCheck) {
    this.#check = check;
  }

  /** A stream of `caller` opened (its access was just checked by the Worker). */
  add(caller: Caller): string {
    const key = callerKey(caller);
    const entry = this.#callers.get(key);
    if (entry) entry.streams++;
    else this.#callers.set(key, { caller, streams: 1, allowed: true });
    return key;
  }

  remove(key: string): void {
    const entry = this.#callers.get(key);
    if (!entry) return;
    if (--entry.streams <= 0) this.#callers.delete(key);
  }

  allowed(key: string): boolean {
    return this.#callers.get(key)?.allowed ?? false;
  }

  /** Callers served right now. */
  get size(): number {
    return this.#callers.size;
  }

  /**
   * Asks the session about every caller served; resolves true when one lost access (its streams
   * must then be woken to end). One question at a time: a recheck asked during one joins it.
   */
  async recheck(): Promise<boolean> {
    if (this.#checking) {
      await this.#checking;
      return false;
    }
    let revoked = false;
    this.#checking = (async () => {
      const entries = [...this.#callers.values()];
      if (entries.length === 0) return;
      const answers = await this.#check(entries.map((entry) => entry.caller));
      entries.forEach((entry, i) => {
        if (entry.allowed && answers[i] === false) {
          entry.allowed = false;
          revoked = true;
        }
      });
    })();
    try {
      await this.#checking;
    } finally {
      this.#checking = undefined;
    }
    return revoked;
  }
}
