/**
 * Encoded replay pages of finished logs kept in memory, so that the next reader replaying the
 * same events (a reconnect, a second viewer of a finished run) sends bytes instead of asking
 * SQLite to build them again: building a page is about 2 µs of storage work per event, most of a
 * replay's CPU (docs/performance.md, "Replay within 1.5x of the pipe"). Logged events never
 * change, so a page, once read, stays right for the life of its log.
 *
 * One cache per isolate, shared by every session object in it: the isolate's memory limit
 * (128 MB on Workers) is what the bound protects, and a bound per object would grow with the
 * number of objects an isolate hosts. It holds at most REPLAY_KEPT_BYTES and forgets the oldest
 * page first. Each log has its own owner number, so a deleted session's pages are never served
 * to the log that replaces it; they simply age out.
 */

interface Page {
  rows: number;
  frames: Uint8Array;
}

export class FrameCache {
  #pages = new Map<string, Page>();
  #bytes = 0;
  #owners = 0;

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A new owner number, for one log. */
  newOwner(): number {
    return ++this.#owners;
  }

  /** The page of `rows` events after `afterId` of `owner`'s log, if kept. */
  get(owner: number, afterId: number, rows: number): Uint8Array | undefined {
    const page = this.#pages.get(`${owner}:${afterId}`);
    return page?.rows === rows ? page.frames : undefined;
  }

  /**
   * Keeps a page, then forgets the oldest ones until at most `maxBytes` are held (a page larger
   * than that is not kept; 0 keeps nothing).
   */
  put(owner: number, afterId: number, rows: number, frames: Uint8Array, maxBytes: number): void {
    if (frames.byteLength > maxBytes) return;
    const key = `${owner}:${afterId}`;
    this.#forget(key);
    this.#pages.set(key, { rows, frames });
    this.#bytes += frames.byteLength;
    for (const oldest of this.#pages.keys()) {
      if (this.#bytes <= maxBytes) break;
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const page = this.#pages.get(key);
    if (!page) return;
    this.#pages.delete(key);
    this.#bytes -= page.frames.byteLength;
  }
}

/** The isolate's cache (module state lives as long as the isolate). */
export const ISOLATE_FRAME_CACHE = new FrameCache();
