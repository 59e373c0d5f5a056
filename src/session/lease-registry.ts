/**
 * The one home of the stream leases a session object holds (one per open SSE stream or
 * WebSocket, taken by the Worker at admission): it renews them while their connections live and
 * releases them when they end, independently of how fast anyone reads.
 *
 * - An SSE stream keeps the object in memory, so its lease is renewed on a timer every third of
 *   its lifetime. A dead object stops renewing; the lease then expires within its lifetime.
 * - A WebSocket sleeps with its object (hibernation) and must not wake it to renew. Its lease is
 *   made to last until the session's next alarm plus one lease lifetime, and is extended every
 *   time the alarm is set (the alarm is always set: docs/security.md).
 */
import type { StreamLeaseCalls } from "../limits/leases";

/** A lease as the session object knows it: whose, and its id at the user's limits object. */
export interface LeaseRef {
  userId: string;
  id: string;
}

/**
 * Runs `fn` for each user's ids among `leases`, in one pass: copying a user's list at every id
 * made a renewal of one user's 2,000 streams ~2,000,000 copies, which held the session's thread
 * for up to 0.7 s in the middle of a live fan-out (docs/performance.md, "2,000 SSE readers").
 */
function byUser(leases: Iterable<LeaseRef>, fn: (userId: string, ids: string[]) => void): void {
  const groups = new Map<string, string[]>();
  for (const { userId, id } of leases) {
    const ids = groups.get(userId);
    if (ids) ids.push(id);
    else groups.set(userId, [id]);
  }
  for (const [userId, ids] of groups) fn(userId, ids);
}

/** The stream leases one session object holds, by connection: see the file comment. */
export class LeaseRegistry {
  #calls: StreamLeaseCalls;
  #ttlMs: number;
  #now: () => number;
  #streams = new Map<string, LeaseRef>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The session's alarm as last set (NaN until this instance sets it). */
  #alarmAt = Number.NaN;
  /** Until when the socket leases were last extended (0 on a fresh instance). */
  #socketsUntil = 0;

  /** `ttlMs`: the stream lease lifetime (STREAM_LEASE_SECONDS), also the margin past the alarm. */
  constructor(calls: StreamLeaseCalls, ttlMs: number, now: () => number = Date.now) {
    this.#calls = calls;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** SSE leases held right now. */
  get streams(): number {
    return this.#streams.size;
  }

  /** Holds an SSE stream's lease until the returned function is called (any number of times). */
  holdStream(lease: LeaseRef): () => void {
    this.#streams.set(lease.id, lease);
    this.#timer ??= setInterval(() => this.#renewStreams(), Math.max(100, this.#ttlMs / 3));
    return () => {
      if (!this.#streams.delete(lease.id)) return;
      void this.release([lease]);
      if (this.#streams.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #renewStreams(): void {
    byUser(this.#streams.values(), (userId, ids) => this.#calls.renew(userId, ids, this.#ttlMs));
  }

  /** Takes on a new socket's lease: it lasts as long as the others (at least one lifetime). */
  holdSocket(lease: LeaseRef): void {
    const base = Number.isNaN(this.#alarmAt) ? this.#now() : this.#alarmAt;
    const until = Math.max(this.#socketsUntil, base + this.#ttlMs);
    this.#calls.renew(lease.userId, [lease.id], until - this.#now());
  }

  /**
   * The session's alarm was set to `at`: socket leases (`sockets`) are extended to last past it,
   * unless they already last until at least half a lifetime after it.
   */
  alarmSet(at: number, sockets: readonly LeaseRef[]): void {
    this.#alarmAt = at;
    const until = at + this.#ttlMs;
    if (sockets.length === 0 || until - this.#socketsUntil < this.#ttlMs / 2) return;
    this.#socketsUntil = until;
    byUser(sockets, (userId, ids) => this.#calls.renew(userId, ids, until - this.#now()));
  }

  /** Gives leases back now (a refused or ended stream, a closed socket). */
  release(leases: readonly LeaseRef[]): Promise<void> {
    const done: Promise<void>[] = [];
    byUser(leases, (userId, ids) => done.push(this.#calls.release(userId, ids)));
    return Promise.all(done).then(() => undefined);
  }

  /** Gives back every lease held (the object is about to be thrown away); resolves when delivered. */
  releaseAll(sockets: readonly LeaseRef[]): Promise<void> {
    const all = [...this.#streams.values(), ...sockets];
    this.#streams.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.release(all);
  }
}
