/**
 * Merges bursts of one agent's `llm_chunk`s into one event: a chunk stays open while more of the
 * same agent's text arrives within `chunkWindowMs`, up to `chunkMaxMs` of age and `chunkMaxChars`
 * characters; a closed chunk goes to the writer's queue. A delta longer than one event may carry
 * (MAX_EVENT_TEXT_CHARS) is cut into several, so no stored event grows with an answer, however
 * large the provider's deltas.
 */
import { type EventDraft, MAX_EVENT_TEXT_CHARS } from "../protocol/events";
import { splitText } from "./split-text";

/** Tunables of chunk merging (see Config). */
export interface ChunkOptions {
  chunkWindowMs: number;
  chunkMaxMs: number;
  chunkMaxChars: number;
}

/** An event waiting to be written. */
export interface Pending {
  runId: string;
  draft: EventDraft;
  timestamp: string;
}

interface OpenChunk {
  pending: Pending & { draft: EventDraft<"llm_chunk"> };
  openedAt: number;
  lastAt: number;
}

export class ChunkMerger {
  #options: ChunkOptions;
  /** Most characters merging puts in one event. */
  #mergeChars: number;
  #now: () => number;
  #closed: (pending: Pending) => void;
  #onTimer: () => void;
  #open = new Map<string, OpenChunk>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `closed` takes each chunk as it closes; `onTimer` runs after the timer closed some. */
  constructor(options: ChunkOptions, now: () => number, closed: (pending: Pending) => void, onTimer: () => void) {
    this.#options = options;
    this.#mergeChars = Math.min(options.chunkMaxChars, MAX_EVENT_TEXT_CHARS);
    this.#now = now;
    this.#closed = closed;
    this.#onTimer = onTimer;
  }

  /** Adds a chunk emitted at `now`: merged into the agent's open one, or opened (closed at once with no window). */
  add(runId: string, draft: EventDraft<"llm_chunk">, timestamp: string, now: number): "merged" | "queued" {
    const { content, is_complete } = draft.payload;
    if (content.length > MAX_EVENT_TEXT_CHARS) {
      const pieces = splitText(content, MAX_EVENT_TEXT_CHARS);
      pieces.forEach((piece, i) => {
        const payload = { ...draft.payload, content: piece, is_complete: i === pieces.length - 1 && is_complete };
        this.add(runId, { ...draft, payload }, timestamp, now);
      });
      return "queued";
    }
    const agent = draft.agent_source;
    const open = this.#open.get(agent);
    if (open && open.pending.runId === runId && this.#canMerge(open, content.length, now)) {
      open.pending.draft.payload.content += content;
      open.pending.draft.payload.is_complete = is_complete;
      open.lastAt = now;
      return "merged";
    }
    this.close(agent);
    if (this.#options.chunkWindowMs === 0) {
      // Never merged into, so queued as given, like every other event: no copy per event.
      this.#closed({ runId, draft, timestamp });
      return "queued";
    }
    // Merging appends to the content, so the merger keeps its own copy (the payload is all
    // primitives; a shallow copy is the copy, at a fraction of structuredClone's cost per token).
    const pending = { runId, draft: { ...draft, payload: { ...draft.payload } }, timestamp };
    this.#open.set(agent, { pending, openedAt: now, lastAt: now });
    this.#arm();
    return "queued";
  }

  /** Closes `agent`'s open chunk, if any. */
  close(agent: string): void {
    const open = this.#open.get(agent);
    if (!open) return;
    this.#open.delete(agent);
    this.#closed(open.pending);
  }

  closeAll(): void {
    for (const agent of [...this.#open.keys()]) this.close(agent);
  }

  /** Drops the timer (close everything first: an open chunk is not written by itself). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #canMerge(open: OpenChunk, addChars: number, now: number): boolean {
    const { chunkWindowMs, chunkMaxMs } = this.#options;
    return (
      now - open.lastAt <= chunkWindowMs &&
      now - open.openedAt < chunkMaxMs &&
      open.pending.draft.payload.content.length + addChars <= this.#mergeChars
    );
  }

  /** One timer for all open chunks, set for the earliest moment one of them must close. */
  #arm(): void {
    if (this.#timer !== undefined || this.#open.size === 0) return;
    const { chunkWindowMs, chunkMaxMs } = this.#options;
    let due = Number.POSITIVE_INFINITY;
    for (const open of this.#open.values())
      due = Math.min(due, open.lastAt + chunkWindowMs, open.openedAt + chunkMaxMs);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const now = this.#now();
        for (const [agent, open] of this.#open) {
          if (now - open.lastAt >= chunkWindowMs || now - open.openedAt >= chunkMaxMs) this.close(agent);
        }
        this.#onTimer();
        this.#arm();
      },
      Math.max(1, due - this.#now()),
    );
  }
}
