/**
 * One relay of a session: its own copy of the session's log (same ids, same JSON), the feed that
 * fills it, and its followers, served by the session's own reader streams and fan-out over that
 * copy, for as long as each follower's caller may still read the session (relay-access.ts).
 * No Durable Object API here: relay-object.ts hands it storage and the session's calls.
 */

import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES } from "../protocol/events";
import type { Caller } from "../session/access";
import { EventLog } from "../session/event-log";
import { FanOut } from "../session/fan-out";
import { createReaderStream } from "../session/reader-stream";
import { type AccessCheck, RELAY_ACCESS_RECHECK_MS, RelayAccess } from "./relay-access";
import { type FeedSource, type FeedState, RelayFeed } from "./relay-feed";

/** What a relay is handed by its object. */
export interface RelayHost {
  sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
  /** Asks the session which callers may still read it. */
  checkAccess: AccessCheck;
  heartbeatMs: number;
  retryMs: number;
  pageRows: number;
}

/** An opened follower stream. */
export type Followed = { ok: true; stream: ReadableStream<Uint8Array> } | Failure;

export class Relay {
  readonly log: EventLog;
  readonly fanOut = new FanOut();
  #host: RelayHost;
  #access: RelayAccess;
  #feed: RelayFeed | undefined;
  #followers = 0;
  #recheckTimer: ReturnType<typeof setInterval> | undefined;

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
    this.#feed = new RelayFeed(source, {
      log: this.log,
      transact: (fn) => this.#host.transactionSync(fn),
      publish: (batch, rows) => {
        this.fanOut.publish(batch);
        if (rows.some((row) => row.type === EVENT_TYPES.MEMBER_REMOVED)) this.recheckAccess();
      },
      gone: () => this.fanOut.wakeAll(),
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
  open(afterId: number, sessionHead: number, caller: Caller): Followed {
    if (afterId > sessionHead) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${sessionHead}`);
    }
    if (this.feedState === "gone") return failure("not_found", "session not found");
    const key = this.#access.add(caller);
    this.#opened();
    const stream = createReaderStream(
      {
        log: this.log,
        fanOut: this.fanOut,
        endOf: () => undefined,
        isGone: () => this.feedState === "gone" || !this.#access.allowed(key),
      },
      {
        afterId,
        heartbeatMs: this.#host.heartbeatMs,
        retryMs: this.#host.retryMs,
        pageRows: this.#host.pageRows,
        onClose: () => {
          this.#access.remove(key);
          this.#closed();
        },
      },
    );
    return { ok: true, stream };
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
