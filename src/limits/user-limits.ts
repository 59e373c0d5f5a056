/**
 * One user's limits, counted in one place (the user's Durable Object) whichever Worker instance
 * serves the request: open event streams, active runs and live sessions are leases that expire
 * unless renewed, so a connection, run or session that died without saying so stops counting; run
 * starts also draw on a token bucket. Plain class over a LimitsStore: tested under Node with an
 * in-memory store.
 */
import { addDayTokens, type DayTokens, secondsToNextUtcMidnight, tokensToday } from "./daily-tokens";
import { type Bucket, type Rate, takeToken } from "./token-bucket";

export type LeaseKind = "stream" | "run" | "session";

/** Every lease kind, for counting. */
export const LEASE_KINDS: readonly LeaseKind[] = ["stream", "run", "session"];

export interface Lease {
  id: string;
  kind: LeaseKind;
  /** ms since the epoch. */
  expiresAt: number;
  /** A session lease: the session's stored bytes as its object last reported them (0 otherwise). */
  bytes?: number;
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
  /** The tokens counted for the user's current (or last active) UTC day. */
  getDayTokens(): DayTokens | undefined;
  setDayTokens(counted: DayTokens): void;
}

/** Names of the limits, as they appear in 429 answers and the audit log. */
export const LIMITS = {
  STREAMS_PER_USER: "streams_per_user",
  STREAMS_PER_SESSION: "streams_per_session",
  RUNS_PER_USER: "runs_per_user",
  RUN_RATE: "run_rate",
  SESSIONS_PER_USER: "sessions_per_user",
  /** The daily token quota (MAX_TOKENS_PER_USER_PER_DAY): refused as `quota_exceeded`, not `rate_limited`. */
  TOKENS_PER_DAY: "tokens_per_day",
  /** Counted by the session object itself (src/session/storage-cap.ts), not here. */
  LOG_BYTES_PER_SESSION: "log_bytes_per_session",
  /** Durable Streams a user has (durable-stream-quota.ts). */
  DURABLE_STREAMS_PER_USER: "durable_streams_per_user",
  STREAM_APPEND_RATE: "stream_append_rate",
} as const;
export type LimitName = (typeof LIMITS)[keyof typeof LIMITS];

/** The limit a full set of leases of each kind hits. */
const LIMIT_OF: Record<LeaseKind, LimitName> = {
  stream: LIMITS.STREAMS_PER_USER,
  run: LIMITS.RUNS_PER_USER,
  session: LIMITS.SESSIONS_PER_USER,
};

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
  /**
   * The lease of the session this start may create (a start without `session_id`, an AI SDK chat's
   * turn), named by its id; renewed if the session already holds it.
   */
  newSession?: { id: string; max: number; ttlMs: number };
  /** MAX_TOKENS_PER_USER_PER_DAY; undefined: no quota. */
  maxTokensPerDay?: number;
}

/** A live session as the user's object knows it. */
export interface SessionUsage {
  id: string;
  bytes: number;
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
    const held = this.#store.get(id);
    if (!held) {
      const live = this.#store.list(kind);
      if (live.length >= max) {
        const soonest = Math.min(...live.map((lease) => lease.expiresAt), now + ttlMs);
        const limit = LIMIT_OF[kind];
        const expires = toSeconds(soonest - now);
        const retryAfterSeconds = kind === "run" ? Math.min(RUN_SLOT_RETRY_SECONDS, expires) : expires;
        return { ok: false, limit, max, retryAfterSeconds };
      }
    }
    this.#store.put({ id, kind, expiresAt: now + ttlMs, bytes: held?.bytes });
    return { ok: true };
  }

  /**
   * Extends a lease. A lease that already expired is taken again even past the limit: the stream
   * or run it stands for is demonstrably alive, and counting it is what keeps the limit honest.
   */
  renew(kind: LeaseKind, id: string, ttlMs: number, bytes?: number): void {
    this.#store.put({ id, kind, expiresAt: this.#now() + ttlMs, bytes });
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

  /**
   * Admits a run start: one token from the bucket, then the new session's lease (when it creates
   * one), then a run lease. A refusal at any step gives back what the earlier steps took (the
   * token stays spent: the bucket limits requests).
   */
  startRun(request: RunRequest): Admission {
    const now = this.#now();
    // Checked first: a user out of quota for the day does not also drain the request bucket.
    const quota = request.maxTokensPerDay;
    if (quota !== undefined && tokensToday(this.#store.getDayTokens(), now) >= quota) {
      return { ok: false, limit: LIMITS.TOKENS_PER_DAY, max: quota, retryAfterSeconds: secondsToNextUtcMidnight(now) };
    }
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
    const session = request.newSession;
    // A live session's lease is only renewed (an AI SDK chat's later turns), and stays if the run is refused.
    this.#store.purge(now);
    const taken = session !== undefined && !this.#store.get(session.id);
    if (session) {
      const admitted = this.acquire("session", session.id, session.max, session.ttlMs);
      if (!admitted.ok) return admitted;
    }
    const admitted = this.acquire("run", request.runId, request.maxRuns, request.ttlMs);
    if (!admitted.ok && session && taken) this.release(session.id);
    return admitted;
  }

  /** Counts `tokens` more used today (a run's total, when it ends). */
  addTokens(tokens: number): void {
    this.#store.setDayTokens(addDayTokens(this.#store.getDayTokens(), tokens, this.#now()));
  }

  /** Tokens the user's runs used today (UTC). */
  tokensToday(): number {
    return tokensToday(this.#store.getDayTokens(), this.#now());
  }

  /**
   * True when forgetting everything changes nothing: no live lease and a bucket that has had time
   * to refill (`refillMs`, the time a full refill takes at the slowest configured rate).
   */
  isIdle(refillMs = 10 * 60_000): boolean {
    const now = this.#now();
    this.#store.purge(now);
    if (LEASE_KINDS.some((kind) => this.#store.list(kind).length > 0)) return false;
    // Today's token count is what the quota stands on: it is kept until the day is over.
    if (tokensToday(this.#store.getDayTokens(), now) > 0) return false;
    const bucket = this.#store.getBucket();
    return !bucket || now - bucket.at >= refillMs;
  }

  /** Live leases by kind. */
  counts(): Record<LeaseKind, number> {
    this.#store.purge(this.#now());
    const count = (kind: LeaseKind) => this.#store.list(kind).length;
    return { stream: count("stream"), run: count("run"), session: count("session") };
  }

  /** Live sessions with their stored bytes as last reported, largest first. */
  sessions(): SessionUsage[] {
    this.#store.purge(this.#now());
    const live = this.#store.list("session").map((lease) => ({ id: lease.id, bytes: lease.bytes ?? 0 }));
    return live.sort((a, b) => b.bytes - a.bytes);
  }
}
