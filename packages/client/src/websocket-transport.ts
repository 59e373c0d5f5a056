/**
 * The WebSocket transport: `GET /sessions/:id/ws`, on the same event log as SSE. A browser
 * WebSocket cannot send headers, so the socket authenticates with the read token of the run's
 * `events_url` (read-only: cancelling goes through `POST /sessions/:id/cancel` with the bearer
 * token, as with every transport) and each new socket names its resume point in the URL
 * (`last_event_id`). The server sends one JSON array of envelopes per flush. Heartbeats are the
 * text `ping`, answered `pong` by the runtime without waking a hibernated session object; a
 * socket that stays silent past the idle timeout is presumed dead and closed. The transport
 * acknowledges what it has read (`ack`, WS_FLOW), without which the server stops sending once its
 * window is full; a socket the server closes as behind (4008) is resumed on a new one.
 */
import { WS_CLIENT_TYPES, WS_CLOSE, WS_FLOW, WS_PING, WS_PONG } from "../../../src/protocol/ws";
import { ClientError } from "./errors";
import { DEFAULT_IDLE_TIMEOUT_MS } from "./fetch-transport";
import { serviceUrl } from "./http";
import type { ConnectionEnd, ConnectRequest, Transport, TransportSink } from "./transport";
import { parseSocketMessage } from "./wire";

/**
 * How often the transport pings an open socket, ms: a third of the default idle timeout, so two
 * lost pongs in a row still leave time for a third. Cheap for the server: the runtime answers.
 */
export const DEFAULT_PING_INTERVAL_MS = 15_000;

/** The part of the WebSocket API this transport uses (the DOM's, or a stand-in in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** Defaults to the global WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** See DEFAULT_PING_INTERVAL_MS. */
  pingIntervalMs?: number;
  /** No message at all (not even a pong) for this long = dead socket; see DEFAULT_IDLE_TIMEOUT_MS; 0 turns heartbeats off. */
  idleTimeoutMs?: number;
  /** Acknowledge once this many characters are unacknowledged; default (and most) WS_FLOW.ACK_EVERY_CHARS. */
  ackEveryChars?: number;
}

/** WebSocket.CONNECTING and OPEN: states in which the transport still has to close the socket itself. */
const CONNECTING = 0;
const OPEN = 1;

/** The socket URL of a request: `/sessions/:id/ws` with the resume point and the read token of `events_url`. */
export function socketUrlFor(request: ConnectRequest): string {
  const url = new URL(serviceUrl(request.baseUrl, `/sessions/${encodeURIComponent(request.sessionId)}/ws`));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("last_event_id", String(request.afterId));
  const token = request.eventsUrl ? new URL(request.eventsUrl).searchParams.get("token") : null;
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/** How a close from the server ends the connection. */
function onServerClose(opened: boolean, code: number, reason: string): ConnectionEnd | ClientError {
  const said = `${code}${reason ? ` ${reason}` : ""}`;
  // We only ever send pings, so a policy close means a broken client or server: retrying would repeat it.
  if (code === WS_CLOSE.POLICY || code === WS_CLOSE.TOO_BIG) {
    return new ClientError("protocol", `the server closed the WebSocket (${said})`);
  }
  // A refused upgrade (401, 404, 429) looks like a network failure to a browser (1006): it is retried.
  if (!opened) return new ClientError("network", `WebSocket refused or unreachable (${said})`);
  if (code === WS_CLOSE.NORMAL || code === WS_CLOSE.GOING_AWAY) return "ended";
  // Removed from the session or its share link revoked: reconnecting would only be refused.
  if (code === WS_CLOSE.REVOKED) return new ClientError("revoked", `the server ended this caller's access (${said})`);
  // The server gave up on a socket that read too slowly: a new one resumes from the last event delivered.
  if (code === WS_CLOSE.BEHIND)
    return new ClientError("network", `the server closed a socket that fell behind (${said})`);
  return new ClientError("network", `WebSocket lost (${said})`);
}

function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  throw new ClientError("protocol", "unexpected binary WebSocket message");
}

export function webSocketTransport(options: WebSocketTransportOptions = {}): Transport {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const pingIntervalMs = options.pingIntervalMs ?? Math.min(DEFAULT_PING_INTERVAL_MS, idleTimeoutMs / 3);
  const ackEveryChars = Math.min(options.ackEveryChars ?? WS_FLOW.ACK_EVERY_CHARS, WS_FLOW.ACK_EVERY_CHARS);
  return {
    name: "websocket",
    connect(request: ConnectRequest, sink: TransportSink): Promise<ConnectionEnd> {
      const Impl = options.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!Impl) return Promise.reject(new ClientError("protocol", "WebSocket is not available here"));
      return new Promise<ConnectionEnd>((resolve, reject) => {
        if (request.signal.aborted) return reject(request.signal.reason);
        const socket = new Impl(socketUrlFor(request));
        socket.binaryType = "arraybuffer";
        let opened = false;
        let settled = false;
        let watchdog: ReturnType<typeof setTimeout> | undefined;
        let pinger: ReturnType<typeof setInterval> | undefined;
        // Characters of every server message but pong, and as many as last acknowledged (WS_FLOW).
        let received = 0;
        let acked = 0;

        // A ConnectionEnd resolves; anything else (a ClientError, the abort reason) rejects.
        const finish = (outcome: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(watchdog);
          clearInterval(pinger);
          request.signal.removeEventListener("abort", onAbort);
          socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
          if (socket.readyState === CONNECTING || socket.readyState === OPEN) socket.close(WS_CLOSE.NORMAL);
          if (outcome === "ended" || outcome === "caught_up") resolve(outcome);
          else reject(outcome);
        };
        const onAbort = () => finish(request.signal.reason);
        request.signal.addEventListener("abort", onAbort, { once: true });
        // Armed from the start, so a handshake that hangs is given up like a silent socket.
        const arm = () => {
          if (idleTimeoutMs <= 0) return;
          clearTimeout(watchdog);
          watchdog = setTimeout(
            () => finish(new ClientError("network", `no WebSocket message for ${idleTimeoutMs} ms`)),
            idleTimeoutMs,
          );
        };
        arm();

        socket.onopen = () => {
          opened = true;
          arm();
          if (idleTimeoutMs > 0)
            pinger = setInterval(() => {
              if (socket.readyState === OPEN) socket.send(WS_PING);
            }, pingIntervalMs);
          sink.open();
        };
        socket.onmessage = (message) => {
          arm();
          try {
            const text = textOf(message.data);
            if (text === WS_PONG) return;
            received += text.length;
            if (received - acked >= ackEveryChars && socket.readyState === OPEN) {
              socket.send(JSON.stringify({ type: WS_CLIENT_TYPES.ACK, received }));
              acked = received;
            }
            const parsed = parseSocketMessage(text);
            if (parsed.kind === "control") {
              if (parsed.watching) sink.presence?.(parsed.watching);
              // The transport sends nothing but pings, so any error the server reports is a bug, not a network hiccup.
              if (parsed.error)
                throw new ClientError("protocol", `server: ${parsed.error.code}: ${parsed.error.message}`);
              return;
            }
            for (const event of parsed.events) {
              if (settled) return;
              sink.event(event);
            }
          } catch (error) {
            finish(error);
          }
        };
        // An error event is always followed by a close event, which carries the code: handled there.
        socket.onerror = () => {};
        socket.onclose = (close) => finish(onServerClose(opened, close.code, close.reason));
      });
    },
  };
}
