/**
 * One run followed to its end: starts it, reads its events through a transport, reconnects with
 * backoff from the last delivered id, hands each event to the app exactly once and in order,
 * keeps the reconstructed view, and verifies it at `run_complete`.
 */

import { sleep } from "../../../src/lib/sleep";
import type { StreamEvent } from "../../../src/protocol/events";
import { type BackoffOptions, backoffDelay } from "./backoff";
import { ClientError, isRetryable, toClientError } from "./errors";
import { type ClientHandlers, Emitter, type HandlerName } from "./handlers";
import { type RunResult, RunTracker } from "./run-tracker";
import type { RunView } from "./run-view";
import { type DetachedStart, requestCancel, type StartConfig, startDetached, startStreaming } from "./start";
import type { ConnectionEnd, RunIds, Transport, TransportSink } from "./transport";

/** What the client gives each run. */
export interface RunStreamConfig extends StartConfig {
  transport: Transport;
  backoff: BackoffOptions;
  /** Start with a 202 and then connect, even when the transport could stream the POST itself. */
  detached: boolean;
  /** Told the last id seen in the session when the run stops, so the session's next run starts after it. */
  onCursor?(sessionId: string, lastEventId: number): void;
  /** A run already started (by anyone: a shared session): followed from here instead of started. */
  existing?: DetachedStart;
}

export type { RunResult };

export class RunStream {
  /** Resolves when run_complete arrived and verified; rejects with a ClientError otherwise. */
  readonly done: Promise<RunResult>;
  /** Resolves with the ids once the server accepted the run. */
  readonly started: Promise<RunIds>;
  #config: RunStreamConfig;
  #emitter = new Emitter();
  #tracker: RunTracker;
  #eventsUrl: string | undefined;
  #retryHint: number | undefined;
  #life = new AbortController();
  #conn: AbortController | undefined;
  #onStarted!: (ids: RunIds) => void;
  #onStartFailed!: (error: unknown) => void;

