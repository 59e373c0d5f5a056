/**
 * A session's event log read as a Durable Stream (src/http/session-stream-routes.ts): pages of
 * events after an id, and a wait for the next flush on the same FanOut the SSE readers park on.
 * Read-only: nothing here writes to the session.
 */
import type { EventLog } from "./event-log";
import type { FanOut } from "./fan-out";

/** What the owner's reads see: the log and its wake-ups. */
export interface LogView {
  log: EventLog;
  fanOut: FanOut;
}

/**
 * Who reads for a session's relay objects (src/relay/, docs/scale.md): no caller, since only this
 * Worker's own code reaches an object's RPC; every follower's access is checked at the session
 * before a relay serves it.
 */
export const RELAY_READER: unique symbol = Symbol("relay reader");

/** One page of events: each event's JSON exactly as logged, and the log's head when read. */
export interface LogPage {
  jsons: string[];
  /** Id of the page's last event (the `afterId` given when the page is empty). */
  lastId: number;
  head: number;
}

export function readLogPage(view: LogView, afterId: number, maxRows: number): LogPage {
  const rows = view.log.readAfter(afterId, maxRows);
  const lastId = rows.length > 0 ? rows[rows.length - 1].id : Math.min(afterId, view.log.head);
  return { jsons: rows.map((row) => row.json), lastId, head: view.log.head };
}

/** Resolves once the log holds an event after `afterId`, or after `timeoutMs`. */
export async function waitForLog(view: LogView, afterId: number, timeoutMs: number): Promise<void> {
  if (view.log.head > afterId) return;
  await view.fanOut.wait(timeoutMs);
}
