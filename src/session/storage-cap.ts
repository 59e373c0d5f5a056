/**
 * The cap on what one session stores (MAX_LOG_BYTES_PER_SESSION). It is measured as the size of
 * the session's SQLite database, not the event log alone: every run also stores its message in the
 * run record (and Loomi in the conversation turns), so a session of long messages and short
 * answers grew about forty times faster than its events did. The size is known without reading a
 * row, so checking it costs nothing.
 *
 * It is checked when a run starts: a session already past it starts nothing and stores nothing.
 * A run under way when the session crosses it finishes, so a session can end up past the cap by
 * what one run stores (its message twice at most, and its answer).
 */
import type { Config } from "../env";
import { type Failure, failure } from "../protocol/errors";

/** The bytes a session stores: its SQLite database, event log, run records and turns together. */
export function storedBytes(sql: SqlStorage): number {
  return sql.databaseSize;
}

/** The refusal of a run start in a session that already stores `maxLogBytesPerSession` or more. */
export function storageCapFailure(sql: SqlStorage, config: Pick<Config, "maxLogBytesPerSession">): Failure | undefined {
  const bytes = storedBytes(sql);
  const max = config.maxLogBytesPerSession;
  if (bytes < max) return undefined;
  return failure(
    "session_full",
    `this session stores ${bytes} bytes, at or past its limit of ${max} (MAX_LOG_BYTES_PER_SESSION): ` +
      "start a new session (a chat without session_id) to go on",
  );
}
