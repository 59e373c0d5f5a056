/**
 * Live-mode cursors (PROTOCOL.md section 10.1): the number of 20-second intervals since
 * 2024-10-09T00:00:00Z, and, when the client echoes a cursor at or past that, a strictly larger
 * one (1 to 3600 seconds of jitter), so a CDN never serves the same empty answer in a loop.
 */

/** Length of one cursor interval, ms. */
export const CURSOR_INTERVAL_MS = 20_000;
/** The epoch intervals are counted from. */
const CURSOR_EPOCH_MS = Date.UTC(2024, 9, 9);
/** Most jitter added when the client's cursor is not behind, s. */
const MAX_JITTER_SECONDS = 3600;

/** The cursor to return for a live response, given the one the client echoed (if any). */
export function responseCursor(clientCursor: string | undefined, now = Date.now(), random = Math.random): string {
  const current = Math.floor((now - CURSOR_EPOCH_MS) / CURSOR_INTERVAL_MS);
  const echoed = clientCursor !== undefined && /^\d{1,15}$/.test(clientCursor) ? Number(clientCursor) : undefined;
  if (echoed === undefined || echoed < current) return String(current);
  const jitterSeconds = 1 + Math.floor(random() * MAX_JITTER_SECONDS);
  const jitterIntervals = Math.max(1, Math.ceil((jitterSeconds * 1000) / CURSOR_INTERVAL_MS));
  return String(echoed + jitterIntervals);
}
