/**
 * A stand-in for the browser's EventSource over a FakeServer, with the behaviour the transport
 * depends on: no custom headers, `open` on a 200 event stream, CLOSED after an HTTP error, and
 * an `error` (readyState CONNECTING) when a stream breaks or ends.
 */

import type { EventSourceConstructor, EventSourceLike } from "@edge-stream/client";
import { createParser } from "eventsource-parser";
import type { FakeServer } from "./fake-server";

export function fakeEventSource(server: Pick<FakeServer, "fetch">, urls: string[] = []): EventSourceConstructor {
  return class FakeEventSource implements EventSourceLike {
    readyState = 0;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent & { readonly data: string }) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    #abort = new AbortController();

    constructor(url: string) {
      urls.push(url);
      void this.#run(url);
    }

    async #run(url: string): Promise<void> {
      try {
        const response = await server.fetch(url, {
          headers: { Accept: "text/event-stream" },
          signal: this.#abort.signal,
        });
        if (response.status !== 200 || !response.body) {
          this.readyState = 2;
          this.onerror?.(new Event("error"));
          return;
        }
        this.readyState = 1;
        this.onopen?.(new Event("open"));
        const parser = createParser({
          onEvent: (message) => {
            // Node's MessageEvent takes lastEventId, which the Workers types' MessageEventInit lacks.
            const init = { data: message.data, lastEventId: message.id ?? "" };
            this.onmessage?.(new MessageEvent("message", init));
          },
        });
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.readyState === 2) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // A broken stream: EventSource reports an error and would reconnect.
      }
      if (this.readyState === 2) return;
      this.readyState = 0;
      this.onerror?.(new Event("error"));
    }

    close(): void {
      this.readyState = 2;
      this.#abort.abort(new Error("closed"));
    }
  };
}
