/**
 * Turns emitted drafts into logged events: merges bursts of one agent's `llm_chunk`s into one
 * event (chunk-merger.ts), gives ids, appends each flush to the log in one storage transaction
 * and hands the batch (events and pre-encoded SSE frames) to the fan-out once it committed. One
 * flush = one transaction = one write per live reader. Flushes are coalesced: after a write, the
 * next waits up to `writeBatchMs`, so a producer emitting across many event-loop turns still
 * costs one commit per window. A checkpoint commits its own writes in the same transaction.
 */
import { DEFAULTS } from "../env";
import { EVENT_TYPES, type EventDraft, type StreamEvent } from "../protocol/events";
import { encodeEventFrames } from "../protocol/sse";
import { BatchBound } from "./batch-bound";
import { ChunkMerger, type ChunkOptions, type Pending } from "./chunk-merger";
import type { EventLog, NewLogRow } from "./event-log";
import { WriteWindow } from "./write-window";

/** Tunables of chunk merging and write coalescing (see Config; the write ones default from DEFAULTS). */
export interface MergeOptions extends ChunkOptions {
  writeBatchMs?: number;
  writeBatchMaxEvents?: number;
  writeBatchMaxBytes?: number;
}

/** What one flush appended: each event's JSON, and their SSE frames encoded once for every reader. */
export interface FlushedBatch {
  firstId: number;
  lastId: number;
  /** Each event's JSON text, exactly as stored. */
  jsons: string[];
  frames: Uint8Array;
}

/** Runs `fn` as one storage transaction: all of its writes commit, or none (ctx.storage.transactionSync). */
export type Transact = <T>(fn: () => T) => T;

/** How the writer reaches storage beyond the log. */
export interface WriterStorage {
  /** Wraps each commit; without it each statement commits by itself (the unit tests' in-memory log). */
  transact?: Transact;
  /**
   * Told when a flush the writer started by itself (timer, full batch) failed: its events were
   * dropped, so this instance is ahead of storage and must not go on (the session restarts it).
   */
  onFailed?(error: unknown): void;
}

export class EventWriter {
  #log: EventLog;
  #onFlush: (batch: FlushedBatch) => void;
  #now: () => number;
  #ready: Pending[] = [];
  #chunks: ChunkMerger;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #window: WriteWindow;
  #bound: BatchBound;
  #stampedAt = Number.NaN;
  #stamp = "";
  #transact: Transact;
  #onFailed: ((error: unknown) => void) | undefined;

