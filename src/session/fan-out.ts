/**
 * Live delivery: remembers the newest flushed batch and wakes every reader waiting for it.
 * Readers that were caught up take the batch's shared bytes; readers that fell behind read the
 * gap from storage instead, so no reader ever makes the object buffer events for it.
 */
import type { FlushedBatch } from "./event-writer";

export class FanOut {
  #last: FlushedBatch | undefined;
  #waiters = new Set<() => void>();

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
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next wake-up, or after `timeoutMs` with `false`. */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      this.#waiters.add(wake);
    });
  }
}
