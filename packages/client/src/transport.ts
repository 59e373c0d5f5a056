/**
 * The transport interface: how the client reads a session's events. The client owns ordering,
 * dedupe, reconnects and the run view; a transport only opens one connection at a time and
 * reports what arrives. Fetch+SSE, EventSource and WebSocket ship here.
 */
import type { StreamEvent } from "../../../src/protocol/events";
import type { Watcher } from "../../../src/protocol/ws";

/** Where to read: a session's events after `afterId`. */
export interface ConnectRequest {
  /** Absolute base URL of the service; build every URL from it with serviceUrl (its path is a prefix). */
  baseUrl: string;
  sessionId: string;
  /** Resume point: deliver events with greater ids. */
  afterId: number;
  /** The `events_url` of the 202 answer, made absolute; it carries the read token when auth is on. */
  eventsUrl?: string;
  /** Bearer token for this attempt, when the app gave one. */
  token?: string;
  /** Aborted to close the connection (the app closed, the run completed, or a simulated drop). */
  signal: AbortSignal;
}

/** What a transport reports while a connection is open. */
export interface TransportSink {
  /** The connection is established (HTTP 200 with an event stream, or socket open). */
  open(): void;
  /** One event, in arrival order (the client handles duplicates and order). */
  event(event: StreamEvent): void;
  /** The server's advertised reconnection delay (SSE `retry:`), ms. */
  retryHint(ms: number): void;
  /** Who is watching the session now (WebSocket `presence` messages; docs/sharing.md). */
  presence?(watching: Watcher[]): void;
}

/**
 * How a connection ended without error: `ended` = the server closed it, `caught_up` = the server
 * has nothing after `afterId` and no run is active (HTTP 204).
 */
export type ConnectionEnd = "ended" | "caught_up";

export interface Transport {
  /** Short name, shown in `connected` events. */
  readonly name: string;
  /**
   * Opens one connection and reports to `sink` until it ends. Resolves how it ended; rejects with
   * a ClientError (an HttpError for an HTTP error status) or the signal's reason when aborted.
   */
  connect(request: ConnectRequest, sink: TransportSink): Promise<ConnectionEnd>;
  /** Optional: start a run and read its events in the same request (the POST stream). */
  start?(request: StartRequest, sink: StartSink): Promise<ConnectionEnd>;
}

/** A run to start: the chat route and its JSON body. */
export interface StartRequest {
  /** Absolute URL of `/novachat` or `/loomichat`. */
  url: string;
  body: string;
  token?: string;
  signal: AbortSignal;
}

/** The ids of a started run. */
export interface RunIds {
  sessionId: string;
  runId: string;
}

export interface StartSink extends TransportSink {
  /** The run started: called before any event. */
  started(ids: RunIds): void;
}
