/**
 * Turning wire data into events: the JSON of one SSE `data:` line (or one WebSocket message)
 * into a StreamEvent, checked just enough that ordering and reconstruction can rely on it.
 */
import type { StreamEvent } from "../protocol/events";
import { ClientError } from "./errors";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one event's JSON. Throws a `protocol` ClientError when it is not an event envelope.
 * Unknown event types pass: the client delivers them to `event` handlers and ignores them otherwise.
 */
export function parseEventData(data: string): StreamEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ClientError("protocol", `event data is not JSON: ${data.slice(0, 80)}`);
  }
  if (
    !isRecord(value) ||
    !Number.isSafeInteger(value.id) ||
    (value.id as number) < 1 ||
    typeof value.run_id !== "string" ||
    typeof value.event_type !== "string" ||
    typeof value.agent_source !== "string" ||
    !isRecord(value.payload)
  ) {
    throw new ClientError("protocol", `not an event envelope: ${data.slice(0, 80)}`);
  }
  return value as unknown as StreamEvent;
}
