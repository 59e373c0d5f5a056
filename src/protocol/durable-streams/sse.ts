/**
 * Durable Streams SSE frames (PROTOCOL.md section 5.8): `event: data` with the payload split on
 * line breaks (one `data:` line each), and `event: control` with one line of JSON.
 */

/** The control event's fields. */
export interface ControlEvent {
  streamNextOffset: string;
  streamCursor?: string;
  upToDate?: true;
  streamClosed?: true;
}

/**
 * One `data:` field. No space after the colon (as the reference server writes it), unless the line
 * starts with one: a parser drops one leading space, so that line gets an extra one to drop.
 */
function dataLine(line: string): string {
  return line.startsWith(" ") ? `data: ${line}` : `data:${line}`;
}

/** One data event; a payload's line breaks (CR, LF, CRLF) become separate `data:` lines, as SSE rejoins them. */
export function encodeDataEvent(payload: string): string {
  return `event: data\n${payload
    .split(/\r\n|\r|\n/)
    .map(dataLine)
    .join("\n")}\n\n`;
}

/** One control event. */
export function encodeControlEvent(control: ControlEvent): string {
  return `event: control\n${dataLine(JSON.stringify(control))}\n\n`;
}

/** Base64 of bytes (standard alphabet, padded), without Node's Buffer. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const STEP = 0x8000;
  for (let i = 0; i < bytes.length; i += STEP) {
    binary += String.fromCharCode(...bytes.subarray(i, i + STEP));
  }
  return btoa(binary);
}
