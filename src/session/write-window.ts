/**
 * When the writer may start its next storage write: `writeBatchMs` after the previous one, and
 * after a costly write not before the thread has been free again for as long as that write kept
 * it busy (its commit, the fan-out to every caught-up reader and the runtime's writes to their
 * sockets), up to `WRITE_IDLE_MAX_MS`. With a fixed window, a write to 500 readers took longer
 * than the window, the next write was due the moment the thread came free, and a producer that
 * emits one event per turn got one turn in between: every write carried one event and paid the
 * whole per-reader cost for it (docs/performance.md, "Fan-out at full speed"). Leaving the
 * producer as much free time as the fan-out took gives it at least half of the thread, and each
 * write carries what it emitted meanwhile.
 */

/** Most free time a write waits for after a costly one, ms: bounds the delay this adds to a live event. */
export const WRITE_IDLE_MAX_MS = 50;

/**
 * How many times as long as the last write kept the thread busy (its commit included) the thread
 * must have been free before a full batch is written at once: writes then take at most a fifth of
 * the thread while a producer runs at full speed, however slow each commit is.
 */
export const FULL_BATCH_REPAY = 4;

/** Most free time a full batch waits for, ms: bounds the delay at full speed on a slow disk. */
export const FULL_BATCH_WAIT_MAX_MS = 200;

/** Schedules `fn` for the first free turn of the event loop (a `setTimeout(0)` by default). */
export type Defer = (fn: () => void) => void;

const nextTurn: Defer = (fn) => {
  setTimeout(fn, 0);
};

export class WriteWindow {
  #minMs: number;
  #now: () => number;
  #defer: Defer;
  #startedAt = Number.NEGATIVE_INFINITY;
  /** When the next write may start, once the last write's cost is known. */
  #freeUntil = Number.NEGATIVE_INFINITY;
  /**
   * Whether a probe is waiting for the next free turn. One at a time: a burst of writes in one
   * turn (a batch of one event, 10,000 events) set one timer each and hit the runtime's cap on
   * active timeouts (10,000), which failed the run.
   */
  #probing = false;
  #costMs = 0;
  /** When the thread will have repaid the last write (see `repaid`). */
  #repaidAt = Number.NEGATIVE_INFINITY;

  constructor(minMs: number, now: () => number, defer: Defer = nextTurn) {
    this.#minMs = minMs;
    this.#now = now;
    this.#defer = defer;
  }

  /** What the last write cost, ms: from its start to the next free turn of the event loop. */
  get lastCostMs(): number {
    return this.#costMs;
  }

  /**
   * A write started at `startedAt` and has just handed its batch to the readers: its cost is
   * known at the next free turn, once the work it queued (the readers' pulls and socket writes)
   * has run.
   */
  wrote(startedAt: number): void {
    this.#startedAt = startedAt;
    this.#freeUntil = Number.NEGATIVE_INFINITY;
    this.#repaidAt = Number.POSITIVE_INFINITY;
    this.#costMs = this.#now() - startedAt;
    if (this.#probing) return; // the waiting probe runs after this write too, and measures from its start
    this.#probing = true;
    this.#defer(() => {
      this.#probing = false;
      const freeAt = this.#now();
      this.#costMs = freeAt - this.#startedAt;
      // A write cheaper than the window (a quick commit to a few readers) is repaid at once: full
      // batches then go at the cap as before, and delivery keeps pace with production.
      const costly = this.#costMs > this.#minMs;
      this.#repaidAt = costly ? freeAt + Math.min(this.#costMs * FULL_BATCH_REPAY, FULL_BATCH_WAIT_MAX_MS) : freeAt;
      this.#freeUntil = costly ? freeAt + Math.min(this.#costMs, WRITE_IDLE_MAX_MS) : freeAt;
    });
  }

  /**
   * Whether the thread has been free since the last write `FULL_BATCH_REPAY` times as long as
   * that write kept it busy (its commit included, up to `FULL_BATCH_WAIT_MAX_MS`), when it took
   * longer than `writeBatchMs` (a cheaper write is repaid at once): until then a
   * full batch is not written but keeps growing (batch-bound.ts), so a slow commit makes the next
   * one larger rather than the producer slower. False while the last write's cost is not known
   * yet; always true with a `writeBatchMs` of 0 (coalescing off).
   */
  repaid(): boolean {
    return this.#minMs === 0 || this.#now() >= this.#repaidAt;
  }

  /**
   * Milliseconds from now until the next write may start (0 = now). A `writeBatchMs` of 0 stays
   * 0 (write at the end of every turn), and a write whose cost is not known yet is waited for
   * `writeBatchMs` only: the writer asks again when that has passed. A `full` batch (at its
   * event cap) waits until the last write is repaid instead, whether that is sooner or later.
   */
  waitMs(full = false): number {
    if (this.#minMs === 0) return 0;
    if (full)
      return this.#repaidAt === Number.POSITIVE_INFINITY ? this.#minMs : Math.max(0, this.#repaidAt - this.#now());
    const at = Math.max(this.#startedAt + this.#minMs, this.#freeUntil);
    return Math.max(0, at - this.#now());
  }
}
