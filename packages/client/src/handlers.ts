/**
 * Typed handlers: one per event type (`on('llm_chunk', e => ...)` gets a StreamEvent<'llm_chunk'>),
 * plus `event` for every event and the connection lifecycle. A tiny emitter calls them; a handler
 * that throws is reported (reportError / console.error) and never breaks delivery.
 */
import type { EventType, StreamEvent } from "../../../src/protocol/events";
import type { Watcher } from "../../../src/protocol/ws";
import type { ClientError } from "./errors";
import type { RunIds } from "./transport";

/** A connection is open and events flow. `attempt` 0 is the first connection of the run. */
export interface ConnectedInfo {
  transport: string;
  attempt: number;
  /** The resume point the connection started from. */
  afterId: number;
}

/** The connection was lost; the client waits `delayMs`, then reconnects from `afterId`. */
export interface ReconnectingInfo {
  /** Consecutive failed attempts so far (resets when events flow again). */
  attempt: number;
  delayMs: number;
  afterId: number;
  error: ClientError;
}

/**
 * The client stopped following the run for good: `completed` (run_complete delivered and
 * verified), `closed` (the app called close), `failed` (see `error`, an IntegrityError included).
 */
export interface DisconnectedInfo {
  reason: "completed" | "closed" | "failed";
  error?: ClientError;
}

/** One handler per event type. */
export type EventHandlers = { [K in EventType]: (event: StreamEvent<K>) => void };

export interface LifecycleHandlers {
  /** Every event of the run, in order, exactly once. */
  event(event: StreamEvent): void;
  /** The run started: its session and run ids are known. */
  started(ids: RunIds): void;
  connected(info: ConnectedInfo): void;
  reconnecting(info: ReconnectingInfo): void;
  disconnected(info: DisconnectedInfo): void;
  /** Who is watching the session now, whenever it changes (WebSocket transport only; docs/sharing.md). */
  presence(watching: Watcher[]): void;
}

export type ClientHandlers = EventHandlers & LifecycleHandlers;
export type HandlerName = keyof ClientHandlers;
type Arg<K extends HandlerName> = Parameters<ClientHandlers[K]>[0];

function report(error: unknown): void {
  const global = globalThis as { reportError?: (error: unknown) => void };
  if (global.reportError) global.reportError(error);
  else console.error(error);
}

export class Emitter {
  #handlers = new Map<HandlerName, Set<(arg: never) => void>>();

  /** Registers a handler; returns a function that removes it. */
  on<K extends HandlerName>(name: K, handler: NoInfer<ClientHandlers[K]>): () => void {
    return this.#add(name, handler);
  }

  #add(name: HandlerName, handler: (arg: never) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) {
      set = new Set();
      this.#handlers.set(name, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Registers every handler of an object such as `{ llm_chunk(e) {...}, connected(i) {...} }`. */
  onAll(handlers: Partial<ClientHandlers>): void {
    for (const name of Object.keys(handlers) as HandlerName[]) {
      const handler = handlers[name];
      if (handler) this.#add(name, handler);
    }
  }

  emit<K extends HandlerName>(name: K, arg: Arg<K>): void {
    for (const handler of this.#handlers.get(name) ?? []) {
      try {
        (handler as (arg: Arg<K>) => void)(arg);
      } catch (error) {
        report(error);
      }
    }
  }
}
