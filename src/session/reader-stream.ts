/**
 * One reader's SSE byte stream. Pull-based: the runtime asks for more only when the client has
 * taken what it had, so a slow reader lags (and later reads its gap from storage) instead of
 * buffering in memory. A reader that is caught up takes each flushed batch's shared bytes, within
 * one pull that lasts as long as its client keeps up.
 */
import { encodeRetry, HEARTBEAT_FRAME } from "../protocol/sse";
import { type EventLog, REPLAY_PAGE_ROWS } from "./event-log";
import type { FanOut } from "./fan-out";

/** Bytes a reader's stream may hold before it stops pulling from the log. */
export const READER_HIGH_WATER_BYTES = 64 * 1024;

/** What a reader reads from: the session's log and live batches. */
export interface ReaderSource {
  log: EventLog;
  fanOut: FanOut;
  /** Id of the run's terminal event once it is logged. */
  endOf(runId: string): number | undefined;
  /** True once the session is deleted: readers end at once. */
  isGone(): boolean;
}

export interface ReaderOptions {
  /** Deliver events with ids greater than this. */
  afterId: number;
  /** End after this run's terminal event. */
  untilRunEnds?: string;
  /** End after this id (used when no run is active). */
  untilId?: number;
  heartbeatMs: number;
  retryMs: number;
  /** Rows per storage page when replaying or catching up (default REPLAY_PAGE_ROWS). */
  pageRows?: number;
  /** Called once when the stream ends for any reason (its lease goes back: lease-registry.ts). */
  onClose?: () => void;
}

const encoder = new TextEncoder();

/**
 * Whether the stream has room for more, so this pull goes on (and a caught-up reader parks again
 * within it) instead of returning: a pull that returned after every batch made the runtime settle
 * it and call the next one, for every reader and every batch. A full stream returns, and the
 * runtime pulls again once its client has read.
 */
const wantsMore = (controller: ReadableStreamDefaultController<Uint8Array>) => (controller.desiredSize ?? 0) > 0;

export function createReaderStream(source: ReaderSource, options: ReaderOptions): ReadableStream<Uint8Array> {
  let cursor = options.afterId;
  const pageRows = Math.max(1, options.pageRows ?? REPLAY_PAGE_ROWS);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    options.onClose?.();
  };
  const stopId = () =>
    options.untilId ?? (options.untilRunEnds === undefined ? undefined : source.endOf(options.untilRunEnds));

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(encodeRetry(options.retryMs)));
      },
      async pull(controller) {
        while (!finished) {
          const stop = stopId();
          if (source.isGone() || (stop !== undefined && cursor >= stop)) {
            controller.close();
            finish();
            return;
          }
          const limit = Math.min(source.log.head, stop ?? Number.POSITIVE_INFINITY);
          if (cursor < limit) {
            const batch = source.fanOut.lastBatch;
            if (batch && batch.firstId === cursor + 1 && batch.lastId <= limit) {
              controller.enqueue(batch.frames);
              cursor = batch.lastId;
            } else {
              // A stream opened with no run active replays a finished log: its pages are kept for the next reader.
              const page = source.log.readFrames(cursor, pageRows, limit, options.untilId !== undefined);
              controller.enqueue(page.frames);
              cursor = page.lastId;
            }
            if (!wantsMore(controller)) return;
            continue;
          }
          const woke = await source.fanOut.wait(options.heartbeatMs);
          if (!woke && !finished) {
            controller.enqueue(encoder.encode(HEARTBEAT_FRAME));
            if (!wantsMore(controller)) return;
          }
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: READER_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
}
