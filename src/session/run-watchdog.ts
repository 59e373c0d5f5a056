/**
 * The run watchdog. A healthy run logs something at least every so often: chunks while a model
 * streams, an `error` when an attempt times out (`llmIdleTimeoutMs`), the next attempt after a
 * backoff (`llmRetryMaxMs` at most). A run that logs nothing for `runStallMs` is stuck in a way its
 * own timeouts cannot notice: under load, local workerd has been seen to stop firing every timer
 * of one object while the object kept answering requests, so its run waited forever on a sleep.
 *
 * Only an event from outside the object's event loop can see that, so the keepalive alarm checks
 * it. The cure is the one a crash gets: the object is restarted, the new instance resumes the run
 * from its checkpoint (run-recovery.ts: the stuck agents get an `interrupted` error and start
 * again), and readers, whose streams broke with the old instance, resume by event id.
 */
import { KEEPALIVE_MS } from "./session-types";

/** Pause before the restarted object's alarm wakes it to resume the run, ms. */
export const RESTART_ALARM_DELAY_MS = 1000;

/**
 * When the alarm next checks on an active run: at the keepalive, or sooner when the stall limit
 * is shorter, so a stall is found at most `min(KEEPALIVE_MS, stallMs)` after it counts as one.
 */
export function nextRunCheck(now: number, stallMs: number): number {
  return now + Math.max(1, Math.min(KEEPALIVE_MS, stallMs));
}

/** What the alarm does, given the session's state at the time it fires. */
export type AlarmAction =
  | { do: "restart"; silentMs: number }
  | { do: "keepalive" }
  | { do: "expire" }
  | { do: "time_out" }
  | { do: "wait"; until: number };

/** The session's state as the alarm sees it. */
export interface AlarmState {
  now: number;
  /** A run is active. */
  running: boolean;
  /** When the wait of a run paused for a review expires (ms since epoch); undefined when none is paused. */
  waitUntil?: number;
  /** When the active run last logged something (or started). */
  progressAt: number;
  runStallMs: number;
  /** Last activity of the session (ms since epoch; NaN when unknown). */
  updatedAt: number;
  ttlMs: number;
}

/**
 * The alarm's decision (pure): restart a stalled run's object, keep a live run alive, end a
 * paused run whose wait expired (a paused run is not stalled: nothing of it runs, and its session
 * does not expire), delete an idle session past its TTL, or sleep until one of these is due.
 */
export function decideAlarm(state: AlarmState): AlarmAction {
  if (state.running) {
    const silentMs = state.now - state.progressAt;
    return silentMs >= state.runStallMs ? { do: "restart", silentMs } : { do: "keepalive" };
  }
  if (state.waitUntil !== undefined) {
    return state.now < state.waitUntil ? { do: "wait", until: state.waitUntil } : { do: "time_out" };
  }
  const expiresAt = state.updatedAt + state.ttlMs;
  return state.now < expiresAt ? { do: "wait", until: expiresAt } : { do: "expire" };
}
