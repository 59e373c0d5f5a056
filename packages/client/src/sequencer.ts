/**
 * Exactly-once, in-order delivery. Event ids are consecutive integers per session, so the
 * sequencer needs one number, the cursor (the last id handed on): an id at or below it is a
 * duplicate, the next id is delivered, a later id waits in a bounded buffer for the ones before.
 */
import type { StreamEvent } from "../../../src/protocol/events";
import { ClientError } from "./errors";

/** Out-of-order events held while waiting for a missing id; past this the gap is treated as a broken connection. */
export const MAX_PENDING_EVENTS = 1024;

export class EventSequencer {
  #cursor: number;
  #pending = new Map<number, StreamEvent>();
  #maxPending: number;

  /** `afterId`: the last id already handled; delivery starts with `afterId + 1`. */
  constructor(afterId: number, maxPending = MAX_PENDING_EVENTS) {
    this.#cursor = afterId;
    this.#maxPending = maxPending;
  }

  /** The last id handed on: the resume point for the next connection. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Events waiting for an earlier id. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Takes one arriving event and returns those now deliverable, in id order (often just it, or
   * none). Throws a `network` ClientError when too many events wait behind a gap: the caller then
   * reconnects from the cursor, which fills the gap.
   */
  accept(event: StreamEvent): StreamEvent[] {
    if (event.id <= this.#cursor || this.#pending.has(event.id)) return [];
    if (event.id !== this.#cursor + 1) {
      if (this.#pending.size >= this.#maxPending) {
        this.#pending.clear();
        throw new ClientError("network", `event ${this.#cursor + 1} is missing and the stream went on without it`);
      }
      this.#pending.set(event.id, event);
      return [];
    }
    const ready = [event];
    this.#cursor = event.id;
    for (let next = this.#pending.get(this.#cursor + 1); next; next = this.#pending.get(this.#cursor + 1)) {
      this.#pending.delete(next.id);
      ready.push(next);
      this.#cursor = next.id;
    }
    return ready;
  }

  /**
   * Moves the cursor to `id` without delivering what lies before it: used when the run turns out
   * to start later in the session than assumed (its `run_start` is its first event).
   */
  skipTo(id: number): void {
    if (id <= this.#cursor) return;
    this.#cursor = id;
    for (const key of this.#pending.keys()) if (key <= id) this.#pending.delete(key);
  }
}
