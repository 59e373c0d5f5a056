/**
 * Turning wire data into events: the JSON of one SSE `data:` line, or one WebSocket message (a
 * flush of events or a control message), into StreamEvents, checked just enough that ordering
 * and reconstruction can rely on it.
 */
import type { StreamEvent } from "../../../src/protocol/events";
import type { Watcher } from "../../../src/protocol/ws";
import { ClientError } from "./errors";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(data: string, what: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new ClientError("protocol", `${what} is not JSON: ${data.slice(0, 80)}`);
  }
}

/** Checks one parsed value is an event envelope. Throws a `protocol` ClientError when it is not. */
function toEvent(value: unknown): StreamEvent {
  if (
    !isRecord(value) ||
    !Number.isSafeInteger(value.id) ||
    (value.id as number) < 1 ||
    typeof value.run_id !== "string" ||
    typeof value.event_type !== "string" ||
    typeof value.agent_source !== "string" ||
    !isRecord(value.payload)
  ) {
    throw new ClientError("protocol", `not an event envelope: ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value as unknown as StreamEvent;
}

/**
 * Parses one event's JSON. Throws a `protocol` ClientError when it is not an event envelope.
 * Unknown event types pass: the client delivers them to `event` handlers and ignores them otherwise.
 */
export function parseEventData(data: string): StreamEvent {
  return toEvent(parseJson(data, "event data"));
}

/** A WebSocket message from the server: one flush of events, or a control message. */
export type SocketMessage =
  | { kind: "events"; events: StreamEvent[] }
  | { kind: "control"; type: string; error?: { code: string; message: string }; watching?: Watcher[] };

/**
 * Parses a server WebSocket message (src/protocol/ws.ts): a JSON array of envelopes (one flush),
 * or a JSON object with a `type` (control). Throws a `protocol` ClientError for anything else.
 */
export function parseSocketMessage(data: string): SocketMessage {
  const value = parseJson(data, "WebSocket message");
  if (Array.isArray(value)) return { kind: "events", events: value.map(toEvent) };
  if (isRecord(value) && typeof value.type === "string") {
    const error = isRecord(value.error) ? value.error : undefined;
    if (value.type === "presence" && Array.isArray(value.watching)) {
      return { kind: "control", type: value.type, watching: value.watching.filter(isWatcher) };
    }
    if (!error) return { kind: "control", type: value.type };
    return { kind: "control", type: value.type, error: { code: String(error.code), message: String(error.message) } };
  }
  throw new ClientError("protocol", `not an event array or control message: ${data.slice(0, 80)}`);
}

/** One presence entry as the server sends it (src/protocol/ws.ts); anything else is dropped. */
function isWatcher(value: unknown): value is Watcher {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    (value.transport === "sse" || value.transport === "ws") &&
    typeof value.streams === "number"
  );
}
