/**
 * A session's SSE readers: the live fan-out, how many streams are open, and opening one at a
 * resume point. The stream itself is reader-stream.ts; this decides whether and until when.
 */
import { type Failure, failure } from "../protocol/errors";
import type { EventLog } from "./event-log";
import type { FlushedBatch } from "./event-writer";
import { FanOut } from "./fan-out";
import { createReaderStream } from "./reader-stream";
import type { OpenEventsOptions, OpenedStream } from "./session-types";

/** What the readers need of their session. */
export interface ReadersDeps {
  log: EventLog;
  /** Id of the active run, if one is running. */
  activeRunId(): string | undefined;
  /** Id of a finished run's terminal event (undefined while it runs or when unknown). */
  storedEndOf(runId: string): number | undefined;
  /** True once the session is deleted: readers end at once. */
  isGone(): boolean;
  heartbeatMs: number;
  retryMs: number;
  pageRows: number;
}

export class SessionReaders {
  readonly fanOut = new FanOut();
  #open = 0;
  #ends = new Map<string, number>();

  /** Open event streams right now. */
  get count(): number {
    return this.#open;
  }

  /** A flushed batch: every caught-up reader takes it. */
  publish(batch: FlushedBatch): void {
    this.fanOut.publish(batch);
  }

  /** A run ended (its terminal event is `endId`), or the session was deleted: wake every reader. */
  runEnded(runId: string, endId: number | null): void {
    if (endId !== null) this.#ends.set(runId, endId);
    this.fanOut.wakeAll();
  }

  #endOf(deps: ReadersDeps, runId: string): number | undefined {
    const known = this.#ends.get(runId);
    if (known !== undefined || deps.activeRunId() === runId) return known;
    const end = deps.storedEndOf(runId);
    if (end !== undefined) this.#ends.set(runId, end);
    return end;
  }

  /**
   * Opens the log as an SSE stream after `afterId`; see the README for the contract. Refused
   * with rate_limited when `maxReaders` streams are already open on this session.
   */
  open(
    deps: ReadersDeps,
    afterId: number,
    { untilRunEnds, maxReaders = Number.POSITIVE_INFINITY, lease }: OpenEventsOptions = {},
  ): OpenedStream | Failure {
    const { log } = deps;
    if (afterId > log.head) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${log.head}`);
    }
    const runId = untilRunEnds ?? deps.activeRunId();
    const nothingToSend = runId === undefined && afterId === log.head;
    if (nothingToSend) {
      lease?.release();
      return { ok: true, status: 204 };
    }
    if (this.#open >= maxReaders) {
      return failure("rate_limited", `this session already has ${this.#open} open event streams (limit ${maxReaders})`);
    }
    this.#open++;
    const stream = createReaderStream(
      { log, fanOut: this.fanOut, endOf: (id) => this.#endOf(deps, id), isGone: deps.isGone },
      {
        afterId,
        untilRunEnds: runId,
        untilId: runId === undefined ? log.head : undefined,
        heartbeatMs: deps.heartbeatMs,
        retryMs: deps.retryMs,
        pageRows: deps.pageRows,
        onClose: () => this.#open--,
        lease,
      },
    );
    return { ok: true, status: 200, stream };
  }
}
