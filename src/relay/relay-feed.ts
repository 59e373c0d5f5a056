/**
 * A relay's one feed from its session: waits on the session's log, copies each new page into the
 * relay's own log under the same ids, and hands it to the relay's followers as one batch. The
 * feed starts from the relay's own head, so a relay that restarts goes on from what it stored:
 * nothing is fetched twice and no id is skipped.
 */
import type { EventType } from "../protocol/events";
import { encodeEventFrames } from "../protocol/sse";
import type { EventLog, NewLogRow } from "../session/event-log";
import type { FlushedBatch } from "../session/event-writer";
import type { LogPage } from "../session/log-view";

/** How a relay reads its session (the session object's relayNext RPC). */
export interface FeedSource {
  /** Events after `afterId` once there are any (none after `timeoutMs`), or undefined once the session is gone. */
  next(afterId: number, maxRows: number, timeoutMs: number): Promise<LogPage | undefined>;
}

/** What the feed writes to: the relay's log, committed as one transaction per page, and its followers. */
export interface FeedSink {
  log: EventLog;
  transact<T>(fn: () => T): T;
  /** A page was committed: `rows` as stored, `batch` their shared frames. */
  publish(batch: FlushedBatch, rows: readonly NewLogRow[]): void;
  /** The session is gone: followers end. */
  gone(): void;
}

/** Events per page the feed asks for: one RPC answer stays well under a megabyte with chunk events. */
export const FEED_PAGE_EVENTS = 256;
/** How long one wait at the session lasts before the feed asks again, ms. */
export const FEED_WAIT_MS = 10_000;
/** Pause after a failed read (the session object restarting) before the next, ms. */
export const FEED_RETRY_MS = 200;

/** The rows of a page that starts after `afterId` (ids are dense in the session's log). */
export function pageRows(afterId: number, jsons: readonly string[]): NewLogRow[] {
  return jsons.map((json, i) => {
    const event = JSON.parse(json) as { run_id: string; event_type: EventType };
    return { id: afterId + 1 + i, runId: event.run_id, type: event.event_type, json };
  });
}

/** One batch for the followers, with the frames every caught-up follower shares. */
export function batchOf(rows: readonly NewLogRow[]): FlushedBatch {
  // Consecutive ids (pageRows numbers a page from its start), so the session's own batch encoder
  // applies: the same bytes as the session's flush, with no joined string of the frames.
  const jsons = rows.map((row) => row.json);
  return { firstId: rows[0].id, lastId: rows[rows.length - 1].id, jsons, frames: encodeEventFrames(rows[0].id, jsons) };
}

/** Copies the next page into the relay's log (waiting for one up to FEED_WAIT_MS); returns false once the session is gone. */
export async function copyPage(source: FeedSource, sink: FeedSink): Promise<boolean> {
  const after = sink.log.head;
  const page = await source.next(after, FEED_PAGE_EVENTS, FEED_WAIT_MS);
  if (page === undefined) return false;
  // An earlier feed of this relay, stopped while its read was under way, may have written meanwhile.
  if (page.jsons.length === 0 || sink.log.head !== after) return true;
  const rows = pageRows(after, page.jsons);
  if (rows[rows.length - 1].id !== page.lastId) {
    throw new Error(`relay feed: page after ${after} ends at ${page.lastId}, not ${rows[rows.length - 1].id}`);
  }
  sink.transact(() => sink.log.append(rows));
  sink.publish(batchOf(rows), rows);
  return true;
}

/** The feed's states: not started, following, or ended because the session is gone. */
export type FeedState = "idle" | "following" | "gone";

/** Follows one session until it is gone or `stop` is called. */
export class RelayFeed {
  #source: FeedSource;
  #sink: FeedSink;
  #state: FeedState = "idle";
  #stopped = false;
  #sleep: (ms: number) => Promise<void>;

  constructor(source: FeedSource, sink: FeedSink, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {
    this.#source = source;
    this.#sink = sink;
    this.#sleep = sleep;
  }

  get state(): FeedState {
    return this.#state;
  }

  /** Starts following (once); the loop runs until the session is gone or the feed is stopped. */
  start(): void {
    if (this.#state !== "idle") return;
    this.#state = "following";
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (!(await copyPage(this.#source, this.#sink))) {
          this.#state = "gone";
          this.#sink.gone();
          return;
        }
      } catch {
        if (this.#stopped) return;
        // The session object restarted or the call broke: the next read starts from the relay's head again.
        this.#sink.log.reloadHead();
        await this.#sleep(FEED_RETRY_MS);
      }
    }
  }
}
