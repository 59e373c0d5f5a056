/** Reads SSE responses in tests with the same parser the browser client uses. */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { StreamEvent } from "../../src/protocol/events";

export interface ReadSse {
  messages: EventSourceMessage[];
  events: StreamEvent[];
  retry: number | undefined;
  comments: string[];
}

/** Reads a whole SSE body (or stops after `maxEvents`, cancelling the rest). */
export async function readSse(response: Response, maxEvents = Number.POSITIVE_INFINITY): Promise<ReadSse> {
  const out: ReadSse = { messages: [], events: [], retry: undefined, comments: [] };
  await readSseInto(response, out, maxEvents);
  return out;
}

/**
 * Like readSse, but adds to `out` as events arrive, so a caller keeps what came before a stream
 * broke (and can resume after its last id). Stops once `out` holds `maxEvents` events.
 */
export async function readSseInto(
  response: Response,
  out: ReadSse,
  maxEvents = Number.POSITIVE_INFINITY,
): Promise<ReadSse> {
  const parser = createParser({
    onEvent: (message) => {
      out.messages.push(message);
      out.events.push(JSON.parse(message.data) as StreamEvent);
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
  while (out.events.length < maxEvents) {
    const { done, value } = await reader.read();
    if (done) return out;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  await reader.cancel();
  return out;
}

/** Asserts-free check that ids run from `first` upward by exactly 1. */
export function idsOf(events: StreamEvent[]): number[] {
  return events.map((e) => e.id);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
