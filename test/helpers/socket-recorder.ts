/**
 * What a test's WebSocket received, recorded as it arrives: every text message, the events of each
 * JSON-array message (one flush), the control objects, and the close. The same record serves a
 * socket to the Worker inside workerd (./ws.ts) and one to `wrangler dev` from Node (./node-socket.ts);
 * each of those only turns its socket's messages into text and hands them over.
 */
import { vi } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";

/** How often `until` looks at what arrived, ms: a look is cheap, and messages come in bursts. */
const UNTIL_INTERVAL_MS = 10;

export interface RecordedSocket<W> {
  ws: W;
  /** Every event received, in arrival order (duplicates kept: tests count them). */
  events: StreamEvent[];
  /** Every control message (a JSON object) received but presence. */
  controls: Record<string, unknown>[];
  /** Every presence message received (sent whenever who watches changes: docs/sharing.md). */
  presence: { type: "presence"; watching: { id: string; transport: string; streams: number }[] }[];
  /** Every text message received. */
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `predicate` holds; rejects after `timeoutMs`, or at once if the socket closed first. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

export interface SocketRecorder<W> {
  socket: RecordedSocket<W>;
  /** Records one text message. */
  receive(text: string): void;
  /** Records the close. */
  close(code: number, reason: string): void;
}

/** A record for `ws`; `until` waits `defaultTimeoutMs` unless told otherwise. */
export function recordSocket<W>(ws: W, defaultTimeoutMs: number): SocketRecorder<W> {
  let closing: { code: number; reason: string } | undefined;
  let onClose: (info: { code: number; reason: string }) => void = () => {};
  const socket: RecordedSocket<W> = {
    ws,
    events: [],
    controls: [],
    presence: [],
    texts: [],
    closed: new Promise((resolve) => {
      onClose = resolve;
    }),
    async until(predicate, timeoutMs = defaultTimeoutMs) {
      try {
        await vi.waitUntil(() => predicate() || closing !== undefined, {
          timeout: timeoutMs,
          interval: UNTIL_INTERVAL_MS,
        });
      } catch {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting on the socket (${socket.texts.length} messages so far)`,
        );
      }
      if (!predicate()) throw new Error(`socket closed (${closing?.code} ${closing?.reason}) while waiting`);
    },
  };
  return {
    socket,
    receive(text) {
      socket.texts.push(text);
      if (text.startsWith("[")) socket.events.push(...(JSON.parse(text) as StreamEvent[]));
      else if (text.startsWith('{"type":"presence"')) socket.presence.push(JSON.parse(text));
      else if (text.startsWith("{")) socket.controls.push(JSON.parse(text) as Record<string, unknown>);
    },
    close(code, reason) {
      closing = { code, reason };
      onClose(closing);
    },
  };
}
