/**
 * An in-memory stand-in for the service's HTTP API, served through a `fetch` function, replaying
 * recorded runs with the real SSE encoding. Each event-stream connection (the POST stream or a
 * GET of /sessions/:id/events) can be given a fault: cut after N bytes, an HTTP error, a replay
 * from the start (duplicates), swapped frames (reordering), or silence.
 */
import type { StreamEvent } from "../../src/protocol/events";
import { encodeEventFrame, encodeRetry } from "../../src/protocol/sse";

export interface Fault {
  /** Deliver this many bytes of the stream, then fail like a dropped network connection. */
  cutAfterBytes?: number;
  /** Answer with this HTTP status and a JSON error body instead of a stream. */
  status?: number;
  retryAfter?: string;
  /** Ignore the resume point and send everything from the first event (duplicates). */
  replayFromStart?: boolean;
  /** Swap each pair of neighbouring frames (reordering). */
  swapPairs?: boolean;
  /** Send every frame twice. */
  doubleFrames?: boolean;
  /** Stop sending (without closing) after this many bytes. */
  stallAfterBytes?: number;
}

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

/** Bytes per enqueued chunk: odd, so frames split at arbitrary places as they do on a network. */
const CHUNK_BYTES = 509;

const encoder = new TextEncoder();

export class FakeServer {
  readonly requests: SeenRequest[] = [];
  /** Faults for the next stream connections, in order. */
  readonly faults: Fault[] = [];
  /** Session logs; runs are appended when started. */
  readonly logs = new Map<string, StreamEvent[]>();
  #runs: StreamEvent[][];
  #eventsUrlExtra: string;

  /** `runs`: the recorded runs to hand out, in order, one per POST. `eventsUrlExtra`: e.g. `&token=t`. */
  constructor(runs: StreamEvent[][], eventsUrlExtra = "") {
    this.#runs = [...runs];
    this.#eventsUrlExtra = eventsUrlExtra;
  }

  /** The fetch function to give the client. */
  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const method = init.method ?? "GET";
    this.requests.push({ method, url, headers, body: typeof init.body === "string" ? init.body : undefined });
    if (init.signal?.aborted) throw init.signal.reason;
    const chat = /^\/(novachat|loomichat)$/.exec(url.pathname);
    if (method === "POST" && chat) return this.#start(headers, init.signal ?? undefined);
    const events = /^\/sessions\/([^/]+)\/events$/.exec(url.pathname);
    if (method === "GET" && events) {
      const afterId = Number(headers.get("Last-Event-ID") ?? url.searchParams.get("last_event_id") ?? 0);
      return this.#stream(events[1], afterId, {}, init.signal ?? undefined);
    }
    const cancel = /^\/sessions\/([^/]+)\/cancel$/.exec(url.pathname);
    if (method === "POST" && cancel) {
      return Response.json({ session_id: cancel[1], status: "cancelling" }, { status: 202 });
    }
    return Response.json({ error: { code: "not_found", message: "no route" } }, { status: 404 });
  };

  /** Requests to a path. */
  requestsTo(path: RegExp): SeenRequest[] {
    return this.requests.filter((r) => path.test(r.url.pathname));
  }

  #start(headers: Headers, signal: AbortSignal | undefined): Response {
    const run = this.#runs.shift();
    if (!run) throw new Error("FakeServer: no recorded run left to start");
    const sessionId = this.#sessionOf(run) ?? crypto.randomUUID();
    const log = this.logs.get(sessionId) ?? [];
    log.push(...run);
    this.logs.set(sessionId, log);
    const ids = { "X-Session-Id": sessionId, "X-Run-Id": run[0].run_id };
    const afterId = run[0].id - 1;
    if (headers.get("Accept")?.includes("application/json")) {
      const eventsUrl = `/sessions/${sessionId}/events?last_event_id=${afterId}${this.#eventsUrlExtra}`;
      return Response.json(
        { session_id: sessionId, run_id: run[0].run_id, events_url: eventsUrl },
        { status: 202, headers: ids },
      );
    }
    return this.#stream(sessionId, afterId, ids, signal);
  }

  /** Recordings of one session share ids: a run whose first id > 1 continues the newest session. */
  #sessionOf(run: StreamEvent[]): string | undefined {
    if (run[0].id === 1) return undefined;
    return [...this.logs.keys()].pop();
  }

  #stream(sessionId: string, afterId: number, headers: Record<string, string>, signal?: AbortSignal): Response {
    const log = this.logs.get(sessionId);
    if (!log) return Response.json({ error: { code: "not_found", message: "session not found" } }, { status: 404 });
    const fault = this.faults.shift() ?? {};
    if (fault.status) {
      const extra: Record<string, string> = fault.retryAfter ? { "Retry-After": fault.retryAfter } : {};
      const body = { error: { code: fault.status === 429 ? "rate_limited" : "unavailable", message: "fault" } };
      return Response.json(body, { status: fault.status, headers: extra });
    }
    let events = log.filter((e) => fault.replayFromStart || e.id > afterId);
    if (events.length === 0) return new Response(null, { status: 204 });
    if (fault.doubleFrames) events = events.flatMap((e) => [e, e]);
    if (fault.swapPairs)
      events = events.map((_, i) => events[i % 2 === 0 ? Math.min(i + 1, events.length - 1) : i - 1]);
    const text = encodeRetry(1000) + events.map((e) => encodeEventFrame(e.id, JSON.stringify(e))).join("");
    const bytes = encoder.encode(text);
    const limit = Math.min(bytes.length, fault.cutAfterBytes ?? fault.stallAfterBytes ?? bytes.length);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener("abort", () => controller.error(signal.reason), { once: true });
      },
      pull(controller) {
        if (sent >= limit) {
          if (fault.stallAfterBytes !== undefined) return new Promise(() => {});
          if (fault.cutAfterBytes !== undefined) controller.error(new TypeError("network connection lost"));
          else controller.close();
          return;
        }
        const end = Math.min(limit, sent + CHUNK_BYTES);
        controller.enqueue(bytes.slice(sent, end));
        sent = end;
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "Content-Type": "text/event-stream; charset=utf-8", ...headers },
    });
  }
}
