/**
 * The fetch transport: SSE read with `fetch` and eventsource-parser. It can start a run and read
 * it in one POST, sends `Last-Event-ID` and the bearer header itself, sees HTTP statuses, and
 * notices a silent connection (heartbeats are comments, which EventSource would hide).
 */
import { createParser } from "eventsource-parser";
import { ClientError } from "./errors";
import { type FetchFn, httpError, serviceUrl, withAuth } from "./http";
import type { ConnectionEnd, ConnectRequest, StartRequest, StartSink, Transport, TransportSink } from "./transport";
import { parseEventData } from "./wire";

/** Longest silence (no byte, not even a heartbeat) before the connection is presumed dead, ms. Three server heartbeats. */
export const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

export interface FetchTransportOptions {
  /** Defaults to the global fetch. */
  fetch?: FetchFn;
  /** See DEFAULT_IDLE_TIMEOUT_MS; 0 turns the watchdog off. */
  idleTimeoutMs?: number;
}

/** The events URL of a request, with the resume point also in the query (the header wins on the server). */
export function eventsUrlFor(request: ConnectRequest): string {
  const url = new URL(
    request.eventsUrl ?? serviceUrl(request.baseUrl, `/sessions/${encodeURIComponent(request.sessionId)}/events`),
  );
  url.searchParams.set("last_event_id", String(request.afterId));
  return url.toString();
}

/**
 * Reads an event stream until it ends, goes silent for `idleTimeoutMs`, or `signal` aborts. The
 * abort cancels the reader itself: Node's fetch (undici) leaves a pending read unsettled when the
 * request is aborted after the whole body has arrived, which is how a run usually ends (the client
 * aborts at `run_complete`, the stream's last event), so `done` waited for the idle timeout.
 */
async function readStream(
  response: Response,
  sink: TransportSink,
  idleTimeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (!response.body) throw new ClientError("network", "event stream has no body");
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.startsWith("text/event-stream")) throw new ClientError("protocol", `expected an event stream, got ${type}`);
  let failure: ClientError | undefined;
  const parser = createParser({
    onEvent: (message) => {
      if (failure) return;
      try {
        sink.event(parseEventData(message.data));
      } catch (error) {
        failure = error instanceof ClientError ? error : new ClientError("protocol", String(error));
      }
    },
    onRetry: (ms) => sink.retryHint(ms),
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let silent = false;
  const arm = () => {
    if (idleTimeoutMs <= 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      reader.cancel().catch(() => {});
    }, idleTimeoutMs);
  };
  const onAbort = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    arm();
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (silent) throw new ClientError("network", `no data for ${idleTimeoutMs} ms`);
      if (done) return;
      arm();
      parser.feed(decoder.decode(value, { stream: true }));
      if (failure) throw failure;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => {});
  }
}

export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const doFetch: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  return {
    name: "fetch",

    async connect(request: ConnectRequest, sink: TransportSink): Promise<ConnectionEnd> {
      const headers = withAuth(
        { Accept: "text/event-stream", "Last-Event-ID": String(request.afterId) },
        request.token,
      );
      const response = await doFetch(eventsUrlFor(request), { headers, signal: request.signal });
      if (response.status === 204) return "caught_up";
      if (!response.ok) throw await httpError(response);
      sink.open();
      await readStream(response, sink, idleTimeoutMs, request.signal);
      return "ended";
    },

    async start(request: StartRequest, sink: StartSink): Promise<ConnectionEnd> {
      const headers = withAuth({ Accept: "text/event-stream", "Content-Type": "application/json" }, request.token);
      const response = await doFetch(request.url, {
        method: "POST",
        headers,
        body: request.body,
        signal: request.signal,
      });
      if (!response.ok) throw await httpError(response);
      const sessionId = response.headers.get("X-Session-Id");
      const runId = response.headers.get("X-Run-Id");
      if (!sessionId || !runId) throw new ClientError("protocol", "run stream without X-Session-Id / X-Run-Id headers");
      sink.started({ sessionId, runId });
      sink.open();
      await readStream(response, sink, idleTimeoutMs, request.signal);
      return "ended";
    },
  };
}
