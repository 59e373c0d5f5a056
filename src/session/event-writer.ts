/**
 * Turns emitted drafts into logged events: merges bursts of one agent's `llm_chunk`s into one
 * event, gives ids, appends each flush to the log in one synchronous batch and hands the batch
 * (events and pre-encoded SSE frames) to the fan-out. One flush = one storage batch = one write
 * per live reader. Flushes are coalesced: after a write, the next waits up to `writeBatchMs`, so
 * a producer emitting across many event-loop turns still costs one commit per window.
 */
import { DEFAULTS } from "../env";
import { EVENT_TYPES, type EventDraft, type StreamEvent } from "../protocol/events";
import { encodeEventFrame } from "../protocol/sse";
import type { EventLog, NewLogRow } from "./event-log";

/** Tunables of chunk merging and write coalescing (see Config; the write ones default from DEFAULTS). */
export interface MergeOptions {
  chunkWindowMs: number;
  chunkMaxMs: number;
  chunkMaxChars: number;
  writeBatchMs?: number;
  writeBatchMaxEvents?: number;
}

/** What one flush appended: each event's JSON, and their SSE frames encoded once for every reader. */
export interface FlushedBatch {
  firstId: number;
  lastId: number;
  /** Each event's JSON text, exactly as stored. */
  jsons: string[];
  frames: Uint8Array;
}

interface Pending {
  runId: string;
  draft: EventDraft;
  timestamp: string;
}

interface OpenChunk {
  pending: Pending & { draft: EventDraft<"llm_chunk"> };
  openedAt: number;
  lastAt: number;
}

const encoder = new TextEncoder();

export class EventWriter {
  #log: EventLog;
  #options: MergeOptions;
  #onFlush: (batch: FlushedBatch) => void;
  #now: () => number;
  #ready: Pending[] = [];
  #open = new Map<string, OpenChunk>();
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #chunkTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #batchMs: number;
  #batchMax: number;
  #stampedAt = Number.NaN;
  #stamp = "";

  constructor(log: EventLog, options: MergeOptions, onFlush: (batch: FlushedBatch) => void, now = Date.now) {
    this.#log = log;
    this.#options = options;
    this.#onFlush = onFlush;
    this.#now = now;
    this.#batchMs = options.writeBatchMs ?? DEFAULTS.writeBatchMs;
    this.#batchMax = Math.max(1, options.writeBatchMaxEvents ?? DEFAULTS.writeBatchMaxEvents);
  }

