/**
 * Live delivery: remembers the newest flushed batch and wakes every reader waiting for it.
 * Readers that were caught up take the batch's shared bytes; readers that fell behind read the
 * gap from storage instead, so no reader ever makes the object buffer events for it.
 */
import type { FlushedBatch } from "./event-writer";

export class FanOut {
  #last: FlushedBatch | undefined;
  /** Parked readers and when each gives up waiting; insertion order, so deadlines of equal waits ascend. */
  #waiters = new Map<(woke: boolean) => void, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The newest batch, if it was flushed since this object started. */
  get lastBatch(): FlushedBatch | undefined {
    return this.#last;
  }

  /** Number of readers currently parked waiting for the next batch. */
  get waiting(): number {
    return this.#waiters.size;
  }

  publish(batch: FlushedBatch): void {
    this.#last = batch;
    this.wakeAll();
  }

  /** Wakes every parked reader (after a batch, a run's end, or a deletion). */
  wakeAll(): void {
    const waiters = [...this.#waiters.keys()];
    this.#waiters.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    for (const wake of waiters) wake(true);
  }

  /**
   * Resolves at the next wake-up, or after `timeoutMs` with `false`. One timer serves every
   * parked reader: a timer per reader, set and cleared at every batch, was a large share of the
   * fan-out's cost with hundreds of readers (docs/performance.md has the profile).
   */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const deadline = this.#now() + timeoutMs;
      this.#waiters.set(resolve, deadline);
      if (deadline < this.#timerDue) this.#armTimer();
    });
  }

  /** (Re)arms the one timer for the earliest deadline among the parked readers. */
  #armTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    for (const deadline of this.#waiters.values()) this.#timerDue = Math.min(this.#timerDue, deadline);
    if (this.#timerDue === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDue = Number.POSITIVE_INFINITY;
        const now = this.#now();
        for (const [wake, deadline] of this.#waiters) {
          if (deadline > now) continue;
          this.#waiters.delete(wake);
          wake(false);
        }
        this.#armTimer();
      },
      Math.max(1, this.#timerDue - this.#now()),
    );
  }
}