  constructor(
    log: EventLog,
    options: MergeOptions,
    onFlush: (batch: FlushedBatch) => void,
    now = Date.now,
    storage: WriterStorage = {},
  ) {
    this.#log = log;
    this.#onFlush = onFlush;
    this.#now = now;
    this.#window = new WriteWindow(options.writeBatchMs ?? DEFAULTS.writeBatchMs, now);
    this.#bound = new BatchBound(
      options.writeBatchMaxEvents ?? DEFAULTS.writeBatchMaxEvents,
      options.writeBatchMaxBytes ?? DEFAULTS.writeBatchMaxBytes,
      () => this.#window.repaid(),
    );
    this.#transact = storage.transact ?? ((fn) => fn());
    this.#onFailed = storage.onFailed;
    this.#chunks = new ChunkMerger(
      options,
      now,
      (pending) => this.#push(pending),
      () => this.#scheduleFlush(),
    );
  }

  /**
   * Queues an event. `run_start` and `run_complete` are written before this returns, so a caller
   * knows a run's first id at once and no reader waits on a run's end.
   */
  emit(runId: string, draft: EventDraft): void {
    const queued = this.#queue(runId, draft);
    if (queued === "boundary") this.commit();
    else if (queued === "queued") this.#scheduleFlush();
  }

  /**
   * Queues `draft` like `emit` and commits it at once with everything pending and `alongside`'s
   * writes, in one transaction: how a run's boundary is stored together with its record.
   */
  emitAndCommit(runId: string, draft: EventDraft, alongside: () => void): FlushedBatch | undefined {
    this.#queue(runId, draft);
    return this.commit(alongside);
  }

  #queue(runId: string, draft: EventDraft): "merged" | "queued" | "boundary" {
    const now = this.#now();
    const timestamp = this.#timestamp(now);
    if (draft.event_type === EVENT_TYPES.LLM_CHUNK) return this.#chunks.add(runId, draft, timestamp, now);
    const boundary = draft.event_type === EVENT_TYPES.RUN_START || draft.event_type === EVENT_TYPES.RUN_COMPLETE;
    // A run's boundary closes every open chunk first, so nothing of a run lands after its end.
    if (boundary) this.#chunks.closeAll();
    else this.#chunks.close(draft.agent_source);
    this.#push({ runId, draft, timestamp });
    return boundary ? "boundary" : "queued";
  }

  #push(pending: Pending): void {
    this.#ready.push(pending);
    this.#bound.add(pending.draft);
  }

  /** The ISO time of `now`; events of one millisecond share the string (a fast producer emits many). */
  #timestamp(now: number): string {
    if (now !== this.#stampedAt) {
      this.#stampedAt = now;
      this.#stamp = new Date(now).toISOString();
    }
    return this.#stamp;
  }

  /** Closes every open chunk and writes everything pending now. */
  flush(): FlushedBatch | undefined {
    return this.commit();
  }

  /**
   * Closes every open chunk and writes everything pending, then `alongside`'s writes (which see
   * the log's new head), in one transaction; readers get the events only once it committed. If
   * it throws, nothing of it is stored, its events are dropped, and the error is rethrown.
   */
  commit(alongside?: () => void): FlushedBatch | undefined {
    this.#chunks.closeAll();
    return this.#write(alongside);
  }

  /** Drops timers; pending events are flushed first so nothing emitted is lost. */
  close(): void {
    this.flush();
    clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    this.#chunks.dispose();
  }

  /**
   * Writes a batch that is due (batch-bound.ts: full and the last write repaid, or at its byte
   * bound) now; otherwise writes what is ready once the write window has passed since the last
   * write (write-window.ts: `writeBatchMs`, longer after a costly write; a full batch until the
   * last write is repaid), at the end of this turn if it already has, so one idle event is not
   * delayed.
   */
  #scheduleFlush(): void {
    if (this.#bound.due()) {
      this.#writeBySelf();
      return;
    }
    if (this.#ready.length === 0 || this.#readyTimer !== undefined) return;
    this.#readyTimer = setTimeout(() => {
      this.#readyTimer = undefined;
      // The last write's cost may have become known since this timer was set: wait the rest.
      if (this.#window.waitMs(this.#bound.full()) > 0) this.#scheduleFlush();
      else this.#writeBySelf();
    }, this.#window.waitMs(this.#bound.full()));
  }

  /** A write nobody waits on: a failure goes to `onFailed` when there is one. */
  #writeBySelf(): void {
    try {
      this.#write();
    } catch (error) {
      if (!this.#onFailed) throw error;
      this.#onFailed(error);
    }
  }

  #write(alongside?: () => void): FlushedBatch | undefined {
    clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    if (this.#ready.length === 0) {
      if (alongside) this.#transact(alongside);
      return undefined;
    }
    const startedAt = this.#now();
    const pending = this.#ready;
    this.#ready = [];
    this.#bound.clear();
    const firstId = this.#log.head + 1;
    const count = pending.length;
    const jsons = new Array<string>(count);
    const rows = new Array<NewLogRow>(count);
    // A plain loop and no per-event closure, frame string or copy: everything allocated here
    // lives until the batch is sent, long enough to be promoted (docs/performance.md).
    for (let i = 0; i < count; i++) {
      const { runId, draft, timestamp } = pending[i];
      const id = firstId + i;
      const { event_type, agent_source, payload } = draft;
      const event = { id, run_id: runId, event_type, agent_source, timestamp, payload } as StreamEvent;
      const json = JSON.stringify(event);
      jsons[i] = json;
      rows[i] = { id, runId, type: event_type, json };
    }
    const frames = encodeEventFrames(firstId, jsons);
    try {
      this.#transact(() => {
        this.#log.append(rows);
        alongside?.();
      });
    } catch (error) {
      // Rolled back: the log's head is what storage says again, and no reader saw the batch.
      this.#log.reloadHead();
      throw error;
    }
    // Only the JSON and the bytes: the fan-out keeps the newest batch until the next one, and
    // event objects kept that long were promoted into V8's old generation (docs/performance.md).
    const batch = { firstId, lastId: firstId + count - 1, jsons, frames };
    this.#onFlush(batch);
    this.#window.wrote(startedAt);
    return batch;
  }
}
