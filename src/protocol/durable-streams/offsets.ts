/**
 * Durable Streams offsets: opaque tokens that sort in stream order. An offset is
 * `<16 digits>_<16 digits>`: the first part is reserved (always zero today), the second is the
 * position: bytes before it for a byte stream, messages before it for a JSON stream, events
 * before it for a session read as a stream. Fixed width makes string order equal position order.
 */

/** Width of each decimal part: 16 digits hold every safe integer position. */
const DIGITS = 16;
const OFFSET_PATTERN = /^(\d{16})_(\d{16})$/;

/** What a client's `offset` parameter asks for. */
export type OffsetRequest = { kind: "start" } | { kind: "now" } | { kind: "at"; position: number };

/** The offset token for a position. */
export function formatOffset(position: number): string {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`bad stream position ${position}`);
  return `${"0".repeat(DIGITS)}_${String(position).padStart(DIGITS, "0")}`;
}

/**
 * Parses an `offset` query value: `-1` (the start), `now` (the tail) or a token this server
 * minted. Anything else is undefined, which the routes answer with 400.
 */
export function parseOffset(value: string | undefined): OffsetRequest | undefined {
  if (value === undefined || value === "-1") return { kind: "start" };
  if (value === "now") return { kind: "now" };
  const match = OFFSET_PATTERN.exec(value);
  if (!match || match[1] !== "0".repeat(DIGITS)) return undefined;
  const position = Number(match[2]);
  return Number.isSafeInteger(position) ? { kind: "at", position } : undefined;
}
