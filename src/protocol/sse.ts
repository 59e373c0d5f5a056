/**
 * Server-Sent Events frame encoding. Pure functions over strings, tested on exact bytes.
 * Every event is one frame: `id: <seq>`, one `data:` line of JSON, a blank line. JSON.stringify
 * escapes CR and LF inside strings, so nothing inside an event can start a new SSE field.
 */

/** Encodes one event frame. `json` must be a single-line JSON text (JSON.stringify output). */
export function encodeEventFrame(id: number, json: string): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`SSE id must be a positive integer, got ${id}`);
  if (/[\r\n]/.test(json)) throw new RangeError("SSE data must be a single line of JSON");
  return `id: ${id}\ndata: ${json}\n\n`;
}

/** A comment frame: ignored by EventSource, keeps proxies and idle timers from closing the stream. */
export function encodeComment(text: string): string {
  return `${text
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}`)
    .join("\n")}\n\n`;
}

/** The reconnection delay frame sent first on every stream. */
export function encodeRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`SSE retry must be a non-negative integer, got ${ms}`);
  return `retry: ${ms}\n\n`;
}

/** The heartbeat comment frame. */
export const HEARTBEAT_FRAME = encodeComment("heartbeat");
