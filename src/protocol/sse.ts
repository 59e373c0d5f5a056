/**
 * Server-Sent Events frame encoding. Pure functions over strings, tested on exact bytes.
 * Every event is one frame: `id: <seq>`, one `data:` line of JSON, a blank line. JSON.stringify
 * escapes CR and LF inside strings, so nothing inside an event can start a new SSE field.
 */

function checkFrame(id: number, json: string): void {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`SSE id must be a positive integer, got ${id}`);
  if (/[\r\n]/.test(json)) throw new RangeError("SSE data must be a single line of JSON");
}

/** Encodes one event frame. `json` must be a single-line JSON text (JSON.stringify output). */
export function encodeEventFrame(id: number, json: string): string {
  checkFrame(id, json);
  return `id: ${id}\ndata: ${json}\n\n`;
}

const encoder = new TextEncoder();
/** Bytes of the scratch buffer frames are encoded into; one larger than this is dropped after use. */
const SCRATCH_KEPT_BYTES = 256 * 1024;
/** Longest frame header, `id: <16 digits>\ndata: `, plus the frame's closing blank line, in bytes. */
const FRAME_OVERHEAD_BYTES = 32;
const ID_FIELD = encoder.encode("id: ");
const DATA_FIELD = encoder.encode("\ndata: ");
let scratch = new Uint8Array(0);

/** Writes `id: <id>\ndata: ` into the scratch at `at` (ASCII, no string built); returns the end. */
function writeHeader(id: number, at: number): number {
  scratch.set(ID_FIELD, at);
  const start = at + ID_FIELD.length;
  let end = start + 1;
  for (let rest = id; rest >= 10; rest = Math.floor(rest / 10)) end++;
  let rest = id;
  for (let i = end - 1; i >= start; i--) {
    scratch[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  scratch.set(DATA_FIELD, end);
  return end + DATA_FIELD.length;
}

/**
 * The frames of events `firstId`, `firstId + 1`, ... with these JSON texts, as one byte array:
 * exactly the UTF-8 of their encodeEventFrame strings joined, encoded straight into a scratch
 * buffer (the isolate runs one call at a time) and copied out once, so a batch costs no joined
 * string of its frames.
 */
export function encodeEventFrames(firstId: number, jsons: readonly string[]): Uint8Array {
  let used = 0;
  for (let i = 0; i < jsons.length; i++) {
    const id = firstId + i;
    const json = jsons[i];
    checkFrame(id, json);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = used + FRAME_OVERHEAD_BYTES + 3 * json.length;
    if (most > scratch.length) {
      const grown = new Uint8Array(Math.max(2 * scratch.length, SCRATCH_KEPT_BYTES, most));
      grown.set(scratch.subarray(0, used));
      scratch = grown;
    }
    used = writeHeader(id, used);
    used += encoder.encodeInto(json, scratch.subarray(used)).written;
    scratch[used++] = 0x0a;
    scratch[used++] = 0x0a;
  }
  const frames = scratch.slice(0, used);
  if (scratch.length > SCRATCH_KEPT_BYTES) scratch = new Uint8Array(SCRATCH_KEPT_BYTES);
  return frames;
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
