/**
 * Live delivery: remembers the newest flushed batch and wakes every reader waiting for it.
 * Readers that were caught up take the batch's shared bytes; readers that fell behind read the
 * gap from storage instead, so no reader ever makes the object buffer events for it.
 */
import type { FlushedBatch } from "./event-writer";

/** Readers parked with one deadline: they share one promise, so a wake-up settles it once for all. */
interface WaitGroup {
  promise: Promise<boolean>;
  settle: (woke: boolean) => void;
  readers: number;
}

export class FanOut {
  #last: FlushedBatch | undefined;
  /**
   * Parked readers by the time they give up waiting. The runtime's clock stands still between
   * I/O events, so every reader that parks after one batch has the same deadline: 2,000 caught-up
   * readers are one group and one promise, not 2,000 resolvers to create, store and call.
   */
  #groups = new Map<number, WaitGroup>();
  #waiting = 0;
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
    return this.#waiting;
  }

  publish(batch: FlushedBatch): void {
    this.#last = batch;
    this.wakeAll();
  }

  /** Wakes every parked reader (after a batch, a run's end, or a deletion). */
  wakeAll(): void {
    const groups = [...this.#groups.values()];
    this.#groups.clear();
    this.#waiting = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    for (const group of groups) group.settle(true);
  }

  /**
   * Resolves at the next wake-up, or after `timeoutMs` with `false`. One timer serves every
   * parked reader: a timer per reader, set and cleared at every batch, was a large share of the
   * fan-out's cost with hundreds of readers (docs/performance.md has the profile).
   */
  wait(timeoutMs: number): Promise<boolean> {
    const deadline = this.#now() + timeoutMs;
    let group = this.#groups.get(deadline);
    if (!group) {
      let settle: (woke: boolean) => void = () => {};
      const promise = new Promise<boolean>((resolve) => {
        settle = resolve;
      });
      group = { promise, settle, readers: 0 };
      this.#groups.set(deadline, group);
    }
    group.readers++;
    this.#waiting++;
    if (deadline < this.#timerDue) this.#armTimer();
    return group.promise;
  }

  /** (Re)arms the one timer for the earliest deadline among the parked readers. */
  #armTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    for (const deadline of this.#groups.keys()) this.#timerDue = Math.min(this.#timerDue, deadline);
    if (this.#timerDue === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDue = Number.POSITIVE_INFINITY;
        const now = this.#now();
        for (const [deadline, group] of this.#groups) {
          if (deadline > now) continue;
          this.#groups.delete(deadline);
          this.#waiting -= group.readers;
          group.settle(false);
        }
        this.#armTimer();
      },
      Math.max(1, this.#timerDue - this.#now()),
    );
  }
}
