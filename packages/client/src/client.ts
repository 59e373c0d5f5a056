/**
 * The client: starts runs of any pipeline (Nova3 and Loomi by their seed names) and follows each with a RunStream, over the fetch
 * transport (default), EventSource, WebSocket, or any Transport.
 */
import type { PipelineDescription } from "../../../src/protocol/pipelines";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff";
import { type EventSourceConstructor, eventSourceTransport } from "./eventsource-transport";
import { fetchTransport } from "./fetch-transport";
import type { ClientHandlers } from "./handlers";
import { type FetchFn, resolveBaseUrl, resolveToken, serviceUrl, type TokenSource } from "./http";
import { type InputAccepted, type ReviewAnswer, sendAnswer, sendMessage } from "./interaction";
import { RunStream, type RunStreamConfig } from "./run-stream";
import { type ChatRequestBody, listPipelines, requestCancel } from "./start";
import type { Transport } from "./transport";
import { type WebSocketConstructor, webSocketTransport } from "./websocket-transport";

export interface ClientOptions {
  /** Service URL; defaults to the page's origin in a browser. Its path, if any, prefixes every route. */
  baseUrl?: string;
  /** Bearer token (or a function returning the current one), sent as `Authorization` on every fetch. */
  token?: TokenSource;
  /**
   * `fetch` (default: SSE over fetch), `eventsource` (EventSource on events_url), `websocket`
   * (`/sessions/:id/ws` with the read token of events_url), or a Transport.
   */
  transport?: "fetch" | "eventsource" | "websocket" | Transport;
  /** Start runs with a 202 and then follow `events_url`, even over fetch (EventSource always does). */
  detached?: boolean;
  backoff?: Partial<BackoffOptions>;
  /** See DEFAULT_IDLE_TIMEOUT_MS (fetch and WebSocket transports). */
  idleTimeoutMs?: number;
  /** See DEFAULT_PING_INTERVAL_MS (WebSocket transport). */
  pingIntervalMs?: number;
  /** Injected fetch (tests, non-browser runtimes). */
  fetch?: FetchFn;
  /** Injected EventSource constructor (tests). */
  EventSource?: EventSourceConstructor;
  /** Injected WebSocket constructor (tests, Node before 22). */
  WebSocket?: WebSocketConstructor;
}

/** Per-run options. */
/** A run to follow that someone else started (`EdgeStreamClient.follow`). */
export interface FollowedRun {
  sessionId: string;
  runId: string;
  /** Its `run_start`'s id (the snapshot's `runs[].first_event_id`). */
  firstEventId: number;
  /** A share link's token (or a read token) for the URL; without it the client's bearer token is used. */
  token?: string;
}

export interface RunOptions {
  /** Continue this session (a Loomi conversation, or another Nova3 run in it). */
  sessionId?: string;
  /** Passed to the server as the body's `options`, checked against the pipeline's schema (`GET /pipelines`): a bad one is a 400. */
  options?: Record<string, unknown>;
  /** Handlers registered before the run starts, e.g. `{ llm_chunk(e) {...} }`. */
  handlers?: Partial<ClientHandlers>;
}

