/**
 * Stops a test's load at a quiet point and starts it again, so a measurement (the soak's heap
 * reading) is taken with nothing in flight instead of stalling the traffic it measures. Loops pass
 * the gate between iterations; `drain` closes it and waits until every loop waits at it and no
 * request is in flight; `open` lets them go on. Time spent closed is not counted against the
 * loops' run time (`pausedMs`).
 */
import { sleep } from "./sleep";

/** How often drain looks at the loops, ms. */
const DRAIN_POLL_MS = 50;

export class LoadGate {
  #loops = 0;
  #parked = 0;
  #closed: { opened: Promise<void>; open: () => void; at: number } | undefined;
  #pausedMs = 0;

  /** A loop starts using the gate. */
  join(): void {
    this.#loops++;
  }

  /** A loop is done (it will not pass the gate again). */
  leave(): void {
    this.#loops--;
  }

  /** Total time the gate has been closed, ms. */
  get pausedMs(): number {
    return this.#pausedMs + (this.#closed ? Date.now() - this.#closed.at : 0);
  }

  /** Between two iterations of a loop: waits while the gate is closed. */
  async pass(): Promise<void> {
    while (this.#closed) {
      this.#parked++;
      try {
        await this.#closed.opened;
      } finally {
        this.#parked--;
      }
    }
  }

  /**
   * Closes the gate and waits until every loop waits at it and `quiet()` holds (the client has
   * nothing in flight), or throws after `timeoutMs` saying what was still busy.
   */
  async drain(quiet: () => boolean, timeoutMs: number): Promise<void> {
    if (!this.#closed) {
      let open = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      this.#closed = { opened, open, at: Date.now() };
    }
    const deadline = Date.now() + timeoutMs;
    while (this.#parked < this.#loops || !quiet()) {
      if (Date.now() > deadline) {
        throw new Error(
          `the load did not drain in ${timeoutMs} ms: ${this.#loops - this.#parked} of ${this.#loops} loops still busy`,
        );
      }
      await sleep(DRAIN_POLL_MS);
    }
  }

  /** Opens the gate again. */
  open(): void {
    if (!this.#closed) return;
    this.#pausedMs += Date.now() - this.#closed.at;
    this.#closed.open();
    this.#closed = undefined;
  }
}
