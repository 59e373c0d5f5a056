/**
 * A Durable Streams SSE response body (PROTOCOL.md section 5.8) over any StreamSource.
 * Pull-based like the sessions' reader streams (src/session/reader-stream.ts): the next page is
 * read only when the client took the previous one, so a slow reader costs no memory; it pages
 * from storage instead. Every data event is followed by a control event; the stream ends after
 * `streamClosed`, when the stream goes, or after `maxLifetimeMs` (so CDNs can collapse).
 */
import { responseCursor } from "./cursor";
import { isTextType } from "./json-mode";
import { formatOffset } from "./offsets";
import { hasData, type ReadPage, type StreamSource } from "./source";
import { type ControlEvent, encodeControlEvent, encodeDataEvent, toBase64 } from "./sse";

export interface LiveSseOptions {
  position: number;
  cursor?: string;
  /** How long to wait quietly before a keep-alive control event, ms. */
  keepAliveMs: number;
  /** When the server ends the connection (the client reconnects from its last offset), ms. */
  maxLifetimeMs: number;
  now?: () => number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The data event's payload for a page: JSON array, text, or base64 for binary types. */
function payloadOf(page: ReadPage): string {
  if (page.messages) return `[${page.messages.join(",")}]`;
  const bytes = page.bytes ?? new Uint8Array(0);
  return isTextType(page.contentType) ? decoder.decode(bytes) : toBase64(bytes);
}

function control(page: ReadPage, position: number, cursor: string | undefined): ControlEvent {
  const streamNextOffset = formatOffset(position);
  if (page.closed && position >= page.tail) return { streamNextOffset, streamClosed: true, upToDate: true };
  const event: ControlEvent = { streamNextOffset, streamCursor: responseCursor(cursor) };
  if (position >= page.tail) event.upToDate = true;
  return event;
}

export function createLiveSse(source: StreamSource, options: LiveSseOptions): ReadableStream<Uint8Array> {
  const now = options.now ?? Date.now;
  const endAt = now() + options.maxLifetimeMs;
  let position = options.position;
  let sentControl = false;
  let done = false;
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) =>
    controller.enqueue(encoder.encode(text));

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (!done) {
          const page = await source.read(position);
          if (page === undefined || now() >= endAt) break;
          const fresh = hasData(page);
          const data = fresh ? encodeDataEvent(payloadOf(page)) : "";
          if (fresh) position = page.next;
          const event = control(page, position, options.cursor);
          if (fresh || !sentControl || event.streamClosed) {
            // A data event and its control event go out as one chunk: a reader never sees one without the other.
            send(controller, data + encodeControlEvent(event));
            sentControl = true;
            if (event.streamClosed) break;
            return;
          }
          await source.wait(position, Math.min(options.keepAliveMs, Math.max(1, endAt - now())));
          const after = await source.tail();
          if (after === undefined) break;
          if (after.tail > position || after.closed) continue;
          send(controller, encodeControlEvent(control(after, position, options.cursor)));
          return;
        }
        done = true;
        controller.close();
      },
      cancel() {
        done = true;
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