  constructor(config: RunStreamConfig, handlers: Partial<ClientHandlers> = {}) {
    this.#config = config;
    this.#tracker = new RunTracker(config.afterId);
    this.#emitter.onAll(handlers);
    this.started = new Promise((resolve, reject) => {
      this.#onStarted = resolve;
      this.#onStartFailed = reject;
    });
    // Start on the next microtask, so handlers registered right after construction see everything.
    this.done = Promise.resolve().then(() => this.#run());
    this.done.catch(() => {});
    this.started.catch(() => {});
  }

  /** Registers a handler; returns a function that removes it. */
  on<K extends HandlerName>(name: K, handler: NoInfer<ClientHandlers[K]>): () => void {
    return this.#emitter.on(name, handler);
  }

  /** The reconstructed run so far (live object: read it, do not change it). */
  get view(): Readonly<RunView> {
    return this.#tracker.view;
  }

  /** Last event id handed on: where a reconnect resumes. */
  get lastEventId(): number {
    return this.#tracker.cursor;
  }

  get ids(): RunIds | undefined {
    return this.#tracker.ids;
  }

  /** `verified` once run_complete matched the reconstruction, `failed` if it did not. */
  get integrity(): "pending" | "verified" | "failed" {
    if (!this.#tracker.final) return "pending";
    return "result" in this.#tracker.final ? "verified" : "failed";
  }

  /** Cuts the current connection as a network failure would; the client then resumes by itself. */
  dropConnection(): boolean {
    if (!this.#conn || this.#tracker.final) return false;
    this.#conn.abort(new ClientError("network", "connection dropped"));
    return true;
  }

  /**
   * Asks the server to cancel the run; the stream then ends with `run_complete` status `cancelled`.
   * False when the run was no longer active.
   */
  async cancel(): Promise<boolean> {
    if (this.#tracker.final) return false;
    const { sessionId } = await this.started;
    return requestCancel(this.#config, sessionId);
  }

  /** Stops following the run (the run goes on on the server). `done` rejects with code `closed`. */
  close(): void {
    if (!this.#tracker.final) this.#life.abort(new ClientError("closed", "closed by the app"));
  }

  async #run(): Promise<RunResult> {
    try {
      const result = await this.#follow();
      this.#emitter.emit("disconnected", { reason: "completed" });
      return result;
    } catch (caught) {
      const error = this.#life.signal.aborted ? (this.#life.signal.reason as ClientError) : toClientError(caught);
      this.#onStartFailed(error);
      this.#emitter.emit("disconnected", { reason: error.code === "closed" ? "closed" : "failed", error });
      throw error;
    } finally {
      this.#conn?.abort();
      const ids = this.#tracker.ids;
      if (ids) this.#config.onCursor?.(ids.sessionId, this.#tracker.cursor);
    }
  }

  async #follow(): Promise<RunResult> {
    const { transport, backoff } = this.#config;
    let error: ClientError | undefined;
    if (transport.start && !this.#config.detached && !this.#config.existing) {
      const start = transport.start.bind(transport);
      error = await this.#attempt((signal) => startStreaming(this.#config, start, signal, this.#sink(0)));
      // Without ids nothing can be resumed; whether the run started is unknown, so it is not retried.
      if (error && !this.#tracker.ids) throw error;
    } else {
      const started = this.#config.existing ?? (await startDetached(this.#config, this.#life.signal));
      this.#eventsUrl = started.eventsUrl;
      this.#tracker.skipTo(started.afterId);
      this.#setIds({ sessionId: started.sessionId, runId: started.runId });
      error = await this.#attempt((signal) => this.#connect(signal, 0));
    }
    let failures = 0;
    for (;;) {
      if (this.#tracker.final) {
        if ("error" in this.#tracker.final) throw this.#tracker.final.error;
        return this.#tracker.final.result;
      }
      failures++;
      if (failures > backoff.maxAttempts) {
        throw new ClientError("gave_up", `gave up after ${backoff.maxAttempts} attempts: ${error?.message}`, {
          cause: error,
        });
      }
      const lost = error ?? new ClientError("network", "connection lost");
      const delayMs = backoffDelay(
        failures,
        backoff,
        this.#retryHint,
        (lost as { retryAfterMs?: number }).retryAfterMs,
      );
      this.#emitter.emit("reconnecting", { attempt: failures, delayMs, afterId: this.#tracker.cursor, error: lost });
      await sleep(delayMs, this.#life.signal);
      const before = this.#tracker.delivered;
      error = await this.#attempt((signal) => this.#connect(signal, failures));
      if (this.#tracker.delivered > before) failures = 0;
    }
  }

  /** Runs one connection. Returns the error to retry after (undefined once the run is final); throws final errors. */
  async #attempt(open: (signal: AbortSignal) => Promise<ConnectionEnd>): Promise<ClientError | undefined> {
    const conn = new AbortController();
    const onClose = () => conn.abort(this.#life.signal.reason);
    this.#life.signal.addEventListener("abort", onClose, { once: true });
    this.#conn = conn;
    try {
      if (this.#life.signal.aborted) throw this.#life.signal.reason;
      const end = await open(conn.signal);
      if (this.#tracker.final) return undefined;
      if (end === "caught_up") {
        throw new ClientError("incomplete", "the session is idle and has no more events, but the run never completed");
      }
      return new ClientError("network", "the stream ended before the run completed");
    } catch (caught) {
      if (this.#tracker.final) return undefined;
      if (this.#life.signal.aborted) throw this.#life.signal.reason;
      const error = toClientError(conn.signal.aborted ? conn.signal.reason : caught);
      if (!isRetryable(error)) throw error;
      return error;
    } finally {
      this.#life.signal.removeEventListener("abort", onClose);
      this.#conn = undefined;
    }
  }

  async #connect(signal: AbortSignal, attempt: number): Promise<ConnectionEnd> {
    const ids = this.#tracker.ids as RunIds;
    const token = await this.#config.token();
    const request = {
      baseUrl: this.#config.baseUrl,
      sessionId: ids.sessionId,
      afterId: this.#tracker.cursor,
      eventsUrl: this.#eventsUrl,
      token,
      signal,
    };
    return this.#config.transport.connect(request, this.#sink(attempt));
  }

  #sink(attempt: number): TransportSink & { started(ids: RunIds): void } {
    const afterId = this.#tracker.cursor;
    return {
      started: (ids) => this.#setIds(ids),
      open: () => this.#emitter.emit("connected", { transport: this.#config.transport.name, attempt, afterId }),
      event: (event) => this.#receive(event),
      retryHint: (ms) => {
        this.#retryHint = ms;
      },
      presence: (watching) => this.#emitter.emit("presence", watching),
    };
  }

  #setIds(ids: RunIds): void {
    this.#tracker.setRun(ids);
    this.#onStarted(ids);
    this.#emitter.emit("started", ids);
  }

  #receive(event: StreamEvent): void {
    try {
      this.#tracker.receive(event, (next) => {
        this.#emitter.emit("event", next);
        this.#emitter.emit(next.event_type, next as never);
      });
    } catch (error) {
      this.#conn?.abort(error);
      return;
    }
    if (this.#tracker.final) this.#conn?.abort(new ClientError("closed", "run complete"));
  }
}
