/**
 * A session's lifetime: activity extends it, and its one alarm is always set, either to the next
 * check on an active run (run-watchdog.ts) or to the moment an idle session expires. Whoever keeps
 * something alive as long as the session (its session lease) is told each time its life is extended.
 */
import type { Config } from "../env";
import { nextRunCheck } from "./run-watchdog";
import type { SessionStore } from "./session-store";
import type { RunOwner } from "./session-types";

/**
 * Opening an event stream extends the session's life, but at most this often: each extension is
 * a storage write, and the stream's first bytes wait for it to commit (docs/performance.md has
 * what that cost a replay). A session may so expire up to this much before TTL after a read.
 */
export const READ_TOUCH_INTERVAL_MS = 60_000;

export class SessionLifetime {
  #touchedAt = Number.NEGATIVE_INFINITY;
  #config: Pick<Config, "runStallMs" | "sessionTtlSeconds">;
  #setAlarm: (at: number) => void;
  #now: () => number;
  #onActive: ((owner: RunOwner) => void) | undefined;
  #waitUntil: () => number | undefined;

  /** `waitUntil`: when the wait of a run paused for a review expires (undefined: none is paused). */
  constructor(
    config: Pick<Config, "runStallMs" | "sessionTtlSeconds">,
    setAlarm: (at: number) => void,
    now: () => number,
    onActive?: (owner: RunOwner) => void,
    waitUntil: () => number | undefined = () => undefined,
  ) {
    this.#config = config;
    this.#setAlarm = setAlarm;
    this.#now = now;
    this.#onActive = onActive;
    this.#waitUntil = waitUntil;
  }

  /** Records activity now and moves the alarm accordingly. */
  touch(store: SessionStore, running: boolean): void {
    this.#touchedAt = this.#now();
    store.setMeta("updated_at", new Date(this.#touchedAt).toISOString());
    this.#setAlarmFor(store, running);
    this.#extended(store);
  }

  /** A reader's activity: recorded at most every READ_TOUCH_INTERVAL_MS (see there). */
  touchForRead(store: SessionStore, running: boolean): void {
    if (this.#now() - this.#touchedAt >= READ_TOUCH_INTERVAL_MS) this.touch(store, running);
  }

  /**
   * Sets the alarm: the next run check while `running`, the wait's expiry while a run is paused
   * (a paused session does not expire either), else the idle session's expiry. A running session
   * cannot expire, so each check extends its life too (a run may outlast the idle TTL).
   */
  schedule(store: SessionStore, running: boolean): void {
    this.#setAlarmFor(store, running);
    if (running) this.#extended(store);
  }

  #extended(store: SessionStore): void {
    this.#onActive?.({ userId: store.getMeta("owner") ?? "", sessionId: store.getMeta("session_id") ?? "" });
  }

  #setAlarmFor(store: SessionStore, running: boolean): void {
    const at = running
      ? nextRunCheck(this.#now(), this.#config.runStallMs)
      : (this.#waitUntil() ?? Date.parse(store.getMeta("updated_at") ?? "") + this.#config.sessionTtlSeconds * 1000);
    this.#setAlarm(Number.isFinite(at) ? at : this.#now());
  }
}
