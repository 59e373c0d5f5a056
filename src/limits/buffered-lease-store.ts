/**
 * The user object's leases held in memory, written to SQLite after the answer instead of before
 * it. A Durable Object holds every reply until the writes made before it are committed; a stream
 * lease is taken before a stream's first byte, so that commit (a disk fsync, milliseconds) was on
 * every stream's critical path. Here the in-memory table is the authority while the object lives:
 * stream leases (short-lived, renewed by their holders) are written to the durable store in a
 * flush scheduled for after the reply; run and session leases, the bucket and the day's tokens
 * are still written before the reply, as before. What a crash between an answer and its flush
 * can cost is bounded and written down in docs/security.md ("Stream leases in memory first").
 */
import type { DayTokens } from "./daily-tokens";
import type { Bucket } from "./token-bucket";
import type { Lease, LeaseKind, LimitsStore } from "./user-limits";

/** The durable store underneath: a LimitsStore that can also list every lease it holds. */
export interface DurableLimitsStore extends LimitsStore {
  all(): Lease[];
}

/** A lease written after the reply: only stream leases, which their holders renew every third of a lifetime. */
const deferred = (kind: LeaseKind | undefined) => kind === undefined || kind === "stream";

export class BufferedLeaseStore implements LimitsStore {
  #durable: DurableLimitsStore;
  #schedule: () => void;
  #leases = new Map<string, Lease>();
  /** Writes not yet made to the durable store: the lease to store, or null to delete it. */
  #pending = new Map<string, Lease | null>();
  /** The latest purge not yet made to the durable store (0: none). */
  #purgeAt = 0;
  #scheduled = false;

  /** `schedule` arranges for flush() to run after the current reply (called once per batch of writes). */
  constructor(durable: DurableLimitsStore, schedule: () => void) {
    this.#durable = durable;
    this.#schedule = schedule;
    for (const lease of durable.all()) this.#leases.set(lease.id, lease);
  }

  /** Writes waiting for the next flush. */
  get pendingWrites(): number {
    return this.#pending.size + (this.#purgeAt > 0 ? 1 : 0);
  }

  #later(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule();
  }

  /** Makes the pending writes to the durable store (in the object: one commit for all of them). */
  flush(): void {
    this.#scheduled = false;
    for (const [id, lease] of this.#pending) {
      if (lease) this.#durable.put(lease);
      else this.#durable.delete(id);
    }
    this.#pending.clear();
    if (this.#purgeAt > 0) this.#durable.purge(this.#purgeAt);
    this.#purgeAt = 0;
  }

  purge(now: number): void {
    let expired = false;
    for (const [id, lease] of this.#leases) {
      if (lease.expiresAt > now) continue;
      this.#leases.delete(id);
      expired = true;
    }
    // An expired lease counts for nothing whether or not its row is gone yet: the row can wait.
    if (!expired) return;
    this.#purgeAt = Math.max(this.#purgeAt, now);
    this.#later();
  }

  list(kind: LeaseKind): Lease[] {
    return [...this.#leases.values()].filter((lease) => lease.kind === kind);
  }

  get(id: string): Lease | undefined {
    return this.#leases.get(id);
  }

  put(lease: Lease): void {
    this.#leases.set(lease.id, lease);
    if (deferred(lease.kind)) {
      this.#pending.set(lease.id, lease);
      this.#later();
      return;
    }
    this.#pending.delete(lease.id);
    this.#durable.put(lease);
  }

  delete(id: string): void {
    const kind = this.#leases.get(id)?.kind;
    this.#leases.delete(id);
    if (deferred(kind)) {
      this.#pending.set(id, null);
      this.#later();
      return;
    }
    this.#pending.delete(id);
    this.#durable.delete(id);
  }

  getBucket(): Bucket | undefined {
    return this.#durable.getBucket();
  }

  setBucket(bucket: Bucket): void {
    this.#durable.setBucket(bucket);
  }

  getDayTokens(): DayTokens | undefined {
    return this.#durable.getDayTokens();
  }

  setDayTokens(counted: DayTokens): void {
    this.#durable.setDayTokens(counted);
  }
}
