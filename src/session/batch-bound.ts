/**
 * When the writer writes a batch at once instead of at the end of its write window: at
 * `writeBatchMaxEvents` events if the last write has been repaid (write-window.ts), and at
 * `writeBatchMaxBytes` in any case. Local workerd commits each write on the object's own thread,
 * a commit's cost grows with the disk's latency, and a fixed event cap made a fast producer pay
 * one commit per 256 events however slow each commit was: its rate followed the disk
 * (docs/performance.md, "Live throughput and commit latency"). Letting a batch grow while the
 * last write is still being repaid turns a slower commit into a larger next one; the byte bound
 * keeps one batch's memory (its JSON and frames, held until every reader took them) bounded.
 */
import type { EventDraft } from "../protocol/events";

/** What a queued event counts for beyond its payload's text: the envelope, ids and frame, bytes. */
export const EVENT_ENVELOPE_BYTES = 256;

/** A draft's size as the byte bound counts it: the envelope and its payload's top-level strings. */
export function draftBytes(draft: EventDraft): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  for (const value of Object.values(draft.payload)) if (typeof value === "string") bytes += value.length;
  return bytes;
}

/** The size of the batch being gathered, and whether it is due now. */
export class BatchBound {
  #maxEvents: number;
  #maxBytes: number;
  #repaid: () => boolean;
  #events = 0;
  #bytes = 0;

  /** `repaid` tells whether the thread has been free long enough since the last write. */
  constructor(maxEvents: number, maxBytes: number, repaid: () => boolean) {
    this.#maxEvents = Math.max(1, maxEvents);
    this.#maxBytes = Math.max(1, maxBytes);
    this.#repaid = repaid;
  }

  /** Counts one queued draft. */
  add(draft: EventDraft): void {
    this.#events++;
    this.#bytes += draftBytes(draft);
  }

  /** The batch was written: start counting the next one. */
  clear(): void {
    this.#events = 0;
    this.#bytes = 0;
  }

  /** True at `writeBatchMaxEvents`: the batch is then written once the last write is repaid. */
  full(): boolean {
    return this.#events >= this.#maxEvents;
  }

  /** True when the batch must be written now rather than when its wait ends. */
  due(): boolean {
    return this.#bytes >= this.#maxBytes || (this.full() && this.#repaid());
  }
}
