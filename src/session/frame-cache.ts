/**
 * Encoded replay pages of a session's log kept in memory, so that the next reader replaying the
 * same events (a reconnect, a second viewer of a finished run) sends bytes instead of asking
 * SQLite to build them again: building a page is about 1 µs of storage work per event, most of a
 * replay's CPU (docs/performance.md, "Replay within 1.5x of the pipe"). Logged events never
 * change, so a page, once read, stays right for the life of its log; the cache is bounded by
 * bytes (REPLAY_KEPT_BYTES: a 10,000-event log is about 2.8 MB) and forgets the oldest page first.
 */

interface Page {
  rows: number;
  frames: Uint8Array;
}

export class FrameCache {
  #pages = new Map<number, Page>();
  #bytes = 0;
  #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The page of `rows` events after `afterId`, if kept. */
  get(afterId: number, rows: number): Uint8Array | undefined {
    const page = this.#pages.get(afterId);
    return page?.rows === rows ? page.frames : undefined;
  }

  /** Keeps a page, forgetting the oldest ones past the byte bound (a page larger than it is not kept). */
  put(afterId: number, rows: number, frames: Uint8Array): void {
    if (frames.byteLength > this.#maxBytes) return;
    this.#forget(afterId);
    this.#pages.set(afterId, { rows, frames });
    this.#bytes += frames.byteLength;
    for (const oldest of this.#pages.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#forget(oldest);
    }
  }

  #forget(afterId: number): void {
    const page = this.#pages.get(afterId);
    if (!page) return;
    this.#pages.delete(afterId);
    this.#bytes -= page.frames.byteLength;
  }
}
