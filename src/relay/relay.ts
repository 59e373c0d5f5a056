/**
 * One relay of a session: its own copy of the session's log (same ids, same JSON), the feed that
 * fills it, and its followers, served by the session's own reader streams and fan-out over that
 * copy, for as long as each follower's caller may still read the session (relay-access.ts).
 * No Durable Object API here: relay-object.ts hands it storage and the session's calls.
 */

import { logFailure } from "../log";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES } from "../protocol/events";
import type { Caller } from "../session/access";
import { EventLog } from "../session/event-log";
import { FanOut } from "../session/fan-out";
import type { LeaseRef, LeaseRegistry } from "../session/lease-registry";
import { createReaderStream } from "../session/reader-stream";
import { type AccessCheck, RELAY_ACCESS_RECHECK_MS, RelayAccess } from "./relay-access";
import { type FeedSource, type FeedState, RelayFeed } from "./relay-feed";

/** What a relay is handed by its object. */
export interface RelayHost {
  sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
  /** Asks the session which callers may still read it. */
  checkAccess: AccessCheck;
  /** Holds each follower's stream lease while its stream is open (the user's MAX_STREAMS_PER_USER). */
  leases: LeaseRegistry;
  /** Deletes the relay's storage (its copy of the log) for good. */
  deleteAll(): Promise<void>;
  heartbeatMs: number;
  retryMs: number;
  pageRows: number;
}

/** An opened follower stream. */
export type Followed = { ok: true; stream: ReadableStream<Uint8Array> } | Failure;

/** How a follower is admitted: the relay's cap on followers (MAX_STREAMS_PER_SESSION) and the stream's lease. */
export interface FollowLimits {
  maxFollowers: number;
  lease?: LeaseRef;
}

/** A relay that already serves `open` followers of at most `max`. */
function relayFull(open: number, max: number): Failure {
  return failure("rate_limited", `this relay already has ${open} open followers (limit ${max})`);
}

export class Relay {
  readonly log: EventLog;
  readonly fanOut = new FanOut();
  #host: RelayHost;
  #access: RelayAccess;
  #feed: RelayFeed | undefined;
  #followers = 0;
  #recheckTimer: ReturnType<typeof setInterval> | undefined;
  /** Set once the session is gone and the copy deleted: nothing is written or served again. */
  #purged: Promise<void> | undefined;

  constructor(host: RelayHost) {
    this.#host = host;
    this.log = new EventLog(host.sql);
    this.#access = new RelayAccess(host.checkAccess);
  }

  /** Open follower streams right now. */
  get followers(): number {
    return this.#followers;
  }

  get feedState(): FeedState {
    return this.#feed?.state ?? "idle";
  }

  /** Starts following the session through `source`, unless already following (again after the last follower left). */
  follow(source: FeedSource): void {
    if (this.#feed) return;
    if (this.#purged) return;
    this.#feed = new RelayFeed(source, {
      log: this.log,
      transact: (fn) => {
        // A page read before the purge must not write the copy back.
        if (this.#purged) throw new Error("relay: the copy was deleted with its session");
        return this.#host.transactionSync(fn);
      },
      publish: (batch, rows) => {
        this.fanOut.publish(batch);
        if (rows.some((row) => row.type === EVENT_TYPES.MEMBER_REMOVED)) this.recheckAccess();
      },
      // The session is gone; should deleting the copy fail, the relay's alarm tries again (relay-lifetime.ts).
      gone: () => void this.purge().catch(logFailure("relay copy purge failed")),
    });
    this.#feed.start();
  }

  /** Asks the session about every caller served; the streams of those refused end. */
  recheckAccess(): void {
    this.#access
      .recheck()
      .then((revoked) => revoked && this.fanOut.wakeAll())
      // The session did not answer (restarting): the callers keep their streams until the next recheck.
      .catch(() => {});
  }

  /**
   * A follower's stream of the events after `afterId`, live for as long as the session lasts and
   * `caller` may read it. `sessionHead` is the session's head when the caller's access was
   * checked: a resume point past it is refused, as the session's own stream refuses it.
   */
  open(afterId: number, sessionHead: number, caller: Caller, limits: FollowLimits): Followed {
    const refused = this.#refusal(afterId, sessionHead, limits.maxFollowers);
    if (refused) {
      if (limits.lease) void this.#host.leases.release([limits.lease]);
      return refused;
    }
    const dropLease = limits.lease ? this.#host.leases.holdStream(limits.lease) : () => {};
    const key = this.#access.add(caller);
    this.#opened();
    const stream = createReaderStream(
      {
        log: this.log,
        fanOut: this.fanOut,
        endOf: () => undefined,
        isGone: () => this.#purged !== undefined || !this.#access.allowed(key),
      },
      {
        afterId,
        heartbeatMs: this.#host.heartbeatMs,
        retryMs: this.#host.retryMs,
        pageRows: this.#host.pageRows,
        onClose: () => {
          dropLease();
          this.#access.remove(key);
          this.#closed();
        },
      },
    );
    return { ok: true, stream };
  }

  #refusal(afterId: number, sessionHead: number, maxFollowers: number): Failure | undefined {
    if (afterId > sessionHead) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${sessionHead}`);
    }
    if (this.#purged) return failure("not_found", "session not found");
    if (this.#followers >= maxFollowers) return relayFull(this.#followers, maxFollowers);
    return undefined;
  }

  /**
   * The session is gone (deleted by its owner or expired): the feed stops, every follower's stream
   * ends as the session's own streams end, and the copy of the log is deleted. Idempotent.
   */
  purge(): Promise<void> {
    if (this.#purged) return this.#purged;
    this.#feed?.stop();
    this.fanOut.wakeAll();
    this.#purged = this.#host.deleteAll().catch((error: unknown) => {
      // Not deleted: a later purge (the alarm's, another deletion call) tries again.
      this.#purged = undefined;
      throw error;
    });
    return this.#purged;
  }

  #opened(): void {
    this.#followers++;
    this.#recheckTimer ??= setInterval(() => this.recheckAccess(), RELAY_ACCESS_RECHECK_MS);
  }

  /** The last follower left: the feed stops too (an idle relay would otherwise keep itself and its session awake). */
  #closed(): void {
    this.#followers--;
    if (this.#followers > 0) return;
    clearInterval(this.#recheckTimer);
    this.#recheckTimer = undefined;
    if (this.#feed?.state === "following") {
      this.#feed.stop();
      this.#feed = undefined;
    }
  }
}
