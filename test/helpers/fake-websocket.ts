/**
 * A stand-in for the browser's WebSocket over a FakeServer's session logs, speaking the server's
 * protocol (src/protocol/ws.ts): a JSON array of envelopes per message (a flush), `pong` for
 * `ping`, and what a browser reports when things fail: a refused upgrade is an error and a close
 * 1006 without `open`, a dropped connection a close 1006. Each socket can be given a fault.
 */
import type { WebSocketConstructor, WebSocketLike } from "@edge-stream/client";
import type { StreamEvent } from "../../src/protocol/events";
import { WS_PING, WS_PONG } from "../../src/protocol/ws";
import type { FakeServer } from "./fake-server";

export interface SocketFault {
  /** Refuse the upgrade (as for a 401, 404 or 429, which a browser cannot see). */
  refuse?: boolean;
  /** Events per message; default 1. */
  batch?: number;
  /** Deliver this many messages, then drop the connection (1006). */
  cutAfterMessages?: number;
  /** Ignore the resume point and send everything from the first event (duplicates). */
  replayFromStart?: boolean;
  /** Swap each pair of neighbouring messages (reordering). */
  swapPairs?: boolean;
  /** Send every message twice. */
  doubleMessages?: boolean;
  /** After this many messages, send nothing more and answer no ping, without closing. */
  silentAfterMessages?: number;
  /** Send no event until this many pings were answered: an idle socket kept alive by heartbeats. */
  holdUntilPings?: number;
  /** After the messages (or the cut), close with this code and reason. */
  close?: { code: number; reason: string };
  /** A control message sent right after opening. */
  control?: Record<string, unknown>;
  /** A raw text message sent right after opening (garbage, for protocol errors). */
  raw?: string;
}

/** What the fake sockets saw: the URLs opened, and the text each client sent. */
export interface SocketLog {
  urls: string[];
  sent: string[];
}

function closeEvent(code: number, reason: string): CloseEvent {
  // Node 20 has no CloseEvent: an Event with its fields is what the transport reads.
  return Object.assign(new Event("close"), { code, reason, wasClean: code !== 1006 }) as unknown as CloseEvent;
}

export function fakeWebSocket(server: FakeServer, faults: SocketFault[], log: SocketLog): WebSocketConstructor {
  return class FakeWebSocket implements WebSocketLike {
    readyState = 0;
    binaryType = "blob";
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    onclose: ((event: CloseEvent) => void) | null = null;
    #fault: SocketFault;
    #queue: string[] = [];
    #sentMessages = 0;
    #pings = 0;

    constructor(url: string) {
      log.urls.push(url);
      this.#fault = faults.shift() ?? {};
      setImmediate(() => this.#open(new URL(url)));
    }

    #open(url: URL): void {
      if (this.readyState !== 0) return;
      const id = /^\/sessions\/([^/]+)\/ws$/.exec(url.pathname)?.[1];
      const events = id ? server.logs.get(id) : undefined;
      if (!events || this.#fault.refuse || url.protocol !== "ws:") {
        this.#drop();
        return;
      }
      this.readyState = 1;
      this.onopen?.(new Event("open"));
      const afterId = Number(url.searchParams.get("last_event_id") ?? 0);
      this.#queue = this.#messages(events.filter((e) => this.#fault.replayFromStart || e.id > afterId));
      if (this.#fault.control) this.#queue.unshift(JSON.stringify(this.#fault.control));
      if (this.#fault.raw !== undefined) this.#queue.unshift(this.#fault.raw);
      this.#pump();
    }

    #messages(events: StreamEvent[]): string[] {
      const size = this.#fault.batch ?? 1;
      let messages: string[] = [];
      for (let i = 0; i < events.length; i += size) messages.push(JSON.stringify(events.slice(i, i + size)));
      if (this.#fault.doubleMessages) messages = messages.flatMap((m) => [m, m]);
      if (this.#fault.swapPairs) {
        messages = messages.map((_, i) => messages[i % 2 === 0 ? Math.min(i + 1, messages.length - 1) : i - 1]);
      }
      return messages;
    }

    #silent(): boolean {
      const after = this.#fault.silentAfterMessages;
      return after !== undefined && this.#sentMessages >= after;
    }

    /** Sends the next message on a later macrotask, like a network would (setImmediate: setTimeout waits at least 1 ms). */
    #pump(): void {
      setImmediate(() => {
        if (this.readyState !== 1 || this.#silent()) return;
        if ((this.#fault.holdUntilPings ?? 0) > this.#pings) return;
        if (this.#sentMessages === this.#fault.cutAfterMessages) {
          if (this.#fault.close) this.#end();
          else this.#drop();
          return;
        }
        const next = this.#queue.shift();
        if (next === undefined) {
          if (this.#fault.close) this.#end();
          return;
        }
        this.#sentMessages++;
        this.onmessage?.(new MessageEvent("message", { data: next }));
        this.#pump();
      });
    }

    #drop(): void {
      this.readyState = 3;
      this.onerror?.(new Event("error"));
      this.onclose?.(closeEvent(1006, ""));
    }

    #end(): void {
      const { code, reason } = this.#fault.close ?? { code: 1000, reason: "" };
      this.readyState = 3;
      this.onclose?.(closeEvent(code, reason));
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new Error("FakeWebSocket: send before open or after close");
      log.sent.push(data);
      if (data !== WS_PING || this.#silent()) return;
      this.#pings++;
      setImmediate(() => {
        if (this.readyState !== 1) return;
        this.onmessage?.(new MessageEvent("message", { data: WS_PONG }));
        if (this.#pings === this.#fault.holdUntilPings) this.#pump();
      });
    }

    close(): void {
      // Closed by the client: the transport has already let go of its handlers.
      this.readyState = 3;
    }
  };
}
