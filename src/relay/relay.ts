/**
 * One relay of a session: its own copy of the session's log (same ids, same JSON), the feed that
 * fills it, and its followers, served by the session's own reader streams and fan-out over that
 * copy. No Durable Object API here: relay-object.ts hands it storage.
 */
import { type Failure, failure } from "../protocol/errors";
import { EventLog } from "../session/event-log";
import { FanOut } from "../session/fan-out";
import { createReaderStream } from "../session/reader-stream";
import { type FeedSource, type FeedState, RelayFeed } from "./relay-feed";

/** What a relay is handed by its object. */
export interface RelayHost {
  sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
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
  #feed: RelayFeed | undefined;
  #followers = 0;

  constructor(host: RelayHost) {
    this.#host = host;
    this.log = new EventLog(host.sql);
  }

  /** Open follower streams right now. */
  get followers(): number {
    return this.#followers;
  }

  get feedState(): FeedState {
    return this.#feed?.state ?? "idle";
  }

  /** Starts following the session through `source`, once per instance of the object. */
  follow(source: FeedSource): void {
    if (this.#feed) return;
    this.#feed = new RelayFeed(source, {
      log: this.log,
      transact: (fn) => this.#host.transactionSync(fn),
      publish: (batch) => this.fanOut.publish(batch),
      gone: () => this.fanOut.wakeAll(),
    });
    this.#feed.start();
  }

  /**
   * A follower's stream of the events after `afterId`, live for as long as the session lasts.
   * `sessionHead` is the session's head when the follower's access was checked: a resume point
   * past it is refused, as the session's own stream refuses it.
   */
  open(afterId: number, sessionHead: number): Followed {
    if (afterId > sessionHead) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${sessionHead}`);
    }
    if (this.feedState === "gone") return failure("not_found", "session not found");
    this.#followers++;
    const stream = createReaderStream(
      {
        log: this.log,
        fanOut: this.fanOut,
        endOf: () => undefined,
        isGone: () => this.feedState === "gone",
      },
      {
        afterId,
        heartbeatMs: this.#host.heartbeatMs,
        retryMs: this.#host.retryMs,
        pageRows: this.#host.pageRows,
        onClose: () => {
          this.#followers--;
        },
      },
    );
    return { ok: true, stream };
  }
}
