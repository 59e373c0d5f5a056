/**
 * The EventSource transport: the browser's own SSE reader on `events_url`. EventSource cannot
 * send headers, so authentication rides on the read token inside `events_url` and the resume
 * point on `last_event_id`. Its built-in reconnect is switched off (closed on the first error):
 * the client reconnects itself, with backoff, from the last id it delivered.
 */
import { ClientError } from "./errors";
import { eventsUrlFor } from "./fetch-transport";
import type { ConnectionEnd, ConnectRequest, Transport, TransportSink } from "./transport";
import { parseEventData } from "./wire";

/** The part of the EventSource API this transport uses (the DOM's, or a stand-in in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent & { readonly data: string }) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

/** EventSource.CLOSED: after an error, the browser gave up (an HTTP error status or not an event stream). */
const CLOSED = 2;

export function eventSourceTransport(EventSourceImpl?: EventSourceConstructor): Transport {
  return {
    name: "eventsource",
    connect(request: ConnectRequest, sink: TransportSink): Promise<ConnectionEnd> {
      const Impl = EventSourceImpl ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
      if (!Impl) return Promise.reject(new ClientError("protocol", "EventSource is not available here"));
      // It never ends by itself: the client closes it at run_complete, and anything else is an error.
      return new Promise<ConnectionEnd>((_resolve, reject) => {
        if (request.signal.aborted) return reject(request.signal.reason);
        const source = new Impl(eventsUrlFor(request));
        const finish = (error: unknown) => {
          source.onopen = source.onmessage = source.onerror = null;
          source.close();
          request.signal.removeEventListener("abort", onAbort);
          reject(error);
        };
        const onAbort = () => finish(request.signal.reason);
        request.signal.addEventListener("abort", onAbort, { once: true });
        source.onopen = () => sink.open();
        source.onmessage = (message) => {
          try {
            sink.event(parseEventData(message.data));
          } catch (error) {
            finish(error);
          }
        };
        source.onerror = () => {
          // EventSource does not say why; CLOSED means it will not retry (HTTP error, 204, wrong type).
          const refused = source.readyState === CLOSED;
          finish(new ClientError("network", refused ? "event stream refused by the server" : "event stream lost"));
        };
      });
    },
  };
}
