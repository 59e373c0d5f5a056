/**
 * Operational log lines: one JSON object a line (Workers Logs / `wrangler tail` pick them up).
 * The audit trail is separate (src/audit.ts).
 */

/** Logs a failure that nobody waits for (a lease call in the background, an unhandled error). */
export function logError(msg: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(JSON.stringify({ level: "error", msg, error: detail }));
}

/** A `.catch` handler that logs the failure under `msg`. */
export function logFailure(msg: string): (error: unknown) => void {
  return (error) => logError(msg, error);
}

/** Logs a measurement: one JSON line `{"level":"info","msg":<msg>, ...fields}` (Workers Logs can query its fields). */
export function logMetrics(msg: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ level: "info", msg, ...fields }));
}
