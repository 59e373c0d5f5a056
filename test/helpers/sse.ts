/**
 * Reads SSE in tests with the parser the browser client uses (eventsource-parser): whole bodies,
 * bodies read up to a point (then cancelled), and recorded text. The one place a test parses SSE.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { StreamEvent } from "../../src/protocol/events";

export interface ReadSse {
  messages: EventSourceMessage[];
  events: StreamEvent[];
  retry: number | undefined;
  comments: string[];
}

/** An empty read, for readSseInto to fill. */
export function emptyRead(): ReadSse {
  return { messages: [], events: [], retry: undefined, comments: [] };
}

/**
 * Adds what `response` sends to `out`, event by event, until `enough(out)` holds (the rest of the
 * body is then cancelled, and events after that point are not kept) or the body ends.
 */
async function readInto(
  response: Response,
  out: ReadSse,
  enough: (read: ReadSse) => boolean,
  idleTimeoutMs = 0,
): Promise<ReadSse> {
  let stopped = enough(out);
  const parser = createParser({
    onEvent: (message) => {
      if (stopped) return;
      out.messages.push(message);
      out.events.push(JSON.parse(message.data) as StreamEvent);
      stopped = enough(out);
    },
    onRetry: (ms) => {
      out.retry = ms;
    },
    onComment: (comment) => {
      out.comments.push(comment);
    },
  });
  if (!response.body) return out;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  // A silent connection (not even a heartbeat) is given up like a client does: cancelled, then an error.
  let silent = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (idleTimeoutMs <= 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      reader.cancel().catch(() => {});
    }, idleTimeoutMs);
  };
  try {
    arm();
    while (!stopped) {
      const { done, value } = await reader.read();
      if (silent) throw new Error(`idle: no data for ${idleTimeoutMs} ms`);
      if (done) return out;
      arm();
      parser.feed(decoder.decode(value, { stream: true }));
    }
    await reader.cancel();
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a whole SSE body (or stops after `maxEvents`, cancelling the rest). */
export function readSse(response: Response, maxEvents = Number.POSITIVE_INFINITY): Promise<ReadSse> {
  return readSseInto(response, emptyRead(), maxEvents);
}

/**
 * Like readSse, but adds to `out` as events arrive, so a caller keeps what came before a stream
 * broke (and can resume after its last id). Stops once `out` holds `maxEvents` events. With
 * `idleTimeoutMs`, a body that sends nothing for that long is cancelled and the read throws.
 */
export function readSseInto(
  response: Response,
  out: ReadSse,
  maxEvents = Number.POSITIVE_INFINITY,
  idleTimeoutMs = 0,
): Promise<ReadSse> {
  return readInto(response, out, (read) => read.events.length >= maxEvents, idleTimeoutMs);
}

/** Reads an SSE body up to and including the first event for which `until` holds, cancelling the rest. */
export function readSseUntil(response: Response, until: (event: StreamEvent) => boolean): Promise<ReadSse> {
  return readInto(
    response,
    emptyRead(),
    (read) => read.events.length > 0 && until(read.events[read.events.length - 1]),
  );
}

/** The events of a whole SSE text (a recording). */
export function parseSse(text: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  createParser({ onEvent: (message) => events.push(JSON.parse(message.data) as StreamEvent) }).feed(text);
  return events;
}
