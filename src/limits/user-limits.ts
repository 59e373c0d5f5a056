/**
 * One user's limits, counted in one place (the user's Durable Object) whichever Worker instance
 * serves the request: open event streams and active runs are leases that expire unless renewed,
 * so a connection or run that died without saying so stops counting; run starts also draw on a
 * token bucket. Plain class over a LimitsStore: tested under Node with an in-memory store.
 */
import { type Bucket, type Rate, takeToken } from "./token-bucket";

export type LeaseKind = "stream" | "run";

export interface Lease {
  id: string;
  kind: LeaseKind;
  /** ms since the epoch. */
  expiresAt: number;
}

/** Where the leases and the bucket live (SQLite in the object, a Map in tests). */
export interface LimitsStore {
  /** Drops every lease that expired at or before `now`. */
  purge(now: number): void;
  /** Live leases of one kind. */
  list(kind: LeaseKind): Lease[];
  get(id: string): Lease | undefined;
  /** Inserts or replaces. */
  put(lease: Lease): void;
  delete(id: string): void;
  getBucket(): Bucket | undefined;
  setBucket(bucket: Bucket): void;
}

/** Names of the limits, as they appear in 429 answers and the audit log. */
export const LIMITS = {
  STREAMS_PER_USER: "streams_per_user",
  STREAMS_PER_SESSION: "streams_per_session",
  RUNS_PER_USER: "runs_per_user",
  RUN_RATE: "run_rate",
} as const;
export type LimitName = (typeof LIMITS)[keyof typeof LIMITS];

/** Retry-After for a session that has all the readers it may have: readers leave when runs end. */
export const SESSION_BUSY_RETRY_SECONDS = 5;

/**
 * Retry-After for a user with all the active runs they may have. A run's slot frees when the run
 * ends, which can be any moment: the lease's lifetime (RUN_LEASE_MS) only bounds a run whose object
 * died, so it would make a client wait a minute and a half for a slot that is usually free in seconds.
 */
export const RUN_SLOT_RETRY_SECONDS = 5;

export type Admission = { ok: true } | { ok: false; limit: LimitName; max: number; retryAfterSeconds: number };

export interface RunRequest {
  runId: string;
  maxRuns: number;
  ttlMs: number;
  rate: Rate;
}

const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class UserLimits {
  #store: LimitsStore;
  #now: () => number;

  constructor(store: LimitsStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Takes a lease of `kind` unless `max` are live. Taking an id that is already held renews it
   * (a retried RPC must not count twice). Refused: retry when the soonest lease would expire, or
   * for runs, which free their slot when they end, after RUN_SLOT_RETRY_SECONDS if that is sooner.
   */
  acquire(kind: LeaseKind, id: string, max: number, ttlMs: number): Admission {
    const now = this.#now();
    this.#store.purge(now);
    if (!this.#store.get(id)) {
      const live = this.#store.list(kind);
      if (live.length >= max) {
        const soonest = Math.min(...live.map((lease) => lease.expiresAt), now + ttlMs);
        const limit = kind === "stream" ? LIMITS.STREAMS_PER_USER : LIMITS.RUNS_PER_USER;
        const expires = toSeconds(soonest - now);
        const retryAfterSeconds = kind === "run" ? Math.min(RUN_SLOT_RETRY_SECONDS, expires) : expires;
        return { ok: false, limit, max, retryAfterSeconds };
      }
    }
    this.#store.put({ id, kind, expiresAt: now + ttlMs });
    return { ok: true };
  }

  /**
   * Extends a lease. A lease that already expired is taken again even past the limit: the stream
   * or run it stands for is demonstrably alive, and counting it is what keeps the limit honest.
   */
  renew(kind: LeaseKind, id: string, ttlMs: number): void {
    this.#store.put({ id, kind, expiresAt: this.#now() + ttlMs });
  }

  release(id: string): void {
    this.#store.delete(id);
  }

  /** Extends several leases of one kind at once (a session object renews all it holds in one call). */
  renewMany(kind: LeaseKind, ids: readonly string[], ttlMs: number): void {
    for (const id of ids) this.renew(kind, id, ttlMs);
  }

  releaseMany(ids: readonly string[]): void {
    for (const id of ids) this.release(id);
  }

  /** Admits a run start: one token from the bucket, then a run lease. */
  startRun(request: RunRequest): Admission {
    const now = this.#now();
    const take = takeToken(this.#store.getBucket(), now, request.rate);
    this.#store.setBucket(take.bucket);
    if (!take.ok) {
      return {
        ok: false,
        limit: LIMITS.RUN_RATE,
        max: request.rate.burst,
        retryAfterSeconds: toSeconds(take.retryAfterMs),
      };
    }
    return this.acquire("run", request.runId, request.maxRuns, request.ttlMs);
  }

  /**
   * True when forgetting everything changes nothing: no live lease and a bucket that has had time
   * to refill (`refillMs`, the time a full refill takes at the slowest configured rate).
   */
  isIdle(refillMs = 10 * 60_000): boolean {
    const now = this.#now();
    this.#store.purge(now);
    if (this.#store.list("stream").length > 0 || this.#store.list("run").length > 0) return false;
    const bucket = this.#store.getBucket();
    return !bucket || now - bucket.at >= refillMs;
  }

  /** Live leases by kind. */
  counts(): Record<LeaseKind, number> {
    this.#store.purge(this.#now());
    return { stream: this.#store.list("stream").length, run: this.#store.list("run").length };
  }
}