export class EdgeStreamClient {
  readonly baseUrl: string;
  readonly transport: Transport;
  #options: ClientOptions;
  #fetch: FetchFn;
  #backoff: BackoffOptions;
  /** Last event id seen per session, so a session's next run is read from where the last one ended. */
  #cursors = new Map<string, number>();

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    this.baseUrl = resolveBaseUrl(options.baseUrl);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const choice = options.transport ?? "fetch";
    if (choice === "fetch") {
      this.transport = fetchTransport({ fetch: this.#fetch, idleTimeoutMs: options.idleTimeoutMs });
    } else if (choice === "eventsource") {
      this.transport = eventSourceTransport(options.EventSource);
    } else if (choice === "websocket") {
      const { WebSocket, idleTimeoutMs, pingIntervalMs } = options;
      this.transport = webSocketTransport({ WebSocket, idleTimeoutMs, pingIntervalMs });
    } else {
      this.transport = choice;
    }
  }

  /** Starts a Nova3 run (the content pipeline) and follows it. */
  novachat(message: string, options: RunOptions = {}): RunStream {
    return this.#run("/novachat", message, options);
  }

  /** Sends a message to Loomi (pass `sessionId` for the conversation's next turn) and follows the reply. */
  loomichat(message: string, options: RunOptions = {}): RunStream {
    return this.#run("/loomichat", message, options);
  }

  /** Starts a run of any registered pipeline (`POST /runs/:pipeline`) and follows it. */
  run(pipeline: string, message: string, options: RunOptions = {}): RunStream {
    return this.#run(`/runs/${encodeURIComponent(pipeline)}`, message, options);
  }

  /** Every registered pipeline with its agents and options schema (`GET /pipelines`). */
  async pipelines(): Promise<PipelineDescription[]> {
    const config = { baseUrl: this.baseUrl, token: () => resolveToken(this.#options.token), fetch: this.#fetch };
    return listPipelines(config);
  }

  /** Asks the server to cancel the session's active run. False when no run was active. */
  cancel(sessionId: string): Promise<boolean> {
    return requestCancel(
      { baseUrl: this.baseUrl, token: () => resolveToken(this.#options.token), fetch: this.#fetch },
      sessionId,
    );
  }

  /**
   * Follows a run someone already started, as a member of a shared session or through a share
   * link (docs/sharing.md), from its first event. `token`: a share link's token (or a read token),
   * which EventSource and WebSocket carry in the URL; otherwise the client's bearer token is used.
   */
  follow(run: FollowedRun, handlers?: Partial<ClientHandlers>): RunStream {
    const path = `/sessions/${encodeURIComponent(run.sessionId)}/events`;
    const eventsUrl = new URL(serviceUrl(this.baseUrl, path));
    if (run.token !== undefined) eventsUrl.searchParams.set("token", run.token);
    const existing = { ...run, afterId: run.firstEventId - 1, eventsUrl: eventsUrl.toString() };
    // No route or body: a followed run is never started from here.
    const config = this.#config("", { message: "" }, existing.afterId);
    return new RunStream({ ...config, detached: true, existing }, handlers);
  }

  /** Answers the review the session's paused run waits for (approve, revise, edit). */
  answer(sessionId: string, answer: ReviewAnswer): Promise<InputAccepted> {
    return sendAnswer(this.#http(), sessionId, answer);
  }

  /** Adds a message to the session's active run: every agent that starts after it reads it. */
  steer(sessionId: string, text: string): Promise<InputAccepted> {
    return sendMessage(this.#http(), sessionId, text);
  }

  #http() {
    return { baseUrl: this.baseUrl, token: () => resolveToken(this.#options.token), fetch: this.#fetch };
  }

  #run(route: string, message: string, options: RunOptions): RunStream {
    const { sessionId } = options;
    const body = { message, session_id: sessionId, options: options.options };
    const afterId = sessionId === undefined ? 0 : (this.#cursors.get(sessionId) ?? 0);
    return new RunStream(this.#config(route, body, afterId), options.handlers);
  }

  #config(route: string, body: ChatRequestBody, afterId: number): RunStreamConfig {
    return {
      baseUrl: this.baseUrl,
      route,
      body,
      afterId,
      token: () => resolveToken(this.#options.token),
      fetch: this.#fetch,
      transport: this.transport,
      backoff: this.#backoff,
      detached: this.#options.detached ?? false,
      onCursor: (id, lastEventId) => this.#cursors.set(id, Math.max(lastEventId, this.#cursors.get(id) ?? 0)),
    };
  }
}

/** Creates a client; see ClientOptions. */
export function createClient(options: ClientOptions = {}): EdgeStreamClient {
  return new EdgeStreamClient(options);
}