  /**
   * Queues an event. `run_start` and `run_complete` are written before this returns, so a caller
   * knows a run's first id at once and no reader waits on a run's end.
   */
  emit(runId: string, draft: EventDraft): void {
    const now = this.#now();
    const agent = draft.agent_source;
    if (draft.event_type === EVENT_TYPES.LLM_CHUNK) {
      const open = this.#open.get(agent);
      if (open && open.pending.runId === runId && this.#canMerge(open, draft.payload.content.length, now)) {
        open.pending.draft.payload.content += draft.payload.content;
        open.pending.draft.payload.is_complete = draft.payload.is_complete;
        open.lastAt = now;
        return;
      }
      this.#closeChunk(agent);
      // Merging appends to the content, so the writer keeps its own copy (the payload is all
      // primitives; a shallow copy is the copy, at a fraction of structuredClone's cost per token).
      const own = { ...draft, payload: { ...draft.payload } };
      const pending = { runId, draft: own, timestamp: this.#timestamp(now) };
      if (this.#options.chunkWindowMs === 0) {
        this.#ready.push(pending);
      } else {
        this.#open.set(agent, { pending, openedAt: now, lastAt: now });
        this.#armChunkTimer();
      }
    } else {
      const boundary = draft.event_type === EVENT_TYPES.RUN_START || draft.event_type === EVENT_TYPES.RUN_COMPLETE;
      // A run's boundary closes every open chunk first, so nothing of a run lands after its end.
      for (const open of boundary ? [...this.#open.keys()] : [agent]) this.#closeChunk(open);
      this.#ready.push({ runId, draft, timestamp: this.#timestamp(now) });
      if (boundary) {
        this.flush();
        return;
      }
    }
    this.#scheduleFlush();
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
    for (const agent of [...this.#open.keys()]) this.#closeChunk(agent);
    return this.#flushReady();
  }

  /** Drops timers; pending events are flushed first so nothing emitted is lost. */
  close(): void {
    this.flush();
    clearTimeout(this.#readyTimer);
    clearTimeout(this.#chunkTimer);
    this.#readyTimer = this.#chunkTimer = undefined;
  }

  /**
   * Writes a full batch now; otherwise writes what is ready once `writeBatchMs` has passed since
   * the last write (at the end of this turn if it already has), so one idle event is not delayed.
   */
  #scheduleFlush(): void {
    if (this.#ready.length >= this.#batchMax) {
      this.#flushReady();
      return;
    }
    if (this.#ready.length === 0 || this.#readyTimer !== undefined) return;
    const wait = Math.max(0, this.#lastFlushAt + this.#batchMs - this.#now());
    this.#readyTimer = setTimeout(() => {
      this.#readyTimer = undefined;
      this.#flushReady();
    }, wait);
  }

  #canMerge(open: OpenChunk, addChars: number, now: number): boolean {
    const { chunkWindowMs, chunkMaxMs, chunkMaxChars } = this.#options;
    return (
      now - open.lastAt <= chunkWindowMs &&
      now - open.openedAt < chunkMaxMs &&
      open.pending.draft.payload.content.length + addChars <= chunkMaxChars
    );
  }

  #closeChunk(agent: string): void {
    const open = this.#open.get(agent);
    if (!open) return;
    this.#open.delete(agent);
    this.#ready.push(open.pending);
  }

  /** One timer for all open chunks, set for the earliest moment one of them must close. */
  #armChunkTimer(): void {
    if (this.#chunkTimer !== undefined || this.#open.size === 0) return;
    const { chunkWindowMs, chunkMaxMs } = this.#options;
    let due = Number.POSITIVE_INFINITY;
    for (const open of this.#open.values())
      due = Math.min(due, open.lastAt + chunkWindowMs, open.openedAt + chunkMaxMs);
    this.#chunkTimer = setTimeout(
      () => {
        this.#chunkTimer = undefined;
        const now = this.#now();
        for (const [agent, open] of this.#open) {
          if (now - open.lastAt >= chunkWindowMs || now - open.openedAt >= chunkMaxMs) this.#closeChunk(agent);
        }
        this.#scheduleFlush();
        this.#armChunkTimer();
      },
      Math.max(1, due - this.#now()),
    );
  }

  #flushReady(): FlushedBatch | undefined {
    clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    if (this.#ready.length === 0) return undefined;
    this.#lastFlushAt = this.#now();
    const pending = this.#ready;
    this.#ready = [];
    const firstId = this.#log.head + 1;
    const jsons: string[] = [];
    const rows: NewLogRow[] = [];
    let frames = "";
    pending.forEach((p, i) => {
      const id = firstId + i;
      const { event_type, agent_source, payload } = p.draft;
      const event = { id, run_id: p.runId, event_type, agent_source, timestamp: p.timestamp, payload } as StreamEvent;
      const json = JSON.stringify(event);
      jsons.push(json);
      rows.push({ id, runId: p.runId, type: event.event_type, json });
      frames += encodeEventFrame(id, json);
    });
    this.#log.append(rows);
    // Only the JSON and the bytes: the fan-out keeps the newest batch until the next one, and
    // event objects kept that long were promoted into V8's old generation (docs/performance.md).
    const batch = { firstId, lastId: firstId + pending.length - 1, jsons, frames: encoder.encode(frames) };
    this.#onFlush(batch);
    return batch;
  }
}
