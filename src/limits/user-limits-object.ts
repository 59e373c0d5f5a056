/**
 * The per-user Durable Object (one per user id): a thin shell over UserLimits and its SQLite
 * store, reached over RPC by every Worker instance and by session objects. An alarm clears the
 * storage of a user who has gone quiet, so idle users cost nothing.
 */
import { DurableObject } from "cloudflare:workers";
import { BufferedLeaseStore } from "./buffered-lease-store";
import { DurableStreamQuota } from "./durable-stream-quota";
import { SqlLeaseStore } from "./sql-lease-store";
import type { Rate } from "./token-bucket";
import { type Admission, type LeaseKind, type RunRequest, type SessionUsage, UserLimits } from "./user-limits";

/** How long after its last admission a user's object checks whether it can forget everything. */
export const IDLE_CLEANUP_MS = 10 * 60_000;

export class UserLimitsObject extends DurableObject<Env> {
  #store!: BufferedLeaseStore;
  #limits!: UserLimits;
  #streams!: DurableStreamQuota;
  /** A flush is scheduled for after the current reply. */
  #flushing: ReturnType<typeof setTimeout> | undefined;
  #cleanupDue = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#open();
  }

  #open(): void {
    this.#store = new BufferedLeaseStore(new SqlLeaseStore(this.ctx.storage.sql), () => this.#afterReply());
    this.#limits = new UserLimits(this.#store);
    this.#streams = new DurableStreamQuota(this.ctx.storage.sql);
  }

  /**
   * Writes that need not hold the reply (stream leases, the cleanup alarm) are made in a timer
   * task after it: a write made before a reply would hold it until committed (buffered-lease-store.ts).
   */
  #afterReply(): void {
    this.#flushing ??= setTimeout(() => this.#flush(), 0);
  }

  #flush(): void {
    clearTimeout(this.#flushing);
    this.#flushing = undefined;
    this.#store.flush();
    if (!this.#cleanupDue) return;
    this.#cleanupDue = false;
    void this.ctx.storage.setAlarm(Date.now() + IDLE_CLEANUP_MS);
  }

  #scheduleCleanup(): void {
    this.#cleanupDue = true;
    this.#afterReply();
  }

  /** Takes a lease of `kind` unless `max` are live. */
  acquire(kind: LeaseKind, id: string, max: number, ttlMs: number): Admission {
    this.#scheduleCleanup();
    return this.#limits.acquire(kind, id, max, ttlMs);
  }

  /** Rate check, then a run lease named by the run id. */
  startRun(request: RunRequest): Admission {
    this.#scheduleCleanup();
    return this.#limits.startRun(request);
  }

  /** Extends a lease; a session lease also records the session's stored `bytes`. */
  renew(kind: LeaseKind, id: string, ttlMs: number, bytes?: number): void {
    this.#limits.renew(kind, id, ttlMs, bytes);
  }

  release(id: string): void {
    this.#limits.release(id);
  }

  renewMany(kind: LeaseKind, ids: readonly string[], ttlMs: number): void {
    this.#limits.renewMany(kind, ids, ttlMs);
  }

  releaseMany(ids: readonly string[]): void {
    this.#limits.releaseMany(ids);
  }

  /** Live leases by kind (diagnostics and tests). */
  counts(): Record<LeaseKind, number> {
    return this.#limits.counts();
  }

  /** Counts a finished run's tokens against today's quota. */
  addTokens(tokens: number): void {
    this.#scheduleCleanup();
    this.#limits.addTokens(tokens);
  }

  /** Tokens the user's runs used today, UTC (GET /usage). */
  tokensToday(): number {
    return this.#limits.tokensToday();
  }

  /** Live sessions with their stored bytes as last reported (GET /usage). */
  sessions(): SessionUsage[] {
    return this.#limits.sessions();
  }

  /** Counts a new Durable Stream of the user's unless they have `max` (durable-stream-quota.ts). */
  admitDurableStream(max: number): Admission {
    return this.#streams.admitStream(max);
  }

  /** One of the user's Durable Streams is gone. */
  releaseDurableStream(): void {
    this.#streams.releaseStream();
  }

  /** One Durable Streams append from the user's bucket. */
  admitStreamAppend(rate: Rate): Admission {
    this.#scheduleCleanup();
    return this.#streams.admitAppend(rate);
  }

  /** How many Durable Streams the user has. */
  durableStreams(): number {
    return this.#streams.streams;
  }

  async alarm(): Promise<void> {
    this.#flush();
    if (!this.#limits.isIdle() || !this.#streams.isIdle()) return this.#scheduleCleanup();
    await this.ctx.storage.deleteAll();
    // deleteAll dropped the tables too; the object may live on, so start from a fresh store.
    this.#open();
  }
}

/** The limits object of one user. */
export function userLimitsStub(env: Env, userId: string): DurableObjectStub<UserLimitsObject> {
  const namespace = env.USER_LIMITS as DurableObjectNamespace<UserLimitsObject>;
  return namespace.get(namespace.idFromName(userId));
}
