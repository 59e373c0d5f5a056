/**
 * Opening a session's storage-backed parts over its SQLite: metadata and runs, the event log and
 * its writer, members and share links. The tables are created if missing.
 */
import type { Config } from "../env";
import { EventLog } from "./event-log";
import { EventWriter, type FlushedBatch } from "./event-writer";
import { MemberStore } from "./member-store";
import { SessionStore } from "./session-store";
import type { SessionHost, Stores } from "./session-types";
import { hasTable } from "./sql-tables";

/** What the writer tells its session. */
export interface WriterHooks {
  /** A batch was committed: readers get it. */
  onFlush(log: EventLog, batch: FlushedBatch): void;
  /** Storage refused a write. */
  onFailed(error: unknown): void;
  now(): number;
}

/** Whether the session's tables exist (it was created and not deleted since). */
export function storesExist(sql: SqlStorage): boolean {
  return hasTable(sql, "meta");
}

export function openStores(
  host: Pick<SessionHost, "sql" | "transactionSync">,
  config: Config,
  hooks: WriterHooks,
): Stores {
  const store = new SessionStore(host.sql);
  const log = new EventLog(host.sql, config.replayKeptBytes);
  const writer = new EventWriter(log, config, (batch) => hooks.onFlush(log, batch), hooks.now, {
    transact: (fn) => host.transactionSync(fn),
    onFailed: hooks.onFailed,
  });
  return { store, log, writer, members: new MemberStore(host.sql) };
}
