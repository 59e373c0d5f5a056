/**
 * A user's Durable Streams limits, kept in their limits object next to the leases: how many
 * streams they have (a count, not leases: a stream lives until deleted or expired, and its object
 * gives its place back then) and a token bucket for appends. Plain class over SQLite.
 */
import { type Bucket, type Rate, takeToken } from "./token-bucket";
import { type Admission, LIMITS } from "./user-limits";

/** A refused create is asked to come back after this long (a place frees when a stream goes). */
export const STREAMS_FULL_RETRY_SECONDS = 60;

export class DurableStreamQuota {
  #sql: SqlStorage;
  #now: () => number;

  constructor(sql: SqlStorage, now: () => number = Date.now) {
    this.#sql = sql;
    this.#now = now;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS ds_quota (k INTEGER PRIMARY KEY CHECK (k = 1), streams INTEGER NOT NULL, tokens REAL, at INTEGER)",
    );
    sql.exec("INSERT OR IGNORE INTO ds_quota (k, streams) VALUES (1, 0)");
  }

  #row(): { streams: number; tokens: number | null; at: number | null } {
    return this.#sql
      .exec<{ streams: number; tokens: number | null; at: number | null }>("SELECT * FROM ds_quota")
      .one();
  }

  /** Counts a new stream unless the user has `max` already. */
  admitStream(max: number): Admission {
    const { streams } = this.#row();
    if (streams >= max) {
      return { ok: false, limit: LIMITS.DURABLE_STREAMS_PER_USER, max, retryAfterSeconds: STREAMS_FULL_RETRY_SECONDS };
    }
    this.#sql.exec("UPDATE ds_quota SET streams = streams + 1");
    return { ok: true };
  }

  /** A stream of the user's is gone (deleted, expired, or a refused create giving its place back). */
  releaseStream(): void {
    this.#sql.exec("UPDATE ds_quota SET streams = MAX(0, streams - 1)");
  }

  /** One append from the bucket, or the refusal with how long until a token is back. */
  admitAppend(rate: Rate): Admission {
    const row = this.#row();
    const bucket: Bucket | undefined =
      row.tokens === null || row.at === null ? undefined : { tokens: row.tokens, at: row.at };
    const take = takeToken(bucket, this.#now(), rate);
    this.#sql.exec("UPDATE ds_quota SET tokens = ?, at = ?", take.bucket.tokens, take.bucket.at);
    if (take.ok) return { ok: true };
    const retryAfterSeconds = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
    return { ok: false, limit: LIMITS.STREAM_APPEND_RATE, max: rate.burst, retryAfterSeconds };
  }

  /** The user's streams now (GET /usage could show it; tests read it). */
  get streams(): number {
    return this.#row().streams;
  }

  /** True when forgetting this changes nothing: no stream, and a bucket refilled for `refillMs`. */
  isIdle(refillMs = 10 * 60_000): boolean {
    const { streams, at } = this.#row();
    return streams === 0 && (at === null || this.#now() - at >= refillMs);
  }
}
